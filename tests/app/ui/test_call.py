"""A caller calls; Alice is offered the call, accepts; both windows say so; the level meters
follow the tones (and silence when muted); Alice changes to her headset (microphone and
speaker) in the middle of the call and the caller hears the headset's microphone, Alice's
headset plays the caller; the caller hangs up."""
import sys

import handoff_ui as ui
from ui_audio import hears, pcm_sink, power, size
from ui_pulse import HEADSET, HEADSET_MIC, MIC_HZ, Pulse


def test(stack):
    pulse = Pulse()
    alice = ui.start_app("handoff-alice", ["--server", stack.server_url, "--sign-in", "alice"],
                         {"HANDOFF_PASSWORD": ui.ALICE[1],
                          "HANDOFF_AUDIO_SRC": "audiotestsrc is-live=true wave=sine freq=550",
                          **pulse.env()})
    ui.wait_for(alice, contains="You are available", role="label")

    caller_pcm, caller_sink = pcm_sink("caller")
    caller = ui.start_app("handoff-caller", ["--caller", "--server", stack.server_url],
                          {"HANDOFF_AUDIO_SRC": "audiotestsrc is-live=true wave=sine freq=440",
                           "HANDOFF_AUDIO_SINK": caller_sink})
    ui.wait_for(caller, name="Talk to Us", role="label")
    # An empty name is refused with a reason.
    ui.click(caller, "Call")
    ui.wait_for(caller, name="Please enter your name", role="label")
    ui.set_text(caller, "Your name", "Carol Jones")
    # Once a name is typed, the request for one goes away.
    ui.wait_gone(caller, name="Please enter your name", role="label", timeout=5)
    ui.set_text(caller, "Reason for calling", "I was charged twice for order ORD-4411")
    ui.shot("caller-form", "Call Support")
    ui.click(caller, "Call")
    ui.wait_for(caller, name="Waiting for an agent…", role="label")
    ui.shot("caller-waiting", "Call Support")

    ui.wait_for(alice, name="Incoming call from Carol Jones", role="label", timeout=30)
    ui.wait_for(alice, name="I was charged twice for order ORD-4411", role="label")
    ui.shot("agent-offer", "Handoff — Alice Example")
    ui.click(alice, "Accept Call")
    ui.wait_for(alice, name="Talking to Carol Jones", role="label", timeout=30)
    ui.shot("agent-talking", "Handoff — Alice Example")

    ui.wait_for(caller, name="Talking to Alice Example", role="label", timeout=30)
    ui.shot("caller-talking", "Call Support")

    # Level meters, read as a screen reader reads them: Alice's microphone is her tone,
    # her speaker plays the caller's tone.
    ui.wait_value(alice, "Microphone level", lambda v: v > 0.5, "moves with Alice's tone")
    ui.wait_value(alice, "Speaker level", lambda v: v > 0.3, "moves with the caller's tone")
    # The caller mutes: Alice hears silence, and her speaker meter falls.
    ui.toggle(caller, "Mute")
    ui.wait_value(alice, "Speaker level", lambda v: v < 0.05, "low with the caller muted")
    ui.shot("agent-caller-muted", "Handoff — Alice Example")
    ui.toggle(caller, "Mute")
    ui.wait_value(alice, "Speaker level", lambda v: v > 0.3, "back with the caller's tone")
    # Alice mutes: her microphone meter shows silence.
    ui.toggle(alice, "Mute")
    ui.wait_value(alice, "Microphone level", lambda v: v < 0.05, "low while Alice is muted")
    # A muted agent is not a dropped one: the caller's window does not say so
    # (its app tells a dropped connection from audio that stops unmuted).
    ui.time.sleep(4)
    if ui.find(caller, name="The connection to your agent dropped — please stay on the line", role="label"):
        raise AssertionError("the caller was told the agent dropped while she was muted")
    ui.wait_for(caller, name="Talking to Alice Example", role="label", timeout=1)
    ui.toggle(alice, "Mute")
    ui.wait_value(alice, "Microphone level", lambda v: v > 0.5, "back with Alice's tone")

    # Mid-call, Alice puts on her headset: its microphone, then its speaker, from the menu
    # beside the meters. The caller hears the headset's microphone instead of the 550 Hz one.
    hears(caller_pcm, size(caller_pcm), 550, MIC_HZ)
    ui.click_named(alice, "Audio devices")
    ui.wait_for(alice, name=HEADSET_MIC)
    ui.shot("agent-audio-devices")   # the menu is a window of its own
    node = ui.click_named(alice, HEADSET_MIC)
    ui.log(f"clicked the headset's microphone: a {node.roleName}, actions {list(node.actions)}")
    hears(caller_pcm, size(caller_pcm), MIC_HZ, 550, timeout=10)
    ui.click_named(alice, HEADSET)
    # What the headset plays is the caller's 440 Hz, well above anything else.
    deadline = ui.time.time() + 10
    while True:
        played = pulse.record("headset.monitor", 1.5)
        p440, p550 = power(played, 440), power(played, 550)
        rms = (sum(x * x for x in played) / max(len(played), 1)) ** 0.5
        if rms > 100 and p440 > 10 * p550:
            ui.log(f"the headset plays the caller: 440 Hz power {p440:.0f} vs {p550:.0f}, rms {rms:.0f}")
            break
        if ui.time.time() > deadline:
            raise AssertionError(f"the headset does not play the caller (440 Hz {p440:.0f}, "
                                 f"550 Hz {p550:.0f}, rms {rms:.0f})")
    ui.wait_value(alice, "Speaker level", lambda v: v > 0.3, "still moves with the caller's tone")
    ui.click_named(alice, "Audio devices")   # closes the menu

    ui.click(caller, "Hang Up")
    ui.wait_for(caller, name="Call Ended", role="label")
    ui.shot("caller-ended", "Call Support")
    # The server tells Alice; she is free again.
    ui.wait_for(alice, name="No Call", role="label", timeout=30)
    ui.shot("agent-after-call", "Handoff — Alice Example")


sys.exit(ui.run(test))
