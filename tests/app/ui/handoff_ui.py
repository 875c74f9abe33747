"""Drive the real handoff windows over AT-SPI (dogtail), as ui-testing.md describes.

Every window runs as its own process with its own program name (HANDOFF_PRGNAME), so
dogtail finds it as an application. The servers are real: handoff-test-stack starts
livekit-server (through the C harness: free ports, always stopped) and handoff-server --dev.
A screenshot of every step goes to $HANDOFF_UI_ARTIFACTS.
"""
import os
import re
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("DOGTAIL_LOGGING", "0")
from dogtail import config, tree  # noqa: E402

config.searchCutoffCount = 3
config.searchBackoffDuration = 0.3
config.defaultDelay = 0.2
config.actionDelay = 0.3
config.logDebugToStdOut = False
config.logDebugToFile = False

BUILD = os.environ["HANDOFF_BUILD_ROOT"]
APP = os.path.join(BUILD, "src", "app", "handoff")
ARTIFACTS = os.environ.get("HANDOFF_UI_ARTIFACTS", os.path.join(BUILD, "ui-artifacts"))
os.makedirs(ARTIFACTS, exist_ok=True)

ALICE = ("alice", "alice-demo-password", "Alice Example")
BOB = ("bob", "bob-demo-password", "Bob Example")

_procs = []
_step = [0]


_t0 = time.time()


def log(msg):
    print(f"# [{time.time() - _t0:5.1f}] {msg}", flush=True)


