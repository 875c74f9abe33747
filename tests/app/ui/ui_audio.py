"""What a party hears in a UI test: its speaker is a raw PCM file (8 kHz mono S16LE)
written through HANDOFF_AUDIO_SINK; the test reads the newest seconds and compares
the Goertzel power of the expected tone with the other party's tone."""
import array
import math
import os
import subprocess
import time

import handoff_ui as ui

RATE = 8000


def pcm_sink(name):
    """(path, HANDOFF_AUDIO_SINK value) for a speaker recorded to a file."""
    path = os.path.join(ui.ARTIFACTS, f"{name}.s16")
    sink = (f"audioconvert ! audioresample ! audio/x-raw,format=S16LE,channels=1,rate={RATE} "
            f"! filesink buffer-mode=unbuffered location={path}")
    return path, sink


def size(path):
    return os.path.getsize(path) if os.path.exists(path) else 0


def power(samples, freq):
    """Goertzel power of freq, normalised by length."""
    k = 2 * math.cos(2 * math.pi * freq / RATE)
    s1 = s2 = 0.0
    for x in samples:
        s1, s2 = x + k * s1 - s2, s1
    return (s1 * s1 + s2 * s2 - k * s1 * s2) / max(len(samples), 1) ** 2


def hears(path, offset, want, other, seconds=2.0, timeout=20):
    """Waits until the newest `seconds` written after offset carry `want` well above `other`."""
    need = int(seconds * RATE) * 2
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        end = size(path)
        if end - offset >= need:
            with open(path, "rb") as f:
                f.seek(end - need)
                samples = array.array("h", f.read(need))
            pw, po = power(samples, want), power(samples, other)
            rms = math.sqrt(sum(x * x for x in samples) / len(samples))
            last = (round(pw), round(po), round(rms))
            if rms > 100 and pw > 10 * po:
                ui.log(f"{os.path.basename(path)} hears {want} Hz: power {pw:.0f} vs {other} Hz "
                       f"{po:.0f}, rms {rms:.0f}")
                return
        time.sleep(1)
    raise AssertionError(f"{os.path.basename(path)} does not hear {want} Hz "
                         f"((power, other's power, rms) after byte {offset}: {last})")


def voice(name, text, lead_s, tail_s=120):
    """A WAV of espeak-ng speech after lead_s of silence, then tail_s more, so the
    microphone track stays live for the whole test. Returns a HANDOFF_AUDIO_SRC that
    plays it at the pace of the clock."""
    raw = os.path.join(ui.ARTIFACTS, f"{name}-raw.wav")
    out = os.path.join(ui.ARTIFACTS, f"{name}.wav")
    subprocess.run(["espeak-ng", "-v", "en-us", "-w", raw, text], check=True)
    # -R: sox's dither from a fixed seed, so every run hears the same audio.
    subprocess.run(["sox", "-R", raw, "-r", "16000", "-c", "1", "-b", "16", out,
                    "pad", str(lead_s), str(tail_s)], check=True)
    return (f"filesrc location={out} ! wavparse ! audioconvert ! audioresample ! "
            "audio/x-raw,rate=48000,channels=1 ! clocksync")
