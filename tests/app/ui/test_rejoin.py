"""The agent's app restarts during a call: it offers to rejoin, and Rejoin brings the call back.

Carol (440 Hz) talks to Alice (550 Hz). Alice's window process is killed (SIGKILL, as a
crash); the caller stays. Alice starts again and signs in: the window says her call is
still going on and offers Rejoin Call, and the header says "On a call" (not "Available":
sign-in sets the presence, but the call is still hers); after the click both windows say
they talk, each party hears the other's tone again (speakers are raw PCM files read by the
test), and the call timer goes on from the call's age instead of starting at 0:00.
While Alice is gone the caller's window says her connection dropped (within seconds: her
audio stopped; LiveKit reports the departure only after ~20 s), and the caller hears hold
music (196 Hz, the built-in tune) that its own app plays, until Alice is back.
"""
import re
import signal
import sys
import time

import handoff_ui as ui
from ui_audio import hears, pcm_sink, size

WIN = "Handoff — Alice Example"
DROPPED = "The connection to your agent dropped — please stay on the line"


def agent(stack, prgname, sink):
    return ui.start_app(prgname, ["--server", stack.server_url, "--sign-in", "alice"],
                        {"HANDOFF_PASSWORD": ui.ALICE[1],
                         "HANDOFF_AUDIO_SRC": "audiotestsrc is-live=true wave=sine freq=550 volume=0.3",
                         "HANDOFF_AUDIO_SINK": sink})


def timer_seconds(app):
    """The call view's timer (m:ss or h:mm:ss) as a number of seconds."""
    for node in ui.find(app, role="label"):
        m = re.fullmatch(r"(?:(\d+):)?(\d+):(\d\d)", node.name or "")
        if m:
            return int(m.group(1) or 0) * 3600 + int(m.group(2)) * 60 + int(m.group(3))
    raise AssertionError("no call timer shown")


def test(stack):
    alice_pcm, alice_sink = pcm_sink("alice-before")
    alice = agent(stack, "handoff-alice", alice_sink)
    alice_proc = ui._procs[-1]
    ui.wait_for(alice, contains="You are available", role="label")
    caller_pcm, caller_sink = pcm_sink("caller")
    caller = ui.place_call(stack, alice,
                           {"HANDOFF_AUDIO_SRC": "audiotestsrc is-live=true wave=sine freq=440 volume=0.3",
                            "HANDOFF_AUDIO_SINK": caller_sink})
    answered = time.monotonic()   # the call was answered before this
    ui.wait_for(alice, name="On a call", role="label")
    ui.wait_for(caller, name="Talking to Alice Example", role="label", timeout=30)
    hears(caller_pcm, 0, 550, 440)
    hears(alice_pcm, 0, 440, 550)
    ui.shot("a-talking", WIN)
    time.sleep(3)   # some call time that a restarted timer would lose

    # The app dies (no goodbye to anyone); the caller stays in the call.
    alice_proc.send_signal(signal.SIGKILL)
    alice_proc.wait()
    killed = time.monotonic()
    ui.log("Alice's app killed")
    ui.wait_for(caller, name=DROPPED, role="label", timeout=10)
    ui.log(f"the caller's window says the agent's connection dropped "
           f"{time.monotonic() - killed:.1f} s after the kill")
    hears(caller_pcm, size(caller_pcm), 196, 550)
    ui.shot("caller-while-agent-gone", "Call Support")
    if ui.find(caller, name="Call Ended", role="label"):
        raise AssertionError("the caller's call ended when the agent's app died")

    alice_pcm, alice_sink = pcm_sink("alice-after")
    alice = agent(stack, "handoff-alice-again", alice_sink)
    ui.wait_for(alice, name="Your call with Carol Jones is still going on.", role="label", timeout=30)
    ui.wait_for(alice, name="Rejoin Call", role="push button")
    ui.wait_for(alice, name="On a call", role="label")
    if ui.find(alice, name="Available"):
        raise AssertionError("the header says Available while the call is still hers")
    ui.shot("a-rejoin-offered", WIN)
    caller_at = size(caller_pcm)
    ui.click(alice, "Rejoin Call")
    ui.wait_for(alice, name="Talking to Carol Jones", role="label", timeout=30)
    age = time.monotonic() - answered
    shown = timer_seconds(alice)
    ui.log(f"call timer after rejoin: {shown} s; the call is at least {age:.1f} s old")
    # The label is redrawn once a second and read over AT-SPI: allow 2 s.
    if shown < age - 2:
        raise AssertionError(f"the call timer restarted: {shown} s shown, call {age:.0f} s old")
    ui.wait_for(caller, name="Talking to Alice Example", role="label", timeout=30)
    hears(caller_pcm, caller_at, 550, 440)
    hears(caller_pcm, size(caller_pcm), 550, 196)   # the music stopped
    hears(alice_pcm, 0, 440, 550)
    ui.shot("a-talking-after-rejoin", WIN)
    ui.shot("caller-after-rejoin", "Call Support")

    # And the call ends normally.
    ui.click(alice, "Hang Up")
    ui.wait_for(caller, name="Call Ended", role="label", timeout=30)
    ui.wait_for(alice, name="No Call", role="label", timeout=30)
    ui.wait_gone(alice, name="On a call", role="label")


sys.exit(ui.run(test))
