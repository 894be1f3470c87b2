# SPDX-License-Identifier: Apache-2.0
"""Shared set-up of the Python tests: the package from the build folder, the `sentio` command, and
synthetic recordings (no corpus needed)."""
import os
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
BINARY_DIR = Path(os.environ.get("SENTIO_BINARY_DIR", ROOT / "build"))
sys.path.insert(0, str(BINARY_DIR / "python"))
SENTIO = BINARY_DIR / "sentio"


def voice_like(seconds, rate=16000, seed=0, f0=140.0):
    """A float32 signal in [-1, 1] with speech-like structure: a harmonic tone with vibrato and a
    syllable-rate envelope over low noise, so that every eGeMAPS descriptor is defined."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * rate)) / rate
    pitch = f0 * (1 + 0.05 * np.sin(2 * np.pi * 5 * t))
    phase = 2 * np.pi * np.cumsum(pitch) / rate
    tone = sum(np.sin(k * phase) / k for k in range(1, 8))
    envelope = 0.5 + 0.5 * np.sin(2 * np.pi * 4 * t) ** 2
    x = 0.2 * tone * envelope + 0.01 * rng.standard_normal(t.size)
    return (x / max(1.0, np.abs(x).max() / 0.9)).astype(np.float32)


def write_wav(path, signal, rate=16000):
    """Writes a float signal (1-D, or 2-D (channels, samples)) as 16-bit PCM; returns what the file
    holds, back as float32 (the exact samples a decoder reads)."""
    x = np.atleast_2d(signal)
    pcm = np.clip(np.round(x * 32768), -32768, 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(x.shape[0])
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.T.tobytes())
    back = pcm.astype(np.float32) / 32768
    return back[0] if np.ndim(signal) == 1 else back


def run_cli(*args, check=True):
    """Runs the `sentio` command; returns the CompletedProcess (text)."""
    r = subprocess.run([str(SENTIO), *map(str, args)], capture_output=True, text=True, timeout=300)
    if check and r.returncode != 0:
        raise AssertionError(f"sentio {' '.join(map(str, args))} failed ({r.returncode}): {r.stderr}")
    return r


@pytest.fixture(scope="session")
def sentio_module():
    import sentio

    return sentio


@pytest.fixture
def speech_wav(tmp_path):
    """A 3-s voice-like mono WAV at 16 kHz; returns (path, samples as read back)."""
    path = tmp_path / "voice.wav"
    return path, write_wav(path, voice_like(3.0))
