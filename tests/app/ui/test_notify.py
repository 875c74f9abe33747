"""Accept from the desktop's notification, as GNOME Shell delivers it.

A stand-in notification server (notification_daemon.py) owns org.gtk.Notifications and
org.freedesktop.Notifications in the test's D-Bus session, as the Shell does.
- Alice is the unique workstation: GLib sends her call offer through org.gtk.Notifications
  (shown because the built .desktop file is installed for the daemon, as the Shell needs);
  the daemon checks it names the caller and clicks Accept the Shell's way
  (org.freedesktop.Application.ActivateAction on the application ID's bus name). Her window
  then says she is talking to the caller. (A NON_UNIQUE app owns no name: the click reached
  nobody.)
- A second agent started without --new-instance is told a workstation is open, and exits.
- Bob, a --new-instance beside her, gets the transfer offer through
  org.freedesktop.Notifications (its ActionInvoked comes back to his process, not to the
  owner of the application ID); the daemon clicks Accept and Alice and Bob consult.
"""
import os
import re
import subprocess
import sys
import tempfile

import handoff_ui as ui
import notification_daemon

ALICE_WIN = "Handoff — Alice Example"
BOB_WIN = "Handoff — Bob Example"
REASON = "I was charged twice for order ORD-4411"


def desktop_dir():
    """XDG data directory holding the built .desktop file: the Shell shows org.gtk
    notifications only from an application it finds installed."""
    data = tempfile.mkdtemp(prefix="handoff-ui-data-")
    os.makedirs(os.path.join(data, "applications"))
    for name in os.listdir(os.path.join(ui.BUILD, "data")):
        if name.endswith(".desktop"):
            # Installed, its Exec would be on PATH; here it is the built program.
            with open(os.path.join(ui.BUILD, "data", name)) as f:
                text = f.read().replace("Exec=handoff", "Exec=" + ui.APP)
            with open(os.path.join(data, "applications", name), "w") as f:
                f.write(text)
    return data


def test(stack):
    data = desktop_dir()
    daemon = notification_daemon.Daemon(log=ui.log, data_dirs=[data])
    try:
        run(stack, daemon, data)
    finally:
        daemon.close()


def run(stack, daemon, data):
    data_dirs = ":".join([data, os.environ.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share"])
    alice = ui.start_app("handoff-alice", ["--server", stack.server_url, "--sign-in", "alice"],
                         {"HANDOFF_PASSWORD": ui.ALICE[1], "XDG_DATA_DIRS": data_dirs}, unique=True)
    ui.wait_for(alice, contains="You are available", role="label")

    # One workstation per desktop: a second plain start shows the open one and says why.
    second = subprocess.run([ui.APP,
                             "--server", stack.server_url, "--sign-in", "bob"],
                            env=ui.app_env("handoff-second", {"HANDOFF_PASSWORD": ui.BOB[1]}),
                            capture_output=True, text=True, timeout=60)
    ui.log(f"second plain start: rc {second.returncode}, stderr {second.stderr.strip()!r}")
    if second.returncode != 0 or "already open on this desktop" not in second.stderr:
        raise AssertionError(f"a second workstation started: rc {second.returncode} {second.stderr!r}")

    caller = ui.start_app("handoff-caller", ["--caller", "--server", stack.server_url,
                                             "--name", "Carol Jones", "--reason", REASON])
    ui.click(caller, "Call")

    # The call offer, through org.gtk.Notifications (the Shell's own interface).
    note = daemon.wait(lambda e: e["event"] == "add" and e["id"] == "call-offer",
                       "the call offer notification")
    if not re.fullmatch(r"app\.handoff\.Handoff(\.Devel)?", note["app_id"]):
        raise AssertionError(f"notification from application ID {note['app_id']!r}")
    if note["title"] != "Incoming call from Carol Jones" or note["body"] != REASON:
        raise AssertionError(f"the notification does not name the caller: {note}")
    accept = [b for b in note["buttons"] if b["label"] == "Accept"]
    if not accept or accept[0]["action"] != "app.accept-call" or not accept[0]["target"]:
        raise AssertionError(f"no Accept button for the call: {note['buttons']}")
    ui.wait_for(alice, name="Incoming call from Carol Jones", role="label", timeout=30)
    ui.shot("a-offer-notified", ALICE_WIN)

    daemon.click_gtk(note["app_id"], "call-offer", "Accept")
    done = daemon.wait(lambda e: e["event"] == "activated", "the Accept click's answer")
    if not done["ok"]:
        raise AssertionError(f"the Shell's ActivateAction reached no application: {done}")
    ui.wait_for(alice, name="Talking to Carol Jones", role="label", timeout=30)
    ui.wait_for(caller, name="Talking to Alice Example", role="label", timeout=30)
    # The offer's notification is taken back once the call is answered.
    daemon.wait(lambda e: e["event"] == "remove" and e["id"] == "call-offer",
                "the call offer notification withdrawn")
    ui.shot("a-accepted-from-notification", ALICE_WIN)

    # A second agent beside her: the transfer offer comes as a freedesktop notification.
    bob = ui.start_agent(stack, ui.BOB)
    ui.send_transfer(alice, "Bob Example")

    offer = daemon.wait(lambda e: e["event"] in ("add", "notify") and
                        (e.get("id") == "transfer-offer" or "ransfer" in (e.get("title") or "")),
                        "the transfer offer notification")
    if offer["title"] != "Transfer of Carol Jones from Alice Example":
        raise AssertionError(f"the transfer notification does not name the caller: {offer}")
    if offer["backend"] == "freedesktop":
        accept = [k for k, label in offer["actions"] if label == "Accept"]
    else:
        accept = [b["action"] for b in offer["buttons"] if b["label"] == "Accept"]
    if not accept or not accept[0].startswith("app.accept-transfer"):
        raise AssertionError(f"no Accept button for the transfer: {offer}")
    ui.wait_for(bob, name="Alice Example wants to transfer Carol Jones to you", role="label",
                timeout=30)
    ui.shot("b-offer-notified", BOB_WIN)

    # Clicked the way the desktop delivers it. Through org.gtk.Notifications the click would
    # go to the owner of the application ID, Alice's process, not to Bob's.
    if offer["backend"] == "freedesktop":
        daemon.click_fdo(offer["nid"], "Accept")
    else:
        daemon.click_gtk(offer["app_id"], offer["id"], "Accept")
    ui.wait_for(bob, name="Consulting privately with Alice Example", role="label", timeout=30)
    ui.wait_for(alice, name="Consulting privately with Bob Example", role="label", timeout=30)
    ui.shot("b-accepted-from-notification", BOB_WIN)


sys.exit(ui.run(test))
