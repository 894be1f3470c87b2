# SPDX-License-Identifier: Apache-2.0
"""Tests of sentio.distributed on local Dask clusters (worker processes on this machine).

The inputs are short WAV files written here (a harmonic tone with vibrato in syllables, between stretches
of faint noise) plus bad inputs (an empty .wav, a text file named .wav, a missing path); no corpus is needed.
"""

import json
import os
import signal
import sys
import time
import wave

import numpy as np
import pandas.testing as pdt
import pytest

pytest.importorskip("distributed", reason="Dask's distributed package is not installed")
sentio = pytest.importorskip("sentio", reason="the sentio Python module is not built")

from distributed import Client, LocalCluster  # noqa: E402

import sentio.distributed as sd  # noqa: E402

pytestmark = [
    pytest.mark.filterwarnings(r"ignore:.* file\(s\) failed"),  # bad inputs, on purpose
    pytest.mark.filterwarnings("ignore:Port .* is already in use"),  # the second cluster's HTTP server
]

RATE = 16000


def write_wav(path, seconds, f0, seed):
    """A 16-kHz mono 16-bit WAV that the voice-activity detector takes for speech: 0.3 s of faint noise,
    then eight harmonics of f0 with a 5-Hz vibrato in 3.5-Hz syllables, then 0.3 s of faint noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(RATE * seconds)) / RATE
    phase = 2 * np.pi * f0 * (t + 0.03 / (2 * np.pi * 5) * np.sin(2 * np.pi * 5 * t))
    tone = sum(np.sin(k * phase) / k for k in range(1, 9))
    syllables = np.clip(np.sin(2 * np.pi * 3.5 * t), 0, None) ** 0.5
    voiced = (t > 0.3) & (t < seconds - 0.3)
    x = 0.3 * tone * syllables * voiced + 0.003 * rng.standard_normal(len(t))
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes((np.clip(x, -1, 1) * 32767).astype("<i2").tobytes())
    return str(path)


def make_inputs(folder, count, seconds=(1.0, 2.0), seed=0):
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    paths = []
    for i in range(count):
        length = float(rng.uniform(*seconds))
        paths.append(write_wav(folder / f"clip{i:02d}.wav", length, f0=110 + 12 * i, seed=seed * 1000 + i))
    return paths


def make_bad_inputs(folder):
    folder.mkdir(parents=True, exist_ok=True)
    empty = folder / "empty.wav"
    empty.write_bytes(b"")
    text = folder / "text.wav"
    text.write_text("this is not audio\n")
    return [str(empty), str(text), str(folder / "missing.wav")]


@pytest.fixture(scope="module")
def client():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with Client(cluster) as c:
            yield c


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    """Ten good files, three bad ones among them, and the first file again at the end."""
    root = tmp_path_factory.mktemp("inputs")
    good = make_inputs(root / "good", 10)
    bad = make_bad_inputs(root / "bad")
    paths = good[:3] + [bad[0]] + good[3:6] + [bad[1]] + good[6:] + [bad[2], good[0]]
    return paths, bad


def test_features_equal_local_run(client, inputs):
    paths, bad = inputs
    local = sentio.Features().process_files(paths, errors="record")
    for batch_size in (None, 1, 4):
        df = sd.process_files(paths, client, progress=False, batch_size=batch_size)
        pdt.assert_frame_equal(df, local)
        # rows in input order, the repeated path twice
        good = [p for p in paths if p not in bad]
        assert list(df.index.get_level_values("file")) == good
        assert df.attrs["errors"] == local.attrs["errors"]
        assert sorted(df.attrs["errors"]) == sorted(bad)
        for path, message in df.attrs["errors"].items():
            assert os.path.basename(path) in message and len(message) > len(path)
    assert np.isfinite(df.to_numpy(dtype=float)).all()


def test_features_lld_options(client, inputs):
    paths, bad = inputs
    good = [p for p in paths if p not in bad][:4]
    df = sd.process_files(good, client, options={"level": "lld"}, progress=False, batch_size=3)
    pdt.assert_frame_equal(df, sentio.Features(level="lld").process_files(good))
    assert len(df) > 100 * len(good) * 0.9  # one row per 10 ms


def test_features_errors_raise(client, inputs):
    paths, bad = inputs
    with pytest.raises(sentio.InputError) as caught:
        sd.process_files(paths, client, errors="raise", progress=False)
    assert any(os.path.basename(b) in str(caught.value) for b in bad)


def test_bad_arguments_fail_before_submitting(client, inputs, tmp_path):
    paths, _ = inputs
    with pytest.raises((TypeError, ValueError)):
        sd.process_files(paths, client, options={"no_such_option": 1}, progress=False)
    with pytest.raises(ValueError):
        sd.process_files(paths, client, kind="analysis", progress=False)  # no out
    with pytest.raises(ValueError):
        sd.process_files(paths, client, kind="nothing", progress=False)
    with pytest.raises(ValueError):
        sd.process_files(paths, client, out=str(tmp_path), progress=False)  # out is for analysis


def test_empty_input_list(client, tmp_path):
    df = sd.process_files([], client, progress=False)
    assert len(df) == 0 and df.attrs["errors"] == {}
    assert list(df.columns) == list(sentio.Features().process_files([]).columns)
    result = sd.process_files([], client, kind="analysis", out=str(tmp_path / "out"), progress=False)
    assert len(result) == 0 and list(result.columns) == ["file", "document", "error"]


# Fields of an analysis document that may differ from one run to the next (none at the time of writing:
# the document has no timing or date). Dotted paths.
VOLATILE_FIELDS = ()


def comparable(document):
    document = json.loads(json.dumps(document))
    for dotted in VOLATILE_FIELDS:
        node = document
        *parents, last = dotted.split(".")
        for key in parents:
            node = node.get(key, {}) if isinstance(node, dict) else {}
        if isinstance(node, dict):
            node.pop(last, None)
    return document


def test_analysis_documents(client, inputs, tmp_path):
    paths, bad = inputs
    # a second file with the stem of the first one, from another folder
    other = tmp_path / "other"
    other.mkdir()
    twin = write_wav(other / os.path.basename(paths[1]), 1.3, 200, seed=99)
    given = paths + [twin]
    options = {"jobs": 1}
    out = tmp_path / "out"  # created by process_files
    result = sd.process_files(given, client, kind="analysis", out=str(out), options=options, progress=False)

    assert list(result.columns) == ["file", "document", "error"]
    assert list(result["file"]) == given
    expected = sd.document_names(given, str(out))
    stem0 = os.path.splitext(os.path.basename(paths[0]))[0]
    stem1 = os.path.splitext(os.path.basename(paths[1]))[0]
    assert expected[-2] == str(out / f"{stem0}-2.json")  # the repeated first path
    assert expected[-1] == str(out / f"{stem1}-2.json")  # the file of the same name elsewhere

    analyzer = sentio.Analyzer(**options)
    speech_found = 0
    for path, document, error, name in zip(result["file"], result["document"], result["error"], expected):
        if path in bad:
            assert document is None and os.path.basename(path) in error
            assert not os.path.exists(name)
            continue
        assert error is None and document == name
        with open(document, encoding="utf-8") as f:
            written = json.load(f)
        assert comparable(written) == comparable(analyzer.process_file(path).to_dict())
        assert written["input"]["path"] == path
        speech_found += written["speech"]["status"] == "ok" and len(written["speech"]["segments"]) > 0
    assert speech_found >= len(given) - len(bad) - 1  # the documents hold real results
    listed = sorted(os.listdir(out))
    assert listed == sorted(os.path.basename(d) for d in result["document"] if d is not None)  # no temporary file


def test_analysis_skip_existing(client, inputs, tmp_path):
    paths, bad = inputs
    good = [p for p in paths if p not in bad][:5]
    out = tmp_path / "out"
    first = sd.process_files(good, client, kind="analysis", out=str(out), progress=False)
    assert first["error"].isna().all()
    stamps = {d: os.stat(d).st_mtime_ns for d in first["document"]}
    removed = first["document"][2]
    os.remove(removed)
    time.sleep(0.01)
    second = sd.process_files(good, client, kind="analysis", out=str(out), progress=False, skip_existing=True)
    pdt.assert_frame_equal(second, first)
    for document, stamp in stamps.items():
        if document == removed:
            assert os.path.exists(document)
        else:
            assert os.stat(document).st_mtime_ns == stamp  # not rewritten


def test_progress_line(client, inputs, capsys):
    paths, bad = inputs
    sd.process_files(paths, client, progress=True)
    lines = capsys.readouterr().err.splitlines()
    assert 1 <= len(lines) <= 11
    assert lines[-1] == f"sentio: {len(paths)}/{len(paths)} files, {len(bad)} failed"
    assert all(line.startswith("sentio: ") for line in lines)
    sd.process_files(paths, client, progress=False)
    assert capsys.readouterr().err == ""


class _Stream:
    """A non-terminal standard error that calls back on each progress line."""

    def __init__(self, on_line):
        self.on_line = on_line
        self.lines = []

    def write(self, text):
        for line in text.splitlines():
            self.lines.append(line)
            self.on_line(line)
        return len(text)

    def flush(self):
        pass

    def isatty(self):
        return False


def test_tasks_in_flight_are_bounded(client, inputs, monkeypatch):
    paths, bad = inputs
    many = [p for p in paths if p not in bad] * 4  # 44 inputs, the same files again and again
    threads = sum(w["nthreads"] for w in client.scheduler_info()["workers"].values())
    wanted = []

    def count_tasks(line):
        # tasks of this client's runs that the scheduler holds right now
        wanted.append(client.run_on_scheduler(
            lambda dask_scheduler: sum(1 for k, ts in dask_scheduler.tasks.items()
                                       if str(k).startswith("sentio-") and ts.who_wants)))

    monkeypatch.setattr(sys, "stderr", _Stream(count_tasks))
    df = sd.process_files(many, client)
    assert len(df.index.get_level_values("file")) == len(many)
    assert wanted and max(wanted) <= 4 * threads < len(many)


def test_killed_worker(tmp_path, monkeypatch):
    """One of two workers is killed (SIGKILL) after the first results: every input still comes back once,
    with the values of a local run, and the restarted worker gets its engine from the plugin."""
    good = make_inputs(tmp_path / "long", 10, seconds=(2.0, 3.0), seed=1)
    paths = good + good  # 20 inputs, each file twice
    options = {"level": "lld"}
    local = sentio.Features(**options).process_files(paths)

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with Client(cluster) as c:
            sd.register(c, "features", options)  # engines ready before the run
            pids = c.run(os.getpid)
            victim = sorted(pids)[0]
            killed = []

            def kill_once(line):
                done = int(line.split()[1].split("/")[0])  # "sentio: DONE/TOTAL files"
                if not killed and done >= 2:  # the first results are back, most tasks are not done
                    killed.append(done)
                    os.kill(pids[victim], signal.SIGKILL)

            stream = _Stream(kill_once)
            monkeypatch.setattr(sys, "stderr", stream)
            # retries=0: the lost tasks come back because the scheduler reruns them, not through retries
            df = sd.process_files(paths, c, options=options, retries=0)
            monkeypatch.undo()

            # every input exactly once, in order, with the local values
            pdt.assert_frame_equal(df, local)
            assert df.attrs["errors"] == {}
            assert killed and killed[0] <= 4
            assert stream.lines[-1] == "sentio: 20/20 files"

            # the scheduler saw the worker go while it was running tasks (run again elsewhere)
            removed = [msg for _, msg in c.get_events("all")
                       if msg.get("action") == "remove-worker" and msg.get("worker") == victim]
            assert len(removed) == 1 and len(removed[0]["processing-tasks"]) >= 1

            # the nanny restarts it; the new worker process has the plugin and its engine
            c.wait_for_workers(2, timeout=60)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and len(c.run(os.getpid)) < 2:
                time.sleep(0.2)
            now = c.run(os.getpid)
            assert pids[victim] not in now.values() and len(now) == 2
            ready = c.run(lambda dask_worker: [n for n, p in dask_worker.plugins.items()
                                               if n.startswith("sentio-features-") and p.engine is not None])
            assert all(names for names in ready.values())

            # so does a worker added after the registration
            cluster.scale(3)
            c.wait_for_workers(3, timeout=60)
            ready = c.run(lambda dask_worker: [n for n, p in dask_worker.plugins.items()
                                               if n.startswith("sentio-features-") and p.engine is not None])
            assert len(ready) == 3 and all(names for names in ready.values())
