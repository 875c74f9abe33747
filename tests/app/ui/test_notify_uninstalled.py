"""Accept from the notification of a workstation run from the build tree (no .desktop file
installed), as on a developer's GNOME desktop.

GNOME Shell refuses org.gtk.Notifications from an application it cannot find installed
(notification_daemon.py does the same), so such a run sends its notifications through
org.freedesktop.Notifications, which needs no desktop file: the call offer is shown and its
Accept comes back to the window.
"""
import sys

import handoff_ui as ui
import notification_daemon

ALICE_WIN = "Handoff — Alice Example"
REASON = "My router keeps restarting"


def test(stack):
    daemon = notification_daemon.Daemon(log=ui.log)
    try:
        run(stack, daemon)
    finally:
        daemon.close()


def run(stack, daemon):
    alice = ui.start_app("handoff-alice", ["--server", stack.server_url, "--sign-in", "alice"],
                         {"HANDOFF_PASSWORD": ui.ALICE[1]}, unique=True)
    ui.wait_for(alice, contains="You are available", role="label")
    caller = ui.start_app("handoff-caller", ["--caller", "--server", stack.server_url,
                                             "--name", "Dan Brown", "--reason", REASON])
    ui.click(caller, "Call")

    note = daemon.wait(lambda e: e["event"] in ("add", "notify", "refused"),
                       "the call offer notification")
    if note["event"] != "notify":
        raise AssertionError(f"the offer went to org.gtk.Notifications, which the Shell refuses "
                             f"for an application it cannot find: {note}")
    if note["title"] != "Incoming call from Dan Brown" or note["body"] != REASON:
        raise AssertionError(f"the notification does not name the caller: {note}")
    ui.wait_for(alice, name="Incoming call from Dan Brown", role="label", timeout=30)
    daemon.click_fdo(note["nid"], "Accept")
    ui.wait_for(alice, name="Talking to Dan Brown", role="label", timeout=30)
    ui.wait_for(caller, name="Talking to Alice Example", role="label", timeout=30)
    ui.shot("a-accepted-from-notification", ALICE_WIN)


sys.exit(ui.run(test))
