"""A second transfer while one is running is refused with a reason the agent can read.

Alice transfers Carol to Bob; while Alice and Bob consult, Alice presses Ctrl+T (the
window's transfer action) again: a toast says a transfer is already running, no second
dialog opens, and the first transfer goes on (Connect still works).
"""
import sys

import handoff_ui as ui

WIN = "Handoff — Alice Example"
REFUSAL = "A transfer of this call is already running; finish or cancel it first"


def test(stack):
    alice = ui.start_agent(stack, ui.ALICE)
    caller = ui.place_call(stack, alice)
    bob = ui.start_agent(stack, ui.BOB)

    ui.send_transfer(alice, "Bob Example")
    ui.wait_gone(alice, name="Who should take over?", role="label")

    # While B is still deciding: refused.
    frame = ui.wait_for(alice, name=WIN, role="frame")
    frame.doActionNamed("win.transfer")
    ui.wait_for(alice, name=REFUSAL, role="label", timeout=10)
    if ui.find(alice, name="Who should take over?", role="label"):
        raise AssertionError("a second transfer dialog opened")
    ui.shot("a-second-transfer-refused-while-waiting", WIN)

    ui.click(bob, "Accept Transfer")
    ui.wait_for(alice, name="Consulting privately with Bob Example", role="label", timeout=30)
    # During the consultation: the Transfer button (if shown) and Ctrl+T are refused too.
    ui.wait_gone(alice, name=REFUSAL, role="label", timeout=15)
    buttons = ui.find(alice, name="Transfer…", role="push button")
    if buttons and buttons[0].sensitive:
        buttons[0].doActionNamed("click")
    else:
        frame.doActionNamed("win.transfer")
    ui.wait_for(alice, name=REFUSAL, role="label", timeout=10)
    if ui.find(alice, name="Who should take over?", role="label"):
        raise AssertionError("a second transfer dialog opened during the consultation")
    ui.shot("a-second-transfer-refused-consulting", WIN)

    # The first transfer is untouched.
    ui.click(bob, "Ready")
    ui.wait_for(alice, name="Bob Example has read the briefing and is ready", role="label", timeout=30)
    ui.click(alice, "Connect")
    ui.wait_for(alice, name="Three-way call", role="label", timeout=30)
    ui.wait_for(bob, name="Three-way call", role="label", timeout=30)
    ui.shot("a-three-way-after-refusal", WIN)

    # Cancel in the three-way: Alice keeps the caller, and Bob is let go.
    ui.click(alice, "Cancel Transfer")
    # Bob is told, first thing (a toast: it goes after a few seconds); his window is idle.
    ui.wait_for(bob, name="Alice Example cancelled the transfer", role="label", timeout=30)
    ui.wait_for(alice, name="Transfer cancelled — you are back with the caller", role="label", timeout=30)
    ui.wait_for(alice, name="Talking to Carol Jones", role="label", timeout=30)
    ui.wait_for(bob, contains="You are available", role="label", timeout=30)
    if ui.find(bob, name="Call ended", role="label"):
        raise AssertionError("Bob was told only that the call ended")
    ui.shot("a-cancelled-in-three-way", WIN)
    # The closed transfer card takes its words with it (the toast goes by itself): a
    # screen reader does not find the ended transfer's status lying around.
    ui.wait_gone(alice, name="Transfer cancelled — you are back with the caller", role="label",
                 timeout=20, showing=False)
    # Nor does Alice keep a card for a transfer that is over.
    ui.wait_gone(alice, name="Transfer cancelled", role="label", timeout=10, showing=False)


sys.exit(ui.run(test))
