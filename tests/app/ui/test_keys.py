"""The keyboard, pressed for real during a call: Ctrl+T opens the transfer dialog and
Escape closes it; Ctrl+? opens the shortcuts window, which lists Ctrl+T for the transfer.

Keys go through XTest (dogtail.rawinput), not through the window's AT-SPI actions, so
a missing accelerator fails here (other tests call win.transfer directly).
"""
import sys

import handoff_ui as ui

WIN = "Handoff — Alice Example"


def shortcut_keys(app, title):
    """The key labels shown beside a title in the shortcuts window, e.g. Ctrl + T."""
    node = ui.wait_for(app, name=title, role="label", timeout=10)
    for _ in range(3):   # the title's box, then the shortcut row holding the key labels
        node = node.parent
        keys = [n.name for n in node.findChildren(lambda n: n.roleName == "label")
                if n.name != title]
        if keys:
            return keys
    return []


def test(stack):
    # The caller first: Alice's window, started last, is the one with the keyboard.
    caller = ui.start_app("handoff-caller", ["--caller", "--server", stack.server_url,
                                             "--name", "Carol Jones", "--reason", "Lost parcel"])
    ui.click(caller, "Call")
    alice = ui.start_app("handoff-alice", ["--server", stack.server_url, "--sign-in", "alice"],
                         {"HANDOFF_PASSWORD": ui.ALICE[1]})
    ui.wait_for(alice, name="Incoming call from Carol Jones", role="label", timeout=30)
    ui.click(alice, "Accept Call")
    ui.wait_for(alice, name="Talking to Carol Jones", role="label", timeout=30)
    frame = ui.wait_for(alice, name=WIN, role="frame")

    ui.press_keys(frame, "<Control>t")
    ui.wait_for(alice, name="Who should take over?", role="label", timeout=10)
    ui.wait_for(alice, name="Transfer Call", role="frame", timeout=5)
    ui.shot("a-ctrl-t-transfer-dialog", "Transfer Call")
    ui.press_keys(ui.wait_for(alice, name="Transfer Call", role="frame"), "Escape")
    ui.wait_gone(alice, name="Who should take over?", role="label", timeout=10)
    # Nothing was sent: Alice is still talking to the caller.
    ui.wait_for(alice, name="Talking to Carol Jones", role="label", timeout=5)

    # Ctrl+? (Ctrl+Shift+/ on this keyboard): the shortcuts window.
    ui.press_keys(frame, "<Control><Shift>slash")
    shortcuts = ui.wait_for(alice, name="Keyboard Shortcuts", role="frame", timeout=10)
    keys = shortcut_keys(alice, "Warm transfer")
    ui.log(f"shortcuts window: Warm transfer = {' '.join(keys)}")
    if keys != ["Ctrl", "+", "T"]:
        raise AssertionError(f"the shortcuts window lists {keys} for the transfer")
    ui.shot("a-shortcuts-window")
    ui.press_keys(shortcuts, "Escape")
    ui.wait_gone(alice, name="Warm transfer", role="label", timeout=10)


sys.exit(ui.run(test))
