"""A caller calls; Alice is offered the call, accepts; both windows say so; the level meters
follow the tones (and silence when muted); the caller hangs up."""
import sys

import handoff_ui as ui


def test(stack):
    alice = ui.start_app("handoff-alice", ["--server", stack.server_url, "--sign-in", "alice"],
                         {"HANDOFF_PASSWORD": ui.ALICE[1],
                          "HANDOFF_AUDIO_SRC": "audiotestsrc is-live=true wave=sine freq=550"})
    ui.wait_for(alice, contains="You are available", role="label")

    caller = ui.start_app("handoff-caller", ["--caller", "--server", stack.server_url],
                          {"HANDOFF_AUDIO_SRC": "audiotestsrc is-live=true wave=sine freq=440"})
    ui.wait_for(caller, name="Talk to Us", role="label")
    # An empty name is refused with a reason.
    ui.click(caller, "Call")
    ui.wait_for(caller, name="Please enter your name", role="label")
    ui.set_text(caller, "Your name", "Carol Jones")
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

    ui.click(caller, "Hang Up")
    ui.wait_for(caller, name="Call Ended", role="label")
    ui.shot("caller-ended", "Call Support")
    # The server tells Alice; she is free again.
    ui.wait_for(alice, name="No Call", role="label", timeout=30)
    ui.shot("agent-after-call", "Handoff — Alice Example")


sys.exit(ui.run(test))