class Stack:
    """livekit-server + handoff-server --dev, stopped when closed."""

    def __init__(self):
        self.proc = subprocess.Popen([os.path.join(BUILD, "tests", "app", "handoff-test-stack")],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        values = {}
        for _ in range(2):
            line = self.proc.stdout.readline()
            if not line:
                code = self.proc.wait()
                sys.exit(77 if code == 77 else 1)
            key, _, value = line.strip().partition("=")
            values[key] = value
        self.livekit_url = values["LIVEKIT_URL"]
        self.server_url = values["HANDOFF_SERVER_URL"]
        log(f"servers: {self.server_url} {self.livekit_url}")

    def _command(self, cmd):
        self.proc.stdin.write(cmd + "\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline().strip()
        if answer != "ok":
            raise AssertionError(f"{cmd}: {answer}")

    def stop_server(self):
        self._command("stop-server")

    def start_server(self):
        """Same port and database: sessions survive."""
        self._command("start-server")

    def close(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.terminate()
                self.proc.wait()


def app_env(prgname, extra_env=None):
    """The environment of one window process (see start_app)."""
    env = dict(os.environ)
    env.pop("NO_AT_BRIDGE", None)
    env.update({
        "HANDOFF_PRGNAME": prgname,
        "GTK_A11Y": "atspi",
        "GSETTINGS_BACKEND": "memory",
        "HANDOFF_SECRETS": "memory",
        "GDK_BACKEND": "x11",
        # No sound card here: a clock-paced sink, and silence unless a test
        # gives the party its own tone.
        "HANDOFF_AUDIO_SINK": "fakesink sync=true",
        "HANDOFF_AUDIO_SRC": "audiotestsrc is-live=true wave=silence",
        # Tones have no words; three recognisers on a small CI box only cost time.
        "HANDOFF_TRANSCRIBE": "0",
    })
    if extra_env:
        env.update(extra_env)
    return env


def start_app(prgname, args, extra_env=None, unique=False):
    """Starts one window process. An agent workstation is unique on a desktop; the tests
    run several, so each is a --new-instance unless the test wants the unique one."""
    if not unique and "--caller" not in args:
        args = args + ["--new-instance"]
    env = app_env(prgname, extra_env)
    logf = open(os.path.join(ARTIFACTS, f"{prgname}.log"), "w")
    proc = subprocess.Popen([APP] + args,
                            env=env, stdout=logf, stderr=subprocess.STDOUT)
    _procs.append(proc)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            for app in tree.root.applications():
                if app.name == prgname:
                    return app
        except Exception:
            pass
        if proc.poll() is not None:
            raise AssertionError(f"{prgname} exited with {proc.returncode}")
        time.sleep(0.3)
    raise AssertionError(f"{prgname} did not appear on the accessibility bus")


def start_agent(stack, who, extra_env=None, prgname=None):
    """An agent's workstation signed in as `who` (ALICE, BOB), once it says it is available."""
    user, password, _ = who
    app = start_app(prgname or f"handoff-{user}", ["--server", stack.server_url, "--sign-in", user],
                    dict(extra_env or {}, HANDOFF_PASSWORD=password))
    wait_for(app, contains="You are available", role="label", timeout=30)
    return app


def place_call(stack, agent, caller_env=None, name="Carol Jones", reason="Lost parcel", caller=None):
    """A caller's window calls (`caller`, or a new one as `name` with `reason`), the agent
    accepts; returns the caller's window once the agent is talking to it."""
    if caller is None:
        caller = start_app("handoff-caller", ["--caller", "--server", stack.server_url,
                                              "--name", name, "--reason", reason], caller_env)
    click(caller, "Call")
    wait_for(agent, name=f"Incoming call from {name}", role="label", timeout=30)
    click(agent, "Accept Call")
    wait_for(agent, name=f"Talking to {name}", role="label", timeout=30)
    return caller


def send_transfer(agent, to_name):
    """The transfer dialog: choose `to_name`, send, until the agent waits for the answer."""
    click(agent, "Transfer…")
    wait_for(agent, name="Who should take over?", role="label")
    click(agent, f"Choose {to_name}", timeout=20)
    click(agent, "Send")
    wait_for(agent, name=f"Waiting for {to_name} to accept", role="label", timeout=30)


def stop_all():
    for p in _procs:
        if p.poll() is None:
            p.terminate()
    for p in _procs:
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()


def _showing(node):
    # GTK 4.8 reports VISIBLE but never SHOWING; a widget on a hidden page
    # (a stack child not shown, a closed revealer) has no size.
    try:
        w, h = node.size
        return node.visible and w > 0 and h > 0
    except Exception:
        return False


def find(app, name=None, role=None, contains=None, showing=True):
    def pred(n):
        try:
            if role and n.roleName != role:
                return False
            if name is not None and n.name != name:
                return False
            if contains is not None and contains not in (n.name or ""):
                return False
            return not showing or _showing(n)
        except Exception:
            return False
    try:
        return app.findChildren(pred)
    except Exception:
        return []


def wait_for(app, name=None, role=None, contains=None, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = find(app, name=name, role=role, contains=contains)
        if found:
            return found[0]
        time.sleep(0.4)
    labels = [n.name for n in find(app, role="label") if n.name]
    raise AssertionError(f"waited {timeout}s for {role or 'node'} {name or contains!r}; "
                         f"labels showing: {labels[:40]}")


def wait_gone(app, name=None, role=None, contains=None, timeout=20, showing=True):
    """Until no such node is shown (showing=False: none is in the tree at all, which is
    what a screen reader can still reach)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if not find(app, name=name, role=role, contains=contains, showing=showing):
            return
        time.sleep(0.4)
    raise AssertionError(f"{role or 'node'} {name or contains!r} still "
                         f"{'shown' if showing else 'in the tree'} after {timeout}s")


def click(app, name, role="push button", timeout=15):
    node = wait_for(app, name=name, role=role, timeout=timeout)
    deadline = time.time() + timeout
    while not node.sensitive and time.time() < deadline:
        time.sleep(0.3)
    node.doActionNamed("click")
    return node


def click_named(app, name, timeout=15):
    """Clicks the node called `name` that has actions, whatever its role (a menu button's
    name is on a wrapper; the node that clicks is inside it)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        for n in find(app, name=name):
            try:
                # A check button's text is a label inside it: the button clicks.
                if n.roleName == "label" and n.parent is not None and n.parent.actions:
                    n = n.parent
                actions = list(n.actions)
                if actions:
                    n.doActionNamed("click" if "click" in actions else actions[0])
                    return n
            except Exception as e:   # a node that went while we looked
                log(f"{name!r}: {n.roleName if n else '?'} not clickable ({e})")
        time.sleep(0.3)
    raise AssertionError(f"waited {timeout}s for something to click called {name!r}")


def toggle(app, name, timeout=15):
    """Clicks a toggle (GTK 4.8 gives toggle buttons different roles and action names)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        for node in find(app, name=name):
            if node.roleName in ("toggle button", "push button", "check box"):
                actions = list(node.actions)
                node.doActionNamed("click" if "click" in actions else actions[0])
                return node
        time.sleep(0.3)
    seen = [(n.roleName, n.name, list(n.actions)) for n in find(app, contains=name, showing=False)]
    raise AssertionError(f"no toggle named {name!r}; nodes: {seen}")


def set_text(app, label, text, timeout=15):
    node = wait_for(app, role="text", contains=label, timeout=timeout)
    node.text = text
    return node


def settings_home(ai_url, more=""):
    """A keyfile GSettings backend whose AI endpoint is ai_url, with `more` keyfile lines."""
    home = tempfile.mkdtemp(prefix="handoff-ui-")
    os.makedirs(os.path.join(home, "glib-2.0", "settings"))
    with open(os.path.join(home, "glib-2.0", "settings", "keyfile"), "w") as f:
        f.write(f"[app/handoff/Handoff]\nai-base-url='{ai_url}'\nai-model='test-model'\n{more}")
    return home


def save_through_chooser(app, title, path, saved_toast, timeout=15):
    """Types @path into the Save dialog @title (GTK's own file chooser: no portal runs
    under the test session), clicks Save and waits for the app's toast."""
    if os.path.exists(path):
        os.unlink(path)
    deadline = time.time() + timeout
    dialog = []
    while not dialog and time.time() < deadline:
        dialog = [c for c in app.children if c.name == title]
        time.sleep(0.3)
    if not dialog:
        raise AssertionError(f"no dialog {title!r}; toplevels: {[(c.roleName, c.name) for c in app.children]}")
    wait_for(dialog[0], name="Name:", role="text").text = path
    shot(title.lower().replace(" ", "-"), title)
    click(dialog[0], "_Save Save")
    wait_for(app, name=saved_toast, role="label", timeout=timeout)


def value_of(app, name, timeout=15):
    """The current value of a range-like control (level bar), as a screen reader reads it
    through the AT-SPI Value interface."""
    node = wait_for(app, name=name, timeout=timeout)
    return node.queryValue().currentValue


def wait_value(app, name, test, what, timeout=20):
    """Polls a control's value until test(value) holds; the values seen are in the error."""
    deadline = time.time() + timeout
    seen = []
    while time.time() < deadline:
        v = value_of(app, name)
        seen.append(round(v, 3))
        if test(v):
            log(f"{name}: {v:.3f} ({what})")
            return v
        time.sleep(0.25)
    raise AssertionError(f"{name} never {what} in {timeout}s; values: {seen[-30:]}")


def press_keys(frame, combo):
    """Presses real keys (XTest through the AT-SPI registry, dogtail.rawinput), e.g.
    "<Control>t", into the window whose frame is given.

    There is no window manager under Xvfb: GTK gives a window the X input focus when it
    is presented (the last one started), and when a dialog closes the focus goes back to
    the root, where keys go to the window under the pointer. So the pointer is put on the
    frame's right half first (the caller's narrower window, if on top, covers only the
    left of the screen). Start the window that gets keys last."""
    from dogtail import rawinput
    (x, y), (w, h) = frame.position, frame.size
    rawinput.point(x + int(w * 0.8), y + h // 2)
    rawinput.keyCombo(combo)


def _window_id(title):
    out = subprocess.run(["xwininfo", "-root", "-tree"], capture_output=True, text=True).stdout
    for line in out.splitlines():
        m = re.match(r'\s*(0x[0-9a-f]+) "(.*)":', line)
        if m and m.group(2) == title:
            return m.group(1)
    return None


def shot(name, window_title=None):
    """Screenshot of one window (by title) or the whole screen, into the artefacts."""
    _step[0] += 1
    path = os.path.join(ARTIFACTS, f"{_step[0]:02d}-{name}.png")
    time.sleep(0.6)   # let animations settle
    target = _window_id(window_title) if window_title else None
    subprocess.run(["import", "-window", target or "root", path], check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    log(f"screenshot {path}")
    return path


def run(test):
    """Run a test function with a fresh stack; exit status for meson."""
    stack = None
    try:
        stack = Stack()
        test(stack)
        log("PASS")
        return 0
    except AssertionError as e:
        log(f"FAIL: {e}")
        shot("failure")
        for title in ("Handoff — Alice Example", "Handoff — Bob Example", "Call Support",
                      "Transfer Call", "Handoff"):
            if _window_id(title):
                shot("failure-" + title.split()[-1].lower(), title)
        return 1
    finally:
        stop_all()
        if stack:
            stack.close()
