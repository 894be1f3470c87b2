# SPDX-License-Identifier: Apache-2.0
"""Analysis of recordings and live streams (docs/PYTHON.md, "Analysis")."""
import collections
import io
import json

import numpy as np
import pandas as pd

from . import _sentio
from ._progress import Progress


class Result:
    """One recording's analysis: the document of `sentio analyze` (schema sentio.analysis/2,
    docs/ANALYSIS.md) and pandas views of its parts.

    A Result of Analyzer.process_files for an input that failed has `error` set (the message, naming
    the file) and no document: its other methods raise sentio.InputError with that message."""

    def __init__(self, core=None, file=None, error=None):
        self._core = core
        self.file = file
        self.error = error
        self._doc = None

    def __repr__(self):
        if self.error is not None:
            return f"<sentio.Result {self.file!r}: error: {self.error}>"
        return f"<sentio.Result {self.file!r}>"

    @property
    def ok(self):
        return self.error is None

    def _check(self):
        if self.error is not None:
            raise _sentio.InputError(self.error)

    def to_json(self):
        """The JSON document, exactly as `sentio analyze` writes it."""
        self._check()
        return self._core.to_json()

    def to_dict(self):
        """The JSON document as Python objects (a new copy at each call)."""
        return json.loads(self.to_json())

    def _document(self):
        if self._doc is None:
            self._doc = self.to_dict()
        return self._doc

    def to_csv(self, table="segments"):
        """The CSV table of `sentio analyze --format csv --table TABLE` ("segments" or "moments")."""
        self._check()
        return self._core.to_csv(table)

    @property
    def segments(self):
        """Speech segments: one row per segment, the columns of the command line's CSV segments table
        (file, start, end, speaker, channel, label, confidence, valence, arousal, vad_confidence, uncertain,
        p_<label>...)."""
        return pd.read_csv(io.StringIO(self.to_csv("segments")))

    @property
    def moments(self):
        """Moments (who felt what, when, across the modalities): the CSV moments table's columns."""
        return pd.read_csv(io.StringIO(self.to_csv("moments")), keep_default_na=False, na_values=[""])

    @property
    def utterances(self):
        """The words part: one row per utterance (text, speaker, label, confidence, p_<label>...)."""
        text = self._document().get("text") or {}
        return _records(self._file_name(), text.get("utterances", []))

    @property
    def faces(self):
        """Face observations: one row per face per analysed frame (track, time, frame, box, label,
        confidence, valence, arousal, p_<label>..., cues_<cue>...)."""
        faces = self._document().get("faces") or {}
        rows = []
        for track in faces.get("tracks", []):
            for obs in track.get("observations", []):
                rows.append({"track": track.get("id"), "person": track.get("person"), **obs})
        return _records(self._file_name(), rows)

    @property
    def persons(self):
        """Persons (a voice and/or a face): one row each with their summaries."""
        return _records(self._file_name(), self._document().get("persons", []))

    def _file_name(self):
        return self._document()["input"]["path"]


def _flatten(record, prefix=""):
    """A flat dict from a document record: nested objects become prefixed columns (probabilities ->
    p_<label>, other objects -> <key>_<field>); lists stay as they are."""
    out = {}
    for key, value in record.items():
        if isinstance(value, dict):
            if key.endswith("probabilities"):  # probabilities -> p_<label>, mean_probabilities -> mean_p_<label>
                inner = key[: -len("probabilities")] + "p_"
            else:
                inner = f"{key}_"
            out.update(_flatten(value, prefix + inner))
        else:
            out[prefix + key] = value
    return out


def _records(file, records):
    rows = [{"file": file, **_flatten(r)} for r in records]
    return pd.DataFrame(rows) if rows else pd.DataFrame(columns=["file"])


