"""A private PulseAudio with virtual devices, so a test chooses a microphone and a speaker in
the window as a person would, and hears what the chosen speaker plays.

  headset            a null sink ("Test Headset"): what it plays is recorded from its monitor
  headset-mic        a sine source at MIC_HZ ("Sine source at … Hz"): the headset's microphone

Only the processes given env() use it; nothing of the machine's sound is touched."""
import array
import atexit
import os
import shutil
import subprocess
import tempfile
import time

import handoff_ui as ui

MIC_HZ = 880
HEADSET = "Test-Headset"
HEADSET_MIC = f"Sine source at {MIC_HZ} Hz"


class Pulse:
    def __init__(self):
        if shutil.which("pulseaudio") is None:
            raise AssertionError("pulseaudio is not installed (build-aux/apt-packages.txt has it)")
        self.dir = tempfile.mkdtemp(prefix="handoff-pulse-")
        self.socket = os.path.join(self.dir, "native")
        log = open(os.path.join(ui.ARTIFACTS, "pulseaudio.log"), "w")
        self.proc = subprocess.Popen(
            ["pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--disable-shm=yes",
             "--log-target=stderr",
             "-L", f"module-native-protocol-unix socket={self.socket} auth-anonymous=1",
             "-L", f"module-null-sink sink_name=headset sink_properties=device.description={HEADSET}",
             "-L", f"module-sine-source source_name=headset-mic rate=48000 frequency={MIC_HZ}"],
            env=dict(os.environ, XDG_RUNTIME_DIR=self.dir, HOME=self.dir),
            stdout=log, stderr=subprocess.STDOUT)
        atexit.register(self.close)
        deadline = time.time() + 10
        while not os.path.exists(self.socket):
            if time.time() > deadline or self.proc.poll() is not None:
                raise AssertionError("the private pulseaudio did not start (see pulseaudio.log)")
            time.sleep(0.1)
        ui.log(f"pulseaudio at {self.socket}")

    def env(self):
        return {"PULSE_SERVER": f"unix:{self.socket}"}

    def record(self, source, seconds, rate=8000):
        """`seconds` of mono S16LE from `source` (e.g. "headset.monitor")."""
        proc = subprocess.Popen(["parec", "--raw", f"--device={source}", "--format=s16le",
                                 "--channels=1", f"--rate={rate}"],
                                env=dict(os.environ, **self.env()), stdout=subprocess.PIPE)
        need = int(seconds * rate) * 2
        data = b""
        deadline = time.time() + seconds + 10
        while len(data) < need and time.time() < deadline:
            chunk = proc.stdout.read1(need - len(data))
            if not chunk:
                break
            data += chunk
        proc.terminate()
        proc.wait()
        return array.array("h", data[:need - need % 2])

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        shutil.rmtree(self.dir, ignore_errors=True)
