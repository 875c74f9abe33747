"""A stand-in for the desktop's notification server, for the UI tests.

Run as a script inside the test's D-Bus session, it owns both names GNOME Shell owns and
answers the way the Shell does:
- org.gtk.Notifications (what GLib's "gtk" backend uses when that name has an owner):
  AddNotification(app_id, id, notification) records it if APP_ID.desktop is installed
  (found by GDesktopAppInfo in $XDG_DATA_DIRS/applications with its Exec program, as the
  Shell looks the app up; else the call fails with the Shell's "could not be found" and
  nothing is shown); clicking a button calls
  org.freedesktop.Application.ActivateAction(action without "app.", [target], {}) on the bus
  name app_id at the path made from it — so only an application that owns its ID gets it.
- org.freedesktop.Notifications (GLib's "freedesktop" backend): Notify(...) records it and
  returns an id; clicking a button emits ActionInvoked(id, action key), then
  NotificationClosed(id, 2).
Each notification and each outcome is written to stdout as one JSON line; commands come on
stdin, one per line:
  click-gtk APP_ID ID LABEL        click the button LABEL of that org.gtk notification
  click-fdo NOTIFY_ID LABEL        click the button LABEL of that freedesktop notification

The test side is the Daemon class below.
"""
import json
import os
import queue
import subprocess
import sys
import threading
import time

GTK_XML = """
<node>
  <interface name="org.gtk.Notifications">
    <method name="AddNotification">
      <arg type="s" direction="in"/><arg type="s" direction="in"/><arg type="a{sv}" direction="in"/>
    </method>
    <method name="RemoveNotification">
      <arg type="s" direction="in"/><arg type="s" direction="in"/>
    </method>
  </interface>
</node>"""

FDO_XML = """
<node>
  <interface name="org.freedesktop.Notifications">
    <method name="Notify">
      <arg type="s" direction="in"/><arg type="u" direction="in"/><arg type="s" direction="in"/>
      <arg type="s" direction="in"/><arg type="s" direction="in"/><arg type="as" direction="in"/>
      <arg type="a{sv}" direction="in"/><arg type="i" direction="in"/>
      <arg type="u" direction="out"/>
    </method>
    <method name="CloseNotification"><arg type="u" direction="in"/></method>
    <method name="GetCapabilities"><arg type="as" direction="out"/></method>
    <method name="GetServerInformation">
      <arg type="s" direction="out"/><arg type="s" direction="out"/>
      <arg type="s" direction="out"/><arg type="s" direction="out"/>
    </method>
    <signal name="ActionInvoked"><arg type="u"/><arg type="s"/></signal>
    <signal name="NotificationClosed"><arg type="u"/><arg type="u"/></signal>
  </interface>
</node>"""


