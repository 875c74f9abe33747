"""The hold watchdog: with hold-watchdog-seconds at 10, Alice puts Carol on hold (Ctrl+H,
pressed as real keys) and is warned in words once Carol has waited 10 s — not before;
taking her off hold (Ctrl+H again) takes the warning away.
"""
import os
import re
import sys
import tempfile
import time

import handoff_ui as ui

WIN = "Handoff — Alice Example"
WATCHDOG_S = 10
WARNING = re.compile(r"Carol Jones has been on hold for 0:(\d\d)")


def settings_home():
    """A keyfile GSettings backend with a short watchdog."""
    home = tempfile.mkdtemp(prefix="handoff-ui-")
    os.makedirs(os.path.join(home, "glib-2.0", "settings"))
    with open(os.path.join(home, "glib-2.0", "settings", "keyfile"), "w") as f:
        f.write(f"[app/handoff/Handoff]\nhold-watchdog-seconds=uint32 {WATCHDOG_S}\n")
    return home


def warnings(app):
    # A label can go while we read the list (the warning slides away and is
    # cleared): AT-SPI then says "the application no longer exists" for it.
    names = []
    for n in ui.find(app, role="label"):
        try:
            name = n.name or ""
        except Exception:
            continue
        if WARNING.fullmatch(name):
            names.append(name)
    return names


def test(stack):
    # The caller first: Alice's window, started last, is the one with the keyboard.
    caller = ui.start_app("handoff-caller", ["--caller", "--server", stack.server_url,
                                             "--name", "Carol Jones", "--reason", "Lost parcel"])
    ui.click(caller, "Call")
    alice = ui.start_app("handoff-alice", ["--server", stack.server_url, "--sign-in", "alice"],
                         {"HANDOFF_PASSWORD": ui.ALICE[1], "GSETTINGS_BACKEND": "keyfile",
                          "XDG_CONFIG_HOME": settings_home()})
    ui.wait_for(alice, name="Incoming call from Carol Jones", role="label", timeout=30)
    ui.click(alice, "Accept Call")
    ui.wait_for(alice, name="Talking to Carol Jones", role="label", timeout=30)
    frame = ui.wait_for(alice, name=WIN, role="frame")

    pressed = time.time()
    ui.press_keys(frame, "<Control>h")
    ui.wait_for(alice, name="Carol Jones is on hold", role="label", timeout=10)
    ui.log(f"on hold {time.time() - pressed:.1f}s after Ctrl+H")

    # Not before the set time: the hold seconds cannot reach 10 sooner than 10 s after the
    # key was pressed.
    shot_taken = False
    while time.time() - pressed < WATCHDOG_S - 0.5:
        seen = warnings(alice)
        if seen:
            raise AssertionError(f"warned after {time.time() - pressed:.1f}s of hold: {seen}")
        if not shot_taken and time.time() - pressed > 5:
            ui.shot("a-on-hold-no-warning-yet", WIN)
            shot_taken = True
        time.sleep(0.3)

    deadline = pressed + WATCHDOG_S + 10
    while time.time() < deadline and not warnings(alice):
        time.sleep(0.3)
    seen = warnings(alice)
    first = time.time() - pressed
    if not seen:
        labels = [n.name for n in ui.find(alice, role="label") if n.name]
        raise AssertionError(f"no hold warning {first:.0f}s after Ctrl+H; labels: {labels[:40]}")
    ui.log(f"warning shown {first:.1f}s after Ctrl+H: {seen}")
    if first < WATCHDOG_S:
        raise AssertionError(f"warned after {first:.1f}s, setting {WATCHDOG_S}s")
    if int(WARNING.fullmatch(seen[0]).group(1)) < WATCHDOG_S:
        raise AssertionError(f"the warning names a wait under {WATCHDOG_S}s: {seen}")
    ui.shot("a-hold-warning", WIN)

    # Off hold: the warning goes, Alice talks to Carol again.
    ui.press_keys(frame, "<Control>h")
    ui.wait_for(alice, name="Talking to Carol Jones", role="label", timeout=15)
    deadline = time.time() + 10
    while warnings(alice) and time.time() < deadline:
        time.sleep(0.3)
    if warnings(alice):
        raise AssertionError(f"still warned after the hold ended: {warnings(alice)}")
    ui.shot("a-off-hold", WIN)


sys.exit(ui.run(test))