class Session:
    """A live stream on an Analyzer's models: push audio, video frames and words as they arrive; each
    result is delivered the moment it is final, as a dict (the command line's JSON Lines events,
    docs/ANALYSIS.md "Streaming": {"type": "segment" | "face" | "utterance" | "moment" | "warning", ...}).

    Events go to `on_event(event)` when given (called on the thread that pushed), otherwise they queue
    for events(). finish() ends the stream and returns the complete Result. A Session is used by one
    thread at a time; use it as a context manager to finish it on exit."""

    def __init__(self, core, on_event=None):
        self._core = core
        self._on_event = on_event
        self._queue = collections.deque()
        self._result = None

    def _deliver(self, lines):
        for line in lines:
            event = json.loads(line)
            if self._on_event is not None:
                self._on_event(event)
            else:
                self._queue.append(event)

    def push_audio(self, signal, sampling_rate):
        """Samples: float32/float64, 1-D (mono) or 2-D (channels, samples), in [-1, 1]. The first push
        fixes the rate and the channel count."""
        self._deliver(self._core.push_audio(np.asarray(signal), int(sampling_rate)))

    def push_frame(self, frame, time):
        """A video frame: uint8 RGB of shape (height, width, 3), at `time` seconds from the start
        (increasing)."""
        self._deliver(self._core.push_frame(np.asarray(frame), float(time)))

    def push_image(self, image):
        """A still image (the whole input is this one picture): uint8 RGB (height, width, 3)."""
        self._deliver(self._core.push_image(np.asarray(image)))

    def push_words(self, text, speaker="", start=None, end=None, id=""):
        """The next utterance of a transcript (spoken order); start/end in seconds when known."""
        s = -1.0 if start is None else float(start)
        e = -1.0 if end is None else float(end)
        self._deliver(self._core.push_words(str(text), str(speaker), s, e, str(id)))

    def warn(self, message):
        """A condition that makes the result less reliable (also an event)."""
        self._deliver(self._core.warn(str(message)))

    def events(self):
        """Iterates over the events queued so far (when no on_event was given), removing them."""
        while self._queue:
            yield self._queue.popleft()

    @property
    def audio_seconds(self):
        return self._core.audio_seconds

    def finish(self):
        """Ends the stream; returns the complete Result (the last events are delivered first)."""
        if self._result is None:
            core, lines = self._core.finish()
            self._deliver(lines)
            self._result = Result(core)
            self._result.file = self._result._file_name()
        return self._result

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.finish()
        return False


class Analyzer:
    """Who felt what, when: the analysis of `sentio analyze`, with its options named like its flags.

    Options (all optional): speech_model, face_models, expression_model, cue_model ("none": no cue fusion),
    text_model, language, jobs,
    speaker_mode ("diarize", "channels", "single"), speakers, min_segment, max_segment, fps,
    detect_interval, window, transcribe, max_duration, min_confidence. The models load once, when first needed, and are
    shared by every call and session of this Analyzer (and by threads: calls release the GIL)."""

    OPTIONS = ("speech_model", "face_models", "expression_model", "cue_model", "text_model", "language", "jobs", "speaker_mode",
               "speakers", "min_segment", "max_segment", "fps", "detect_interval", "window", "transcribe",
               "max_duration", "min_confidence")

    def __init__(self, **options):
        unknown = sorted(set(options) - set(self.OPTIONS))
        if unknown:
            raise TypeError(f"Analyzer: unknown option(s) {', '.join(unknown)} (options: {', '.join(self.OPTIONS)})")
        self._core = _sentio.Analyzer(**{k: (str(v) if k.endswith(("_model", "_models")) else v)
                                         for k, v in options.items()})
        self._options = dict(options)

    @property
    def options(self):
        """The constructor's arguments: Analyzer(**a.options) makes the same analyzer."""
        return dict(self._options)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self._options.items())
        return f"sentio.Analyzer({args})"

    def preload(self, *modalities):
        """Loads the models of "speech", "faces", "words" and/or "recognition" now instead of on first use."""
        for m in modalities:
            self._core.preload(m)

    def process_file(self, file, transcript=None):
        """Analyses an audio, video or image file or a transcript (.srt, .vtt, .txt), with the recording's
        transcript if given. Raises sentio.InputError naming the file when nothing of it can be analysed."""
        path = str(file)
        return Result(self._core.process_file(path, "" if transcript is None else str(transcript)), file=path)

    def process_files(self, files, errors="record", progress=False):
        """A Result per file, in input order. errors="record": a file that fails gives a Result with
        `error` set (the others are unaffected); errors="raise": the first failure raises sentio.InputError.
        progress=True prints a progress line on standard error."""
        if errors not in ("record", "raise"):
            raise ValueError("errors: expected 'record' or 'raise'")
        paths = [str(f) for f in files]
        bar = Progress(len(paths), progress)
        results = []
        for path in paths:
            try:
                results.append(self.process_file(path))
            except _sentio.InputError as e:
                if errors == "raise":
                    raise
                results.append(Result(file=path, error=str(e)))
            bar.advance(not results[-1].ok)
        bar.finish()
        return results

    def process_signal(self, signal, sampling_rate, file="signal"):
        """Analyses audio in memory (float32/float64, 1-D mono or 2-D (channels, samples), in [-1, 1])."""
        signal = np.asarray(signal)
        return Result(self._core.process_signal(signal, int(sampling_rate), str(file)), file=str(file))

    def session(self, on_event=None, name="stream"):
        """A streaming Session on this analyzer's models; `name` is the input's name in the result."""
        return Session(self._core.session(str(name)), on_event)
