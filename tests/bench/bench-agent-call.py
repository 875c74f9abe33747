"""Cost of the agent app in a call, beside a Chromium tab in the same call.

The real `handoff` agent window (Alice, signed in) takes a call from a browser caller:
livekit-client in headless Chromium (tests/interop/browser-peer.mjs in caller mode), whose
page places the call through handoff-server's public route. Real livekit-server and
handoff-server --dev (tests/app/handoff-test-stack). Alice's microphone is a spoken script
(espeak-ng, longer than the call) and her app transcribes it locally (src/stt,
pocketsphinx; microphone taps on, the app's default); the browser sends a 440 Hz tone and
plays what it receives. The call is accepted by clicking "Accept Call" over AT-SPI (dogtail).

Measured like tests/bench/bench-calls.c (see /work/shared/docs/benchmarks.md): for
HANDOFF_BENCH_SECONDS (60) starting 2 s after both are connected, every second: CPU = utime + stime of
every process of the participant (the app: its process; the tab: every Chromium process
under Node, Node itself excluded), as seconds of CPU per minute; memory = peak of summed
Pss (smaps_rollup), RSS beside it. Then the same call with GTK's GL renderer forced (Xvfb
has no GPU, so the app picks the cairo renderer itself, src/app/handoff-renderer.c; GL
would run on llvmpipe in the app's process), and
with microphone taps off (HANDOFF_MIC_TAPS=0: no transcription, no level meter), to show
what each costs; the app's CPU is also given per thread name. Figures, not pass/fail.

Run: tests/app/run-ui-test.sh tests/bench/bench-agent-call.py ARTIFACTS (meson: `meson test
-C build --benchmark agent-call`). Options through the environment: HANDOFF_BENCH_SECONDS,
HANDOFF_BENCH_MODES (e.g. "transcribe" or "transcribe,plain").
"""
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.environ["HANDOFF_SOURCE_ROOT"], "tests", "app", "ui"))
import browser_caller  # noqa: E402
import handoff_ui as ui  # noqa: E402

SECONDS = int(os.environ.get("HANDOFF_BENCH_SECONDS", "60"))
MODES = os.environ.get("HANDOFF_BENCH_MODES", "transcribe,transcribe-gl,plain").split(",")
TICK = os.sysconf("SC_CLK_TCK")

SCRIPT = ("Hello, thank you for calling. My name is Alice and I will help you today. "
          "I can see the order number O R D four four one one. There were two charges "
          "of forty nine dollars ninety on the twentieth of November. I am sorry about that. "
          "I will refund the second charge now, and you will see it in three to five days. "
          "Is there anything else I can help you with? ")


def speech_wav(directory):
    """About 95 s of speech, so the microphone talks for the whole call."""
    path = os.path.join(directory, "agent.wav")
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-g", "6", "-w", path, SCRIPT * 3],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return path


def mic_pipeline(wav):
    # The file paced by the clock, as a microphone would deliver it (about 95 s,
    # longer than the call).
    return (f"filesrc location={wav} ! wavparse ! audioconvert ! audioresample ! "
            "audio/x-raw,rate=48000,channels=1 ! clocksync")


def proc_stat(pid):
    """(ppid, cpu seconds) of a process, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            text = f.read()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()
    # fields[0] is field 3 (state): ppid is 4, utime/stime 14/15, cutime/cstime 16/17.
    return int(fields[1]), sum(int(v) for v in fields[11:15]) / TICK


def kb_field(path, name):
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(name):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def usage(root, include_root):
    """CPU seconds, Pss kB, RSS kB and process count of root's process tree."""
    stats = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            st = proc_stat(int(name))
            if st:
                stats[int(name)] = st
    members = {root}
    grew = True
    while grew:
        grew = False
        for pid, (ppid, _) in stats.items():
            if ppid in members and pid not in members:
                members.add(pid)
                grew = True
    if not include_root:
        members.discard(root)
    cpu = sum(stats[p][1] for p in members if p in stats)
    pss = sum(kb_field(f"/proc/{p}/smaps_rollup", "Pss:") for p in members)
    rss = sum(kb_field(f"/proc/{p}/status", "VmRSS:") for p in members)
    return cpu, pss, rss, len(members)


def threads(pid):
    """CPU seconds per thread name of one process (where its time goes)."""
    out = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                text = f.read()
        except OSError:
            continue
        name = text[text.index("(") + 1:text.rindex(")")]
        fields = text[text.rindex(")") + 2:].split()
        out[name] = out.get(name, 0) + (int(fields[11]) + int(fields[12])) / TICK
    return out


def measure(seconds, app_pid, browser_pid):
    """Samples both participants every second; returns their figures."""
    first_threads = threads(app_pid)
    first = {"app": usage(app_pid, True), "tab": usage(browser_pid, False)}
    peak = {k: [v[1], v[2]] for k, v in first.items()}
    t0 = time.monotonic()
    last = first
    for _ in range(seconds):
        time.sleep(1)
        last = {"app": usage(app_pid, True), "tab": usage(browser_pid, False)}
        for k, v in last.items():
            peak[k][0] = max(peak[k][0], v[1])
            peak[k][1] = max(peak[k][1], v[2])
    elapsed = time.monotonic() - t0
    last_threads = threads(app_pid)
    by_thread = {n: (c - first_threads.get(n, 0)) / elapsed * 60 for n, c in last_threads.items()}
    out = {"app_threads": dict(sorted(by_thread.items(), key=lambda kv: -kv[1])[:6])}
    for k in ("app", "tab"):
        out[k] = {
            "cpu_s_per_min": (last[k][0] - first[k][0]) / elapsed * 60,
            "peak_pss_mb": peak[k][0] / 1024,
            "peak_rss_mb": peak[k][1] / 1024,
            "processes": last[k][3],
        }
    return out


