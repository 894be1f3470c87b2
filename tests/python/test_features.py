# SPDX-License-Identifier: Apache-2.0
"""sentio.Features: the numbers of `sentio features`, in opensmile-python's frame shape."""
import warnings

import numpy as np
import pandas as pd
import pytest

from conftest import run_cli, voice_like, write_wav


def cli_csv_rows(*args):
    """`sentio features ... -o -` CSV: (header, rows as lists of strings)."""
    lines = run_cli("features", *args, "-q").stdout.strip().split("\n")
    return lines[0].split(";"), [line.split(";") for line in lines[1:]]


def cli_format(v):
    """A number as the command line's CSV writes it."""
    return "0" if v == 0 else f"{v:e}"


def test_functionals_equal_the_command_line(sentio_module, speech_wav):
    path, _ = speech_wav
    df = sentio_module.Features().process_file(path)
    header, rows = cli_csv_rows(path)
    assert list(df.columns) == header[2:]
    assert len(df.columns) == 88
    assert df.dtypes.unique().tolist() == [np.float64]
    assert [cli_format(v) for v in df.iloc[0]] == rows[0][2:]


def test_lld_equal_the_command_line(sentio_module, speech_wav):
    path, _ = speech_wav
    df = sentio_module.Features(level="lld").process_file(path)
    header, rows = cli_csv_rows(path, "--set", "egemaps-lld")
    assert list(df.columns) == header[2:]
    assert len(df) == len(rows)
    for i in (0, 1, len(rows) // 2, len(rows) - 1):
        assert [cli_format(float(v)) for v in df.iloc[i]] == rows[i][2:], f"frame {i}"
        assert df.index[i][1] == pd.Timedelta(seconds=float(rows[i][1]))


def test_index_is_file_start_end_as_timedelta(sentio_module, speech_wav):
    path, samples = speech_wav
    df = sentio_module.Features().process_file(path)
    assert df.index.names == ["file", "start", "end"]
    file, start, end = df.index[0]
    assert file == str(path)
    assert start == pd.Timedelta(0)
    assert end == pd.Timedelta(seconds=len(samples) / 16000)
    lld = sentio_module.Features(level="lld").process_file(path)
    assert lld.index[1][1] == pd.Timedelta(milliseconds=10)
    assert lld.index[1][2] == pd.Timedelta(milliseconds=30)
    assert lld.dtypes.unique().tolist() == [np.float32]


def test_signal_equals_the_file_it_was_read_from(sentio_module, speech_wav):
    path, samples = speech_wav
    for level in ("functionals", "lld"):
        f = sentio_module.Features(level=level)
        a = f.process_file(path).to_numpy()
        b = f.process_signal(samples, 16000).to_numpy()
        np.testing.assert_array_equal(a, b)
    # float64 in, and a 2-D (channels, samples) signal whose channels are equal, give the same numbers
    f = sentio_module.Features()
    base = f.process_signal(samples, 16000).to_numpy()
    np.testing.assert_array_equal(f.process_signal(samples.astype(np.float64), 16000).to_numpy(), base)
    np.testing.assert_array_equal(f.process_signal(np.stack([samples, samples]), 16000).to_numpy(), base)


def test_signal_at_another_rate_is_resampled(sentio_module, tmp_path):
    x = voice_like(2.0, rate=44100)
    path = tmp_path / "a44.wav"
    back = write_wav(path, x, rate=44100)
    f = sentio_module.Features()
    np.testing.assert_allclose(f.process_signal(back, 44100).to_numpy(), f.process_file(path).to_numpy(),
                               rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize(
    "signal, rate, message",
    [
        (np.zeros(16000, dtype=np.int16), 16000, "dtype int16"),
        (np.zeros((2, 2, 100), dtype=np.float32), 16000, "3 dimensions"),
        (np.zeros((100, 2), dtype=np.float32), 16000, "100 channels"),
        (np.zeros(16000, dtype=np.float32), 0, "sampling_rate 0"),
        (np.zeros(16000, dtype=np.float32), 10_000_000, "out of range"),
        (np.full(16000, np.nan, dtype=np.float32), 16000, "NaN"),
        (np.zeros(100, dtype=np.float32), 16000, "too short"),
    ],
)
def test_bad_signals_raise_value_error(sentio_module, signal, rate, message):
    with pytest.raises(ValueError, match=message):
        sentio_module.Features().process_signal(signal, rate)


def test_bad_options_raise_value_error(sentio_module):
    with pytest.raises(ValueError, match="feature_set"):
        sentio_module.Features(feature_set="ComParE_2016")
    with pytest.raises(ValueError, match="level"):
        sentio_module.Features(level="frames")


def test_files_keep_order_and_record_failures(sentio_module, tmp_path):
    paths = []
    for i in range(4):
        p = tmp_path / f"v{i}.wav"
        write_wav(p, voice_like(1.0 + 0.25 * i, seed=i, f0=120 + 20 * i))
        paths.append(p)
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    text = tmp_path / "notes.wav"
    text.write_text("not audio\n")
    missing = tmp_path / "missing.wav"
    given = [paths[0], empty, paths[1], text, paths[2], missing, paths[3]]
    f = sentio_module.Features(jobs=2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        df = f.process_files(given)
    assert any("3 of 7" in str(w.message) for w in caught)
    assert list(df.index.get_level_values("file")) == [str(p) for p in paths]
    errors = df.attrs["errors"]
    assert list(errors) == [str(empty), str(text), str(missing)]
    for path, message in errors.items():
        assert path in message
    # the same numbers as one file at a time
    for p in paths:
        np.testing.assert_array_equal(df.loc[str(p)].to_numpy(), f.process_file(p).to_numpy())
    # the message is the command line's
    cli = run_cli("features", missing, "-q", check=False)
    assert cli.returncode != 0 and errors[str(missing)] in cli.stderr
    with pytest.raises(sentio_module.InputError, match="empty.wav"):
        f.process_files(given, errors="raise")
    with pytest.raises(ValueError):
        f.process_files(given, errors="ignore")


def test_progress_goes_to_stderr(sentio_module, speech_wav, capsys):
    path, _ = speech_wav
    df = sentio_module.Features().process_files([path, path], progress=True)
    assert len(df) == 2
    assert "sentio: 2/2 files" in capsys.readouterr().err
    sentio_module.Features().process_files([path, path])
    assert capsys.readouterr().err == ""


def test_options_rebuild_the_extractor(sentio_module):
    f = sentio_module.Features(level="LowLevelDescriptors", jobs=1)
    g = sentio_module.Features(**f.options)
    assert g.options == {"feature_set": "eGeMAPSv02", "level": "lld", "jobs": 1}
