"""The transfer dialog's directory says a colleague is on a call, live.

Bob takes Carol's call. Alice takes Dan's and opens the transfer dialog: Bob's row
says "On a call" (the server knows he is talking; he himself set "Available" and
that is not what a colleague should read). Carol hangs up while the dialog is open:
Bob's row goes back to "Available" without reopening the dialog.
"""
import sys

import handoff_ui as ui

ALICE_WIN = "Handoff — Alice Example"


def caller(stack, prgname, name, reason):
    app = ui.start_app(prgname, ["--caller", "--server", stack.server_url,
                                 "--name", name, "--reason", reason])
    ui.click(app, "Call")
    return app


def bob_row_subtitle(alice):
    """The subtitle of Bob's row: the label next to 'Bob Example' in the directory."""
    for _ in range(40):
        labels = [n.name for n in ui.find(alice, role="label")
                  if n.name and ("Available" in n.name or "On a call" in n.name
                                 or "Away" in n.name)]
        # Alice's own header says "On a call" too; Bob's row carries his skills.
        rows = [t for t in labels if "·" in t]
        if rows:
            return rows
        ui.time.sleep(0.25)
    return []


def test(stack):
    bob = ui.start_app("handoff-bob", ["--server", stack.server_url, "--sign-in", "bob"],
                       {"HANDOFF_PASSWORD": ui.BOB[1]})
    ui.wait_for(bob, contains="You are available", role="label")
    carol = caller(stack, "handoff-caller-carol", "Carol Jones", "Lost parcel")
    ui.wait_for(bob, name="Incoming call from Carol Jones", role="label", timeout=30)
    ui.click(bob, "Accept Call")
    ui.wait_for(bob, name="Talking to Carol Jones", role="label", timeout=30)

    alice = ui.start_app("handoff-alice", ["--server", stack.server_url, "--sign-in", "alice"],
                         {"HANDOFF_PASSWORD": ui.ALICE[1]})
    ui.wait_for(alice, contains="You are available", role="label")
    caller(stack, "handoff-caller-dan", "Dan Brown", "Wrong invoice address")
    ui.wait_for(alice, name="Incoming call from Dan Brown", role="label", timeout=30)
    ui.click(alice, "Accept Call")
    ui.wait_for(alice, name="Talking to Dan Brown", role="label", timeout=30)

    ui.click(alice, "Transfer…")
    ui.wait_for(alice, name="Who should take over?", role="label")
    ui.wait_for(alice, name="Choose Bob Example")
    rows = bob_row_subtitle(alice)
    if not rows or not rows[0].startswith("On a call"):
        raise AssertionError(f"Bob's row while he talks to Carol: {rows}")
    ui.log(f"Bob's row while he is on a call: {rows[0]!r}")
    ui.shot("a-directory-bob-on-a-call", "Transfer Call")

    # Carol hangs up; the open dialog follows.
    ui.click(carol, "Hang Up")
    ui.wait_for(bob, name="No Call", role="label", timeout=30)
    for _ in range(60):
        rows = bob_row_subtitle(alice)
        if rows and rows[0].startswith("Available"):
            break
        ui.time.sleep(0.25)
    else:
        raise AssertionError(f"Bob's row after his call ended: {rows}")
    ui.log(f"Bob's row after his call: {rows[0]!r}")
    ui.shot("a-directory-bob-available-again", "Transfer Call")


sys.exit(ui.run(test))
