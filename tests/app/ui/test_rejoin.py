"""The agent's app restarts during a call: it offers to rejoin, and Rejoin brings the call back.

Carol (440 Hz) talks to Alice (550 Hz). Alice's window process is killed (SIGKILL, as a
crash); the caller stays. Alice starts again and signs in: the window says her call is
still going on and offers Rejoin Call; after the click both windows say they talk, and
each party hears the other's tone again (speakers are raw PCM files read by the test).
"""
import signal
import sys

import handoff_ui as ui
from ui_audio import hears, pcm_sink, size

WIN = "Handoff — Alice Example"


def agent(stack, prgname, sink):
    return ui.start_app(prgname, ["--server", stack.server_url, "--sign-in", "alice"],
                        {"HANDOFF_PASSWORD": ui.ALICE[1],
                         "HANDOFF_AUDIO_SRC": "audiotestsrc is-live=true wave=sine freq=550 volume=0.3",
                         "HANDOFF_AUDIO_SINK": sink})


def test(stack):
    alice_pcm, alice_sink = pcm_sink("alice-before")
    alice = agent(stack, "handoff-alice", alice_sink)
    alice_proc = ui._procs[-1]
    ui.wait_for(alice, contains="You are available", role="label")
    caller_pcm, caller_sink = pcm_sink("caller")
    caller = ui.start_app("handoff-caller", ["--caller", "--server", stack.server_url,
                                             "--name", "Carol Jones", "--reason", "Lost parcel"],
                          {"HANDOFF_AUDIO_SRC": "audiotestsrc is-live=true wave=sine freq=440 volume=0.3",
                           "HANDOFF_AUDIO_SINK": caller_sink})
    ui.click(caller, "Call")
    ui.wait_for(alice, name="Incoming call from Carol Jones", role="label", timeout=30)
    ui.click(alice, "Accept Call")
    ui.wait_for(alice, name="Talking to Carol Jones", role="label", timeout=30)
    ui.wait_for(caller, name="Talking to Alice Example", role="label", timeout=30)
    hears(caller_pcm, 0, 550, 440)
    hears(alice_pcm, 0, 440, 550)
    ui.shot("a-talking", WIN)

    # The app dies (no goodbye to anyone); the caller stays in the call.
    alice_proc.send_signal(signal.SIGKILL)
    alice_proc.wait()
    ui.log("Alice's app killed")
    ui.shot("caller-while-agent-gone", "Call Support")
    if ui.find(caller, name="Call Ended", role="label"):
        raise AssertionError("the caller's call ended when the agent's app died")

    alice_pcm, alice_sink = pcm_sink("alice-after")
    alice = agent(stack, "handoff-alice-again", alice_sink)
    ui.wait_for(alice, name="Your call with Carol Jones is still going on.", role="label", timeout=30)
    ui.wait_for(alice, name="Rejoin Call", role="push button")
    ui.shot("a-rejoin-offered", WIN)
    caller_at = size(caller_pcm)
    ui.click(alice, "Rejoin Call")
    ui.wait_for(alice, name="Talking to Carol Jones", role="label", timeout=30)
    ui.wait_for(caller, name="Talking to Alice Example", role="label", timeout=30)
    hears(caller_pcm, caller_at, 550, 440)
    hears(alice_pcm, 0, 440, 550)
    ui.shot("a-talking-after-rejoin", WIN)
    ui.shot("caller-after-rejoin", "Call Support")

    # And the call ends normally.
    ui.click(alice, "Hang Up")
    ui.wait_for(caller, name="Call Ended", role="label", timeout=30)
    ui.wait_for(alice, name="No Call", role="label", timeout=30)


sys.exit(ui.run(test))
