"""A browser caller for the UI tests and benchmarks: livekit-client in headless Chromium.

tests/interop/browser-peer.mjs in caller mode: its page places the call through
handoff-server's public route (as a caller's web page does) and joins the room it is
given. With bands, it mixes every remote track (what its speaker plays) and reports the
power at each band every report_ms; hearing() checks what it hears.
"""
import json
import os
import shutil
import subprocess
import threading
import time

SOURCE = os.environ["HANDOFF_SOURCE_ROOT"]


def missing():
    """Why a browser caller cannot run here (None when it can)."""
    tools = os.environ.get("HANDOFF_TOOLS", "/opt/handoff")
    modules = os.environ.get("HANDOFF_NPM_MODULES", os.path.join(tools, "npm", "node_modules"))
    chromium = os.environ.get("HANDOFF_CHROMIUM", "/usr/bin/chromium")
    if not (os.environ.get("HANDOFF_NODE") or shutil.which("node")):
        return "node is not installed"
    if not os.access(chromium, os.X_OK):
        return f"{chromium} is not installed"
    for need in ("playwright-core/package.json", "livekit-client/dist/livekit-client.umd.js"):
        if not os.path.exists(os.path.join(modules, need)):
            return f"npm peers missing in {modules} (run build-aux/setup.sh)"
    return None


def require():
    """Exits 77 (skipped) when the browser cannot run, unless HANDOFF_REQUIRE_LIVEKIT (CI)."""
    why = missing()
    if why:
        print(f"# {why}", flush=True)
        if os.environ.get("HANDOFF_REQUIRE_LIVEKIT"):
            raise SystemExit(1)
        raise SystemExit(77)


class Browser:
    def __init__(self, server_url, name, reason=None, tone=440, bands=None, report_ms=500):
        node = os.environ.get("HANDOFF_NODE") or shutil.which("node")
        # A caller's page knows no LiveKit secret.
        env = {k: v for k, v in os.environ.items() if not k.startswith("HANDOFF_LK_")}
        args = [node, os.path.join(SOURCE, "tests", "interop", "browser-peer.mjs"),
                "--call-server", server_url, "--call-name", name, "--tone", str(tone),
                "--amplitude", "0.3", "--report-ms", str(report_ms), "--stats-ms", "600000"]
        if reason:
            args += ["--call-reason", reason]
        if bands:
            args += ["--bands", ",".join(str(b) for b in bands)]
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True, env=env)
        self.pid = self.proc.pid
        self.events = []
        self.taken = set()
        self.lock = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            try:
                ev = json.loads(line)
            except ValueError:
                continue
            if ev.get("event") not in ("mix", "heard", "rx-stats"):
                print(f"# browser: {line.strip()}", flush=True)
            with self.lock:
                self.events.append(ev)
                self.lock.notify_all()
        with self.lock:
            self.lock.notify_all()

    def wait(self, name, key=None, value=None, timeout=60):
        """The earliest event not returned before named name (with key == value)."""
        deadline = time.time() + timeout
        with self.lock:
            while True:
                for i, ev in enumerate(self.events):
                    if i in self.taken or ev.get("event") != name:
                        continue
                    if key is not None and ev.get(key) != value:
                        continue
                    self.taken.add(i)
                    return ev
                errors = [e for e in self.events if e.get("event") == "error"]
                if errors:
                    raise AssertionError(f"browser: {errors[0].get('message')}")
                if self.proc.poll() is not None or time.time() > deadline:
                    raise AssertionError(f"browser: no {name} {key or ''} {value or ''} "
                                         f"within {timeout} s")
                self.lock.wait(0.5)

    def count(self, name, key=None, value=None):
        with self.lock:
            return sum(1 for e in self.events
                       if e.get("event") == name and (key is None or e.get(key) == value))

    def hearing(self, phase, hears, not_hears, timeout=30, steady=2,
                heard_db=15.0, not_heard_db=30.0, floor_db=-60.0):
        """Waits until `steady` fresh mix reports in a row hold every tone of `hears`
        (within heard_db of the loudest of them, which is above floor_db) and none of
        `not_hears` (at least not_heard_db below it). Returns the last report's bands."""
        with self.lock:
            start = len(self.events)
        deadline = time.time() + timeout
        good = 0
        index = start
        while True:
            with self.lock:
                while index >= len(self.events):
                    if self.proc.poll() is not None or time.time() > deadline + 5:
                        raise AssertionError(f"{phase}: the browser reports nothing")
                    self.lock.wait(0.5)
                ev = self.events[index]
            index += 1
            if ev.get("event") != "mix":
                continue
            bands = {int(k): v for k, v in ev["bands"].items()}
            loudest = max(bands[h] for h in hears)
            why = []
            if loudest < floor_db:
                why.append("hears (almost) nothing")
            why += [f"does not hear {h} Hz" for h in hears if bands[h] < loudest - heard_db]
            why += [f"hears {h} Hz" for h in not_hears if bands[h] > loudest - not_heard_db]
            figures = " ".join(f"{h} {bands[h]:.1f}" for h in sorted(bands))
            good = 0 if why else good + 1
            if good >= steady:
                print(f"# {phase}: the browser hears as expected (dB: {figures})", flush=True)
                return bands
            if why and time.time() > deadline:
                raise AssertionError(f"{phase}: the browser still {', '.join(why)} (dB: {figures})")

    def quit(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write("quit\n")
                self.proc.stdin.close()
                self.proc.wait(timeout=15)
            except Exception:
                self.proc.terminate()
                self.proc.wait()