def serve():
    from gi.repository import Gio, GLib

    bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    gtk_notes = {}   # (app_id, id) -> notification dict (GVariant values unpacked lazily)
    fdo_notes = {}   # notify id -> [(key, label)]
    next_id = [1]

    def emit(event, **fields):
        fields["event"] = event
        print(json.dumps(fields), flush=True)

    def installed(app_id):
        # Shell.AppSystem's lookup: GDesktopAppInfo, which also wants the Exec program found.
        try:
            return Gio.DesktopAppInfo.new(app_id + ".desktop") is not None
        except TypeError:   # PyGObject: "constructor returned NULL", not found
            return False

    def gtk_call(conn, sender, path, iface, method, params, invocation):
        if method == "AddNotification":
            app_id, nid = params.get_child_value(0).get_string(), params.get_child_value(1).get_string()
            if not installed(app_id):
                emit("refused", backend="gtk", sender=sender, app_id=app_id, id=nid)
                invocation.return_dbus_error("org.gtk.Notifications.InvalidApp",
                                             f'The app by ID "{app_id}" could not be found')
                return
            note = params.get_child_value(2)
            gtk_notes[(app_id, nid)] = note
            d = note.unpack()
            emit("add", backend="gtk", sender=sender, app_id=app_id, id=nid,
                 title=d.get("title"), body=d.get("body"), priority=d.get("priority"),
                 default_action=d.get("default-action"),
                 buttons=[{"label": b.get("label"), "action": b.get("action"),
                           "target": b.get("target")} for b in d.get("buttons", [])])
        elif method == "RemoveNotification":
            app_id, nid = params.unpack()
            gtk_notes.pop((app_id, nid), None)
            emit("remove", backend="gtk", sender=sender, app_id=app_id, id=nid)
        invocation.return_value(None)

    def fdo_call(conn, sender, path, iface, method, params, invocation):
        if method == "Notify":
            app_name, replaces, _icon, summary, body, actions, hints, _timeout = params.unpack()
            nid = replaces or next_id[0]
            if not replaces:
                next_id[0] += 1
            pairs = list(zip(actions[0::2], actions[1::2]))
            fdo_notes[nid] = pairs
            emit("notify", backend="freedesktop", sender=sender, nid=nid, app_name=app_name,
                 title=summary, body=body, actions=pairs,
                 desktop_entry=hints.get("desktop-entry"), urgency=hints.get("urgency"))
            invocation.return_value(GLib.Variant("(u)", (nid,)))
        elif method == "CloseNotification":
            (nid,) = params.unpack()
            fdo_notes.pop(nid, None)
            emit("close", backend="freedesktop", sender=sender, nid=nid)
            invocation.return_value(None)
        elif method == "GetCapabilities":
            invocation.return_value(GLib.Variant("(as)", (["actions", "body"],)))
        else:
            invocation.return_value(GLib.Variant("(ssss)", ("test-notifications", "handoff", "1", "1.2")))

    for xml, path, handler in ((GTK_XML, "/org/gtk/Notifications", gtk_call),
                               (FDO_XML, "/org/freedesktop/Notifications", fdo_call)):
        info = Gio.DBusNodeInfo.new_for_xml(xml).interfaces[0]
        bus.register_object(path, info, handler, None, None)

    def own(name):
        reply = bus.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                              "RequestName", GLib.Variant("(su)", (name, 4)),   # DO_NOT_QUEUE
                              GLib.VariantType("(u)"), Gio.DBusCallFlags.NONE, -1, None)
        if reply.unpack()[0] != 1:
            raise SystemExit(f"{name} is already owned")

    own("org.gtk.Notifications")
    own("org.freedesktop.Notifications")

    def click_gtk(app_id, nid, label):
        note = gtk_notes.get((app_id, nid))
        if note is None:
            emit("error", what=f"no org.gtk notification {app_id} {nid}")
            return
        buttons = note.lookup_value("buttons", None)
        for i in range(buttons.n_children() if buttons else 0):
            b = buttons.get_child_value(i)
            if b.lookup_value("label", None).get_string() != label:
                continue
            action = b.lookup_value("action", None).get_string()
            target = b.lookup_value("target", None)
            # As GNOME Shell's notificationDaemon.js: app actions only, by the app ID's name.
            if not action.startswith("app."):
                emit("error", what=f"not an app action: {action}")
                return
            path = "/" + app_id.replace(".", "/").replace("-", "_")
            params = GLib.Variant.new_tuple(
                GLib.Variant.new_string(action[len("app."):]),
                GLib.Variant("av", [target] if target is not None else []),
                GLib.Variant("a{sv}", {}))

            def done(conn, res):
                try:
                    conn.call_finish(res)
                    emit("activated", backend="gtk", app_id=app_id, id=nid, action=action, ok=True)
                except GLib.Error as e:
                    emit("activated", backend="gtk", app_id=app_id, id=nid, action=action, ok=False,
                         error=e.message)
            bus.call(app_id, path, "org.freedesktop.Application", "ActivateAction", params, None,
                     Gio.DBusCallFlags.NO_AUTO_START, 10000, None, done)
            return
        emit("error", what=f"no button {label!r} on {app_id} {nid}")

    def click_fdo(nid, label):
        for key, lab in fdo_notes.get(nid, []):
            if lab == label:
                bus.emit_signal(None, "/org/freedesktop/Notifications", "org.freedesktop.Notifications",
                                "ActionInvoked", GLib.Variant("(us)", (nid, key)))
                bus.emit_signal(None, "/org/freedesktop/Notifications", "org.freedesktop.Notifications",
                                "NotificationClosed", GLib.Variant("(uu)", (nid, 2)))
                fdo_notes.pop(nid, None)
                emit("invoked", backend="freedesktop", nid=nid, key=key)
                return
        emit("error", what=f"no button {label!r} on freedesktop notification {nid}")

    loop = GLib.MainLoop()

    def on_stdin(channel, cond):
        line = sys.stdin.readline()
        if not line:
            loop.quit()
            return False
        words = line.rstrip("\n").split(" ", 3)
        if words[0] == "click-gtk" and len(words) == 4:
            click_gtk(words[1], words[2], words[3])
        elif words[0] == "click-fdo" and len(words) >= 3:
            click_fdo(int(words[1]), " ".join(words[2:]))
        else:
            emit("error", what=f"unknown command {line.strip()!r}")
        return True

    GLib.io_add_watch(GLib.IOChannel.unix_new(sys.stdin.fileno()), GLib.PRIORITY_DEFAULT,
                      GLib.IOCondition.IN | GLib.IOCondition.HUP, on_stdin)
    emit("ready", unique_name=bus.get_unique_name())
    loop.run()


class Daemon:
    """The test's handle on the daemon process: every event it reports, and its buttons."""

    def __init__(self, log=print, data_dirs=()):
        """data_dirs: more XDG data directories, where applications/*.desktop is looked up."""
        self.log = log
        self.events = []
        self._queue = queue.Queue()
        env = dict(os.environ)
        env["XDG_DATA_DIRS"] = ":".join(list(data_dirs) +
                                        [env.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share"])
        self.proc = subprocess.Popen([sys.executable, os.path.abspath(__file__)], env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        threading.Thread(target=self._read, daemon=True).start()
        self.wait(lambda e: e["event"] == "ready", "the daemon to start", timeout=10)

    def _read(self):
        for line in self.proc.stdout:
            self._queue.put(json.loads(line))

    def wait(self, pred, what, timeout=30):
        deadline = time.time() + timeout
        for e in self.events:
            if pred(e):
                return e
        while time.time() < deadline:
            try:
                e = self._queue.get(timeout=max(0.05, deadline - time.time()))
            except queue.Empty:
                break
            self.events.append(e)
            self.log(f"notification daemon: {json.dumps(e)}")
            if pred(e):
                return e
        raise AssertionError(f"waited {timeout}s for {what}; the daemon saw: {self.events}")

    def click_gtk(self, app_id, nid, label):
        self._send(f"click-gtk {app_id} {nid} {label}")

    def click_fdo(self, nid, label):
        self._send(f"click-fdo {nid} {label}")

    def _send(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def close(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()


if __name__ == "__main__":
    serve()
