# SPDX-License-Identifier: Apache-2.0
"""Run Sentio over many files on a Dask cluster.

``process_files(paths, client)`` sends one task per file (or per ``batch_size`` files) to the workers of
a ``distributed.Client``. Every worker keeps one Sentio engine (a ``sentio.Features`` or a
``sentio.Analyzer``) for its whole life: a worker plugin creates it when the worker starts or when the
plugin is registered, and each task takes it from the worker. Tasks are submitted a few at a time, so the
client holds at most a small multiple of the cluster's thread count in flight, however many files there
are.

Two kinds of work:

* ``kind="features"`` returns one DataFrame, the rows in input order, as ``sentio.Features.process_files``
  would return it for the same paths.
* ``kind="analysis"`` writes one JSON document per input into the folder ``out`` and returns a DataFrame
  with one row per input: ``file``, ``document`` (the path written, or None) and ``error`` (the message,
  or None).

An input that Sentio cannot use (``sentio.InputError``: missing, empty, not media, ...) is a result, not
a task failure: it is reported and never retried. Any other exception in a task is retried ``retries``
times; if it still fails, ``process_files`` cancels the tasks left and raises it. Tasks of a worker that
dies are run again on another worker by the scheduler. Each input's result is kept once, by its position
in ``paths`` (a batch's by its first position), so every input comes back exactly once even when a task
runs twice.

The workers need Sentio installed, the same model files, and access to the input paths and to ``out``
under the same names as the client. See docs/SCALE.md.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import threading
import uuid
import warnings

import numpy as np
import pandas as pd
from distributed import WorkerPlugin, as_completed, get_worker

import sentio
from sentio._progress import Progress

__all__ = ["process_files", "register", "document_names", "plugin_name", "SentioPlugin"]

KINDS = ("features", "analysis")

# Tasks kept in flight per worker thread of the cluster (at least _MIN_IN_FLIGHT in all).
_IN_FLIGHT_PER_THREAD = 4
_MIN_IN_FLIGHT = 4


# ---------------------------------------------------------------------------------------------------------
# Engines and the worker plugin


def _make_engine(kind, options):
    """Create the engine of a kind from its keyword arguments."""
    if kind == "features":
        return sentio.Features(**options)
    return sentio.Analyzer(**options)


def _options(kind, options):
    """The engine's keyword arguments for a kind, checked by building the engine once on the client.

    ``jobs`` is 1 unless the caller gives it: the cluster already runs one file per worker thread, so
    more threads per file would only compete for the same cores.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    opts = dict(options or {})
    opts.setdefault("jobs", 1)
    engine = _make_engine(kind, opts)  # raises on an unknown or bad option, before anything is submitted
    resolved = getattr(engine, "options", None)
    return dict(resolved) if isinstance(resolved, dict) else opts


def plugin_name(kind, options):
    """The worker plugin's name for a kind and its engine options: ``sentio-<kind>-<hash of options>``.

    The same kind and options always give the same name, so a second call reuses the engines that the
    first one set up.
    """
    text = json.dumps(options, sort_keys=True, default=repr)
    return f"sentio-{kind}-{hashlib.sha256(text.encode()).hexdigest()[:12]}"


class SentioPlugin(WorkerPlugin):
    """Worker plugin that holds one Sentio engine per worker.

    ``setup`` runs on every worker present when the plugin is registered and on every worker that joins
    later (including one that a nanny restarts after a crash). The engine stays on the plugin, in
    ``worker.plugins[name].engine``, until the worker closes.
    """

    def __init__(self, kind, options, name):
        self.kind = kind
        self.options = dict(options)
        self.name = name
        self.engine = None
        self._lock = threading.Lock()

    def __getstate__(self):
        # The engine and the lock stay on the worker; only the recipe travels.
        return {"kind": self.kind, "options": self.options, "name": self.name}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.engine = None
        self._lock = threading.Lock()

    def setup(self, worker):
        _keep_freed_memory()
        self.get_engine()

    def teardown(self, worker):
        self.engine = None

    def get_engine(self):
        """The worker's engine, created on first use (if setup failed, the task raises the cause)."""
        with self._lock:
            if self.engine is None:
                self.engine = _make_engine(self.kind, self.options)
            return self.engine