def one_call(stack, mode, wav):
    extra = {"HANDOFF_PASSWORD": ui.ALICE[1], "HANDOFF_AUDIO_SRC": mic_pipeline(wav)}
    if mode.startswith("transcribe"):
        # The app's defaults: microphone taps (level meter, own transcription) on.
        extra.update({"HANDOFF_MIC_TAPS": "1", "HANDOFF_TRANSCRIBE": "1"})
    else:
        extra.update({"HANDOFF_MIC_TAPS": "0"})
    if mode.endswith("-cairo"):
        extra["GSK_RENDERER"] = "cairo"
    elif mode.endswith("-gl"):
        # What the app ran with before it chose cairo on software GL: GTK's GL
        # renderer on llvmpipe, a full-window software render per frame.
        extra["GSK_RENDERER"] = "gl"
    prgname = f"handoff-alice-{mode}"
    alice = ui.start_app(prgname, ["--server", stack.server_url, "--sign-in", "alice"], extra)
    app_pid = ui._procs[-1].pid
    ui.wait_for(alice, contains="You are available", role="label", timeout=60)

    # No periodic analysis in the tab: it sends a tone and plays what it gets.
    caller = "Dana " + mode.replace("-", " ").title()
    browser = browser_caller.Browser(stack.server_url, caller,
                                     reason="I was charged twice for my order", report_ms=600000)
    try:
        placed = browser.wait("placed", timeout=60)
        browser.wait("joined", timeout=60)
        ui.wait_for(alice, name="Incoming call from " + caller, role="label", timeout=60)
        ui.click(alice, "Accept Call")
        ui.wait_for(alice, contains="Talking to", role="label", timeout=60)
        browser.wait("subscribed", "from", "agent-alice", timeout=60)
        time.sleep(2)
        ui.log(f"{mode}: call {placed['call_id']} up; measuring {SECONDS} s")
        figures = measure(SECONDS, app_pid, browser.pid)
        # Did the transcriber really run? The rows of the transcript list, as a screen
        # reader counts them (the speakers are labelled by display name, so counting
        # labels named after the identity found none).
        view = alice.findChild(lambda n: n.roleName == "list" and n.name == "Transcript",
                               retry=False, requireResult=False)
        transcript = len(view.findChildren(lambda n: n.roleName == "list item")) if view else -1
        ui.shot(f"{mode}-call", "Handoff — Alice Example")
        figures["transcript_segments"] = transcript
        figures["load"] = os.getloadavg()
        # Alice ends the call, so the next run's app is not offered to rejoin it.
        ui.click(alice, "Hang Up")
        ui.wait_for(alice, name="No Call", role="label", timeout=30)
        print("# " + mode + " " + json.dumps(figures), flush=True)
        return figures
    finally:
        browser.quit()
        proc = ui._procs.pop()
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def report(results):
    print("agent app (real window, Xvfb) vs a Chromium tab (livekit-client), same 1:1 call, "
          f"{SECONDS} s, 2 s after connect; 2-core shared machine, load at start "
          f"{results['load_start'][0]:.1f}", flush=True)
    for mode in MODES:
        if mode not in results:
            continue
        r = results[mode]
        app, tab = r["app"], r["tab"]
        label = {"transcribe": "with local transcription",
                 "transcribe-cairo": "with local transcription, GSK_RENDERER=cairo",
                 "transcribe-gl": "with local transcription, GSK_RENDERER=gl (llvmpipe)",
                 "plain": "microphone taps off (no transcription, no level meter)"}.get(mode, mode)
        print(f"{label} (load {r['load'][0]:.1f}; transcript segments shown: "
              f"{r['transcript_segments']}):")
        print(f"  CPU s/min   app {app['cpu_s_per_min']:6.2f}  tab {tab['cpu_s_per_min']:6.2f}  "
              f"ratio {app['cpu_s_per_min'] / tab['cpu_s_per_min']:.2f}")
        print(f"  peak PSS MB app {app['peak_pss_mb']:6.1f}  tab {tab['peak_pss_mb']:6.1f}  "
              f"ratio {app['peak_pss_mb'] / tab['peak_pss_mb']:.2f}")
        print(f"  peak RSS MB app {app['peak_rss_mb']:6.1f}  tab {tab['peak_rss_mb']:6.1f}  "
              f"(processes: app {app['processes']}, tab {tab['processes']})")
        print("  app CPU s/min by thread: " + ", ".join(
            f"{n} {c:.1f}" for n, c in r["app_threads"].items()), flush=True)
    print("JSON " + json.dumps(results), flush=True)


def bench(stack):
    results = {"load_start": os.getloadavg()}
    with tempfile.TemporaryDirectory(prefix="handoff-bench-") as d:
        wav = speech_wav(d)
        for mode in MODES:
            results[mode] = one_call(stack, mode, wav)
    report(results)


browser_caller.require()
sys.exit(ui.run(bench))
