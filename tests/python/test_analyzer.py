# SPDX-License-Identifier: Apache-2.0
"""sentio.Analyzer and sentio.Session: the documents of `sentio analyze`, streaming, the GIL, errors."""
import json
import threading
import time

import numpy as np
import pytest

from conftest import run_cli, voice_like, write_wav


@pytest.fixture(scope="module")
def analyzer(sentio_module):
    return sentio_module.Analyzer()


@pytest.fixture(scope="module")
def conversation(tmp_path_factory):
    """Two voice-like 'speakers' taking turns with pauses (8 s); returns (path, samples)."""
    rate = 16000
    parts = []
    for i in range(4):
        parts.append(voice_like(1.6, seed=i, f0=110 if i % 2 == 0 else 220))
        parts.append(np.zeros(int(0.4 * rate), dtype=np.float32))
    path = tmp_path_factory.mktemp("conv") / "turns.wav"
    return path, write_wav(path, np.concatenate(parts))


def test_document_is_the_command_lines(analyzer, conversation):
    path, _ = conversation
    result = analyzer.process_file(path)
    assert result.to_json() == run_cli("analyze", path, "-q").stdout
    doc = result.to_dict()
    assert doc["schema"] == "sentio.analysis/2"
    assert doc["speech"]["segments"], "the turns give speech segments"


def test_frames(analyzer, conversation):
    result = analyzer.process_file(conversation[0])
    doc = result.to_dict()
    seg = result.segments
    assert len(seg) == len(doc["speech"]["segments"])
    assert list(seg.columns[:6]) == ["file", "start", "end", "speaker", "channel", "label"]
    assert [c for c in seg.columns if c.startswith("p_")] == ["p_" + label for label in doc["speech"]["labels"]]
    np.testing.assert_allclose(seg["start"], [s["start"] for s in doc["speech"]["segments"]])
    assert len(result.moments) == len(doc["moments"])
    assert list(result.persons["id"]) == [p["id"] for p in doc["persons"]]
    assert "mean_p_neutral" in result.persons.columns
    assert result.faces.empty and result.utterances.empty  # audio only


def test_transcript_gives_utterances(analyzer, conversation, tmp_path):
    srt = tmp_path / "turns.srt"
    srt.write_text("1\n00:00:00,000 --> 00:00:01,600\nI am so happy today!\n\n"
                   "2\n00:00:02,000 --> 00:00:03,600\nThis is terrible, I hate it.\n")
    result = analyzer.process_file(conversation[0], transcript=srt)
    utt = result.utterances
    assert list(utt["text"]) == ["I am so happy today!", "This is terrible, I hate it."]
    assert {"label", "confidence", "p_happiness"} <= set(utt.columns)
    assert result.to_json() == run_cli("analyze", conversation[0], "--transcript", srt, "-q").stdout


def test_signal_and_chunked_session_equal_the_file(sentio_module, analyzer, conversation):
    path, samples = conversation
    expected = analyzer.process_file(path).to_dict()
    signal = analyzer.process_signal(samples, 16000, file=str(path)).to_dict()
    events = []
    with analyzer.session(on_event=events.append, name=str(path)) as session:
        for i in range(0, len(samples), 3000):  # chunk sizes must not matter
            session.push_audio(samples[i:i + 3000], 16000)
    streamed = session.finish().to_dict()
    for doc in (signal, streamed):
        assert doc["speech"] == expected["speech"]
        assert doc["moments"] == expected["moments"]
    kinds = {e["type"] for e in events}
    assert "segment" in kinds
    assert sum(e["type"] == "segment" for e in events) == len(expected["speech"]["segments"])


def test_session_queues_events_without_callback(analyzer, conversation):
    _, samples = conversation
    session = analyzer.session()
    session.push_audio(samples, 16000)
    result = session.finish()
    events = list(session.events())
    assert events and all("type" in e for e in events)
    assert list(session.events()) == []  # drained
    assert session.finish() is result


def test_session_frames_and_words(sentio_module, analyzer):
    session = analyzer.session(name="live")
    gray = np.full((120, 160, 3), 128, dtype=np.uint8)
    for k in range(3):
        session.push_frame(gray, k * 0.2)
    session.push_words("What a lovely surprise!", speaker="A", start=0.0, end=0.5)
    doc = session.finish().to_dict()
    assert doc["faces"]["frames_analysed"] == 3 and doc["faces"]["tracks"] == []
    assert [u["text"] for u in doc["text"]["utterances"]] == ["What a lovely surprise!"]
    with pytest.raises(ValueError, match="uint8"):
        analyzer.session().push_frame(gray.astype(np.float32), 0.0)
    with pytest.raises(ValueError, match="height, width, 3"):
        analyzer.session().push_frame(gray[:, :, 0], 0.0)
    s = analyzer.session()
    s.push_audio(np.zeros(1600, dtype=np.float32), 16000)
    with pytest.raises(sentio_module.InputError, match="sample rate changed"):
        s.push_audio(np.zeros(1600, dtype=np.float32), 8000)


def test_gil_is_released_while_analysing(analyzer, conversation):
    _, samples = conversation
    long = np.tile(samples, 4)
    done = threading.Event()
    ticks = 0

    def work():
        analyzer.process_signal(long, 16000)
        done.set()

    analyzer.process_signal(samples[:16000], 16000)  # models loaded before timing
    t = threading.Thread(target=work)
    t.start()
    time.sleep(0.01)
    while not done.is_set():
        ticks += 1
    t.join()
    # with the GIL held, this thread could not have counted while the analysis ran
    assert ticks > 1000


def test_errors(sentio_module, analyzer, tmp_path, conversation):
    missing = tmp_path / "nothing.wav"
    with pytest.raises(sentio_module.InputError) as e:
        analyzer.process_file(missing)
    cli = run_cli("analyze", missing, "-q", check=False)
    assert cli.returncode != 0 and str(e.value) in cli.stderr
    assert isinstance(e.value, ValueError)
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk")
    results = analyzer.process_files([conversation[0], bad, missing])
    assert [r.ok for r in results] == [True, False, False]
    assert "bad.wav" in results[1].error and results[0].segments is not None
    with pytest.raises(sentio_module.InputError):
        results[1].to_dict()
    with pytest.raises(sentio_module.InputError, match="bad.wav"):
        analyzer.process_files([bad], errors="raise")
    with pytest.raises(ValueError, match="dtype int16"):
        analyzer.process_signal(np.zeros(16000, dtype=np.int16), 16000)


def test_options(sentio_module, tmp_path):
    with pytest.raises(TypeError, match="unknown option"):
        sentio_module.Analyzer(frames_per_second=5)
    with pytest.raises(sentio_module.InputError, match="speech_model"):
        sentio_module.Analyzer(speech_model=tmp_path / "none.json")
    with pytest.raises(sentio_module.InputError):
        sentio_module.Analyzer(speaker_mode="everyone")
    a = sentio_module.Analyzer(speaker_mode="single", fps=2)
    assert sentio_module.Analyzer(**a.options).options == {"speaker_mode": "single", "fps": 2}


def test_result_json_round_trip(analyzer, conversation):
    result = analyzer.process_file(conversation[0])
    assert json.loads(result.to_json()) == result.to_dict()
    assert result.to_dict() is not result.to_dict()