def _keep_freed_memory():
    """Let glibc keep freed memory for reuse in this worker process.

    Dask's nanny starts workers with MALLOC_TRIM_THRESHOLD_=65536, which also fixes glibc's mmap threshold
    at 128 KiB: every buffer of a decoded file is then mapped and unmapped again, and each file is analysed
    about 1.5-2 times slower (bench/dask_scaling.md). Raising both thresholds (to glibc's largest mmap
    threshold, 32 MiB, and 256 MiB of trim) restores the speed; the memory kept is bounded by the peak of one
    file's work. Nothing happens where glibc's mallopt is not available."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        m_trim_threshold, m_mmap_threshold = -1, -3
        libc.mallopt(m_trim_threshold, 256 << 20)
        libc.mallopt(m_mmap_threshold, 32 << 20)
    except (OSError, AttributeError):
        pass


# Engines of workers that have no plugin under the expected name (it should not happen: the scheduler
# gives every new worker its plugins). Keyed by plugin name.
_fallback = {}
_fallback_lock = threading.Lock()


def _worker_engine(name, kind, options):
    """The engine of the worker that runs the current task."""
    try:
        plugin = get_worker().plugins.get(name)
    except ValueError:  # not on a worker (a synchronous scheduler): keep one engine per process
        plugin = None
    if plugin is None:
        with _fallback_lock:
            plugin = _fallback.setdefault(name, SentioPlugin(kind, options, name))
    return plugin.get_engine()


def register(client, kind="features", options=None):
    """Set up one Sentio engine on every worker of ``client``'s cluster, now and on workers that join later.

    Returns the plugin's name. Nothing is done when a plugin of that name is already registered. Raises
    the worker's exception if a worker cannot create the engine (the plugin is then unregistered).
    ``process_files`` calls this itself; call it beforehand to pay the start-up cost early (e.g. before
    timing a run).
    """
    opts = _options(kind, options)
    return _register(client, kind, opts)


def _register(client, kind, opts):
    name = plugin_name(kind, opts)
    try:
        # A closure travels by value, so the scheduler does not need Sentio installed to run it.
        present = client.run_on_scheduler(lambda dask_scheduler: name in dask_scheduler.worker_plugins)
    except Exception:  # a scheduler that refuses to run functions: register again (it is idempotent)
        present = False
    if present:
        return name
    try:
        client.register_worker_plugin(SentioPlugin(kind, opts, name), name=name)
    except Exception:
        try:
            client.unregister_worker_plugin(name)
        except Exception:
            pass
        raise
    return name


# ---------------------------------------------------------------------------------------------------------
# Tasks (run on the workers)


_part_counter = itertools.count()


def _write_atomically(text, target):
    """Write ``text`` to ``target`` through a temporary file in the same folder, then rename it.

    A reader sees either the complete document or none. A rerun replaces the document the same way.
    """
    folder, base = os.path.split(target)
    tmp = os.path.join(folder, f".{base}.{os.getpid()}-{next(_part_counter)}-{uuid.uuid4().hex[:8]}.part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _pack(df):
    """A features DataFrame as plain arrays (index levels, one 2-D array of values), which travel and
    join faster than DataFrames; None when the frame has another shape (the DataFrame travels then)."""
    dtypes = set(df.dtypes)
    if not isinstance(df.index, pd.MultiIndex) or len(dtypes) > 1 or df.columns.has_duplicates:
        return None
    return {
        "names": list(df.index.names),
        "levels": [df.index.get_level_values(i).to_numpy() for i in range(df.index.nlevels)],
        "columns": list(df.columns),
        "values": df.to_numpy(),
    }


def _run_batch(name, kind, options, items):
    """Process ``items``, a list of (position, path, document path or None), on a worker.

    Returns (frame, outcomes). outcomes is a list of (position, error), error being the sentio.InputError
    message or None. For features, frame holds the rows of the batch's files in batch order (packed by
    ``_pack``, or the DataFrame); for analysis it is None, and each document is written to its path.
    Other exceptions propagate, so that Dask retries the task.
    """
    engine = _worker_engine(name, kind, options)
    if kind == "features":
        paths = [path for _, path, _ in items]
        df = engine.process_files(paths, errors="record")
        failed = df.attrs.get("errors", {})
        packed = _pack(df)
        return (df if packed is None else packed), [(position, failed.get(path)) for position, path, _ in items]
    outcomes = []
    for position, path, document in items:
        try:
            text = engine.process_file(path).to_json()
        except sentio.InputError as e:
            outcomes.append((position, str(e)))
            continue
        _write_atomically(text, document)
        outcomes.append((position, None))
    return None, outcomes


def _join(frames):
    """One DataFrame from the batches' frames, in order (as pandas.concat, faster for many small parts)."""
    if frames and all(isinstance(f, dict) for f in frames):
        first = frames[0]
        if all(f["names"] == first["names"] and f["columns"] == first["columns"]
               and f["values"].dtype == first["values"].dtype for f in frames):
            index = pd.MultiIndex.from_arrays(
                [np.concatenate([f["levels"][i] for f in frames]) for i in range(len(first["names"]))],
                names=first["names"],
            )
            return pd.DataFrame(np.concatenate([f["values"] for f in frames]), index=index, columns=first["columns"])
    return pd.concat([_unpack(f) if isinstance(f, dict) else f for f in frames])


