# SPDX-License-Identifier: Apache-2.0
"""Acoustic features in the shape opensmile-python users know (docs/PYTHON.md, "Features")."""
import warnings

import numpy as np
import pandas as pd

from . import _sentio
from ._progress import Progress

_FEATURE_SETS = {"egemapsv02": "eGeMAPSv02", "egemaps": "eGeMAPSv02"}
_LEVELS = {"functionals": "functionals", "lld": "lld", "lowleveldescriptors": "lld", "llds": "lld"}

# LLD frames: one every 10 ms; each row spans 20 ms, as opensmile-python reports eGeMAPSv02's LLDs.
_FRAME_PERIOD_NS = 10_000_000
_FRAME_LENGTH_NS = 20_000_000


def _name(value):
    return str(getattr(value, "name", getattr(value, "value", value)))


class Features:
    """eGeMAPSv02 features of audio files or signals, as pandas DataFrames.

    Args:
        feature_set: "eGeMAPSv02" (the only set; the Geneva Minimalistic Acoustic Parameter Set v02).
        level: "functionals" (88 values per file) or "lld" (25 low-level descriptors every 10 ms).
        jobs: threads (0 = all cores): across files for functionals, inside each file for LLDs, as
            `sentio features -j`.

    The numbers are those `sentio features` writes; columns are openSMILE's names in its order. Every
    frame is indexed by (file, start, end) with start and end as pandas Timedelta: for functionals
    (0, the file's length), for LLDs each 20-ms frame every 10 ms.
    """

    def __init__(self, feature_set="eGeMAPSv02", level="functionals", jobs=0):
        fs = _FEATURE_SETS.get(_name(feature_set).lower())
        if fs is None:
            raise ValueError(f"feature_set: unknown set '{_name(feature_set)}' (available: eGeMAPSv02)")
        lv = _LEVELS.get(_name(level).lower().replace("_", ""))
        if lv is None:
            raise ValueError(f"level: expected 'functionals' or 'lld', got '{_name(level)}'")
        if not isinstance(jobs, int) or jobs < 0:
            raise ValueError("jobs: expected 0 (all cores) or a positive thread count")
        self.feature_set = fs
        self.level = lv
        self.jobs = jobs
        self.feature_names = list(_sentio.feature_names(lv))

    @property
    def options(self):
        """The constructor's arguments: Features(**f.options) makes the same extractor."""
        return {"feature_set": self.feature_set, "level": self.level, "jobs": self.jobs}

    def __repr__(self):
        return f"sentio.Features(feature_set={self.feature_set!r}, level={self.level!r}, jobs={self.jobs})"

    def _threads(self):
        import os

        return self.jobs if self.jobs > 0 else (os.cpu_count() or 1)

    def process_file(self, file):
        """The features of one audio (or video) file. Raises sentio.InputError naming the file when it
        cannot be read or is shorter than one 60-ms analysis frame."""
        path = str(file)
        return self._frame([(path, _sentio.features_file(path, self.level, self._threads()))])

    def process_files(self, files, errors="record", progress=False):
        """The features of many files in one DataFrame, in input order.

        errors="record": a file that fails is left out of the rows and listed in df.attrs["errors"]
        (a dict from path to message), with a warning; errors="raise": the first failure raises
        sentio.InputError. progress=True prints a progress line on standard error."""
        if errors not in ("record", "raise"):
            raise ValueError("errors: expected 'record' or 'raise'")
        paths = [str(f) for f in files]
        bar = Progress(len(paths), progress)
        if progress and len(paths) > 1:
            # file by file, so that the line can move; same numbers
            out = []
            for p in paths:
                out.append(_sentio.features_files([p], self.level, self._threads(), errors == "raise")[0])
                bar.advance(isinstance(out[-1], str))
            bar.finish()
        else:
            out = _sentio.features_files(paths, self.level, self._threads(), errors == "raise")
        failed = {p: r for p, r in zip(paths, out) if isinstance(r, str)}
        df = self._frame([(p, r) for p, r in zip(paths, out) if not isinstance(r, str)])
        df.attrs["errors"] = failed
        if failed:
            warnings.warn(f"sentio: {len(failed)} of {len(paths)} file(s) failed; see DataFrame.attrs['errors']",
                          stacklevel=2)
        return df

    def process_signal(self, signal, sampling_rate, file="signal"):
        """The features of a signal in memory: a float32 or float64 numpy array, 1-D (mono) or 2-D
        (channels, samples; mixed to mono), samples in [-1, 1], at `sampling_rate` Hz (resampled to
        16 kHz). A wrong dtype, shape or rate raises ValueError naming the problem."""
        signal = np.asarray(signal)
        r = _sentio.features_signal(signal, int(sampling_rate), self.level, self._threads(), str(file))
        return self._frame([(str(file), r)])

    def _frame(self, results):
        """One DataFrame from [(file, (values, frame_index, seconds)), ...]."""
        files, starts, ends, blocks = [], [], [], []
        for path, (values, index, seconds) in results:
            if self.level == "functionals":
                starts.append(np.zeros(1, dtype=np.int64))
                ends.append(np.array([round(seconds * 1e9)], dtype=np.int64))
            else:
                start = index * _FRAME_PERIOD_NS
                starts.append(start)
                ends.append(start + _FRAME_LENGTH_NS)
            files.extend([path] * len(values))
            blocks.append(values)
        dtype = np.float64 if self.level == "functionals" else np.float32
        values = np.concatenate(blocks) if blocks else np.empty((0, len(self.feature_names)), dtype=dtype)
        index = pd.MultiIndex.from_arrays(
            [
                pd.Index(files, dtype=object),
                pd.to_timedelta(np.concatenate(starts) if starts else np.empty(0, dtype=np.int64), unit="ns"),
                pd.to_timedelta(np.concatenate(ends) if ends else np.empty(0, dtype=np.int64), unit="ns"),
            ],
            names=["file", "start", "end"],
        )
        return pd.DataFrame(values, index=index, columns=self.feature_names)