def _unpack(packed):
    index = pd.MultiIndex.from_arrays(packed["levels"], names=packed["names"])
    return pd.DataFrame(packed["values"], index=index, columns=packed["columns"])


# ---------------------------------------------------------------------------------------------------------
# Client side


def _batch_size(batch_size, kind, n, threads):
    """Files per task: the caller's choice, else 1 for analysis and about 8 tasks per thread for features."""
    if batch_size is not None:
        return int(batch_size)
    if kind == "analysis":
        return 1
    return max(1, min(64, n // (8 * max(1, threads))))


def document_names(paths, out):
    """The document path of each input in folder ``out``: ``<stem>.json``, where the stem is the input's
    file name without its extension; when several inputs share a stem, the later ones (in input order)
    get ``<stem>-2.json``, ``<stem>-3.json``, ... (the names ``sentio analyze -o DIR/`` gives)."""
    used = set()
    names = []
    for path in paths:
        stem = os.path.splitext(os.path.basename(path))[0]
        name = stem + ".json"
        k = 2
        while name in used:
            name = f"{stem}-{k}.json"
            k += 1
        used.add(name)
        names.append(os.path.join(out, name))
    return names


def _total_threads(client):
    try:
        workers = client.scheduler_info().get("workers", {})
        return sum(int(w.get("nthreads", 0)) for w in workers.values())
    except Exception:
        return 0


def process_files(
    paths,
    client,
    kind="features",
    out=None,
    *,
    options=None,
    batch_size=None,
    errors="record",
    retries=2,
    progress=True,
    skip_existing=False,
):
    """Process many files on the Dask cluster of ``client`` and collect the results in input order.

    Parameters:
      paths: the input files (str or os.PathLike). The same path may appear several times; each
        occurrence is processed and reported. The workers open the paths as given, so use absolute paths
        on a shared file system when the workers run elsewhere.
      client: a ``distributed.Client``.
      kind: ``"features"`` (``sentio.Features``) or ``"analysis"`` (``sentio.Analyzer``).
      out: for analysis only, and required there: the folder for the JSON documents (created if missing).
        Each input's document is ``<stem>.json``; inputs that share a stem get ``-2``, ``-3``, ... in input
        order (see ``document_names``). Workers write each document to a temporary file in ``out`` and
        rename it, so a document is either complete or absent.
      options: keyword arguments for ``sentio.Features`` or ``sentio.Analyzer``. ``jobs`` (threads per
        file) defaults to 1 here, since the cluster already runs one file per worker thread.
      batch_size: files per task. None (the default): 1 for analysis; for features, enough files per task
        to give each worker thread about 8 tasks, at most 64 (features of a file take milliseconds, a task's
        scheduling about as long).
      errors: ``"record"`` reports inputs that Sentio cannot use and goes on; ``"raise"`` raises
        ``sentio.InputError`` for the first such input that comes back and cancels the rest.
      retries: how many times Dask reruns a task that raised an exception other than
        ``sentio.InputError``.
      progress: print ``sentio: DONE/TOTAL files, N failed`` on standard error as results arrive (in
        place on a terminal, otherwise one line per 10%).
      skip_existing: for analysis, do not process an input whose document already exists in ``out``;
        it is reported with that document and no error.

    Returns:
      features: a DataFrame indexed by (file, start, end) with the feature columns, rows in input order;
        ``df.attrs["errors"]`` maps each failed path to its message (with a warning when there are
        some, as ``sentio.Features.process_files``).
      analysis: a DataFrame with one row per input in input order and the columns ``file``, ``document``
        and ``error``.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    if errors not in ("record", "raise"):
        raise ValueError(f"errors must be 'record' or 'raise', not {errors!r}")
    if batch_size is not None and int(batch_size) < 1:
        raise ValueError(f"batch_size must be at least 1, not {batch_size!r}")
    if isinstance(paths, (str, bytes, os.PathLike)):
        raise TypeError("paths must be a list of paths, not a single path")
    paths = [os.fspath(p) for p in paths]
    n = len(paths)

    if kind == "analysis":
        if out is None:
            raise ValueError("kind='analysis' needs out, the folder for the JSON documents")
        out = os.path.abspath(os.fspath(out))
        os.makedirs(out, exist_ok=True)
        documents = document_names(paths, out)
    else:
        if out is not None:
            raise ValueError("out is for kind='analysis' only")
        if skip_existing:
            raise ValueError("skip_existing is for kind='analysis' only")
        documents = [None] * n

    opts = _options(kind, options)

    messages = [None] * n  # per input: the InputError message
    done = [False] * n  # per input: its result is in
    frames = {}  # features: the frame of each batch, by its first position
    bar = Progress(n, progress)
    todo = []
    for i in range(n):
        if skip_existing and os.path.isfile(documents[i]):
            done[i] = True
            bar.advance()
        else:
            todo.append(i)

    if todo:
        name = _register(client, kind, opts)
        batch_size = _batch_size(batch_size, kind, len(todo), _total_threads(client))
        batches = iter([todo[k : k + batch_size] for k in range(0, len(todo), batch_size)])
        run = uuid.uuid4().hex[:12]
        in_flight = {}
        ac = as_completed(loop=client.loop, with_results=True, raise_errors=False)

        def top_up():
            limit = max(_IN_FLIGHT_PER_THREAD * _total_threads(client), _MIN_IN_FLIGHT)
            while len(in_flight) < limit:
                batch = next(batches, None)
                if batch is None:
                    return
                items = [(i, paths[i], documents[i]) for i in batch]
                future = client.submit(
                    _run_batch, name, kind, opts, items,
                    key=f"sentio-{kind}-{run}-{batch[0]}", pure=False, retries=retries,
                )
                in_flight[future.key] = future
                ac.add(future)

        try:
            top_up()
            for future, result in ac:
                in_flight.pop(future.key, None)
                if future.status == "error":  # still failing after the retries
                    _, exc, tb = result
                    del future, result  # let Dask forget the task
                    raise exc.with_traceback(tb)
                if isinstance(result, BaseException):  # cancelled (e.g. by another client)
                    raise result
                frame, outcomes = result
                del future, result
                if not done[outcomes[0][0]]:  # a batch that came back twice keeps its first result
                    if frame is not None:
                        frames[outcomes[0][0]] = frame
                    for position, message in outcomes:
                        done[position] = True
                        messages[position] = message
                        if message is not None and errors == "raise":
                            raise sentio.InputError(message)
                        bar.advance(message is not None)
                top_up()
        finally:
            if in_flight:
                client.cancel(list(in_flight.values()))
            bar.finish()
        missing = [paths[i] for i in range(n) if not done[i]]
        if missing:  # cannot happen unless Dask loses a future without reporting it
            raise RuntimeError(f"no result came back for {len(missing)} input(s), e.g. {missing[0]}")
    else:
        bar.finish()

    if kind == "analysis":
        written = [documents[i] if messages[i] is None else None for i in range(n)]
        return pd.DataFrame({"file": paths, "document": written, "error": messages}, columns=["file", "document", "error"])

    parts = [frames[k] for k in sorted(frames)]
    df = _join(parts) if parts else sentio.Features(**opts).process_files([])
    failed = {paths[i]: messages[i] for i in range(n) if messages[i] is not None}
    df.attrs["errors"] = failed
    if failed:  # as sentio.Features.process_files
        warnings.warn(f"sentio: {len(failed)} of {n} file(s) failed; see DataFrame.attrs['errors']", stacklevel=2)
    return df
