#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Load on `sentio serve` (docs/SERVE.md): concurrent live streams, concurrent REST analyses, and a soak.

  serve_load.py [PART ...] [options]        PART: streams, rest, soak (default: all three, in that order)

(a) streams: --sessions N (default 100) WebSocket sessions at once (their starts spread over --ramp s), each
    streaming one of 4 speech recordings of 20 s (RAVDESS clips of two actors, 0.6-s pauses, 16-kHz mono
    s16le) at real-time pace in 100-ms messages: message k (audio [0.1 k, 0.1 (k + 1)) s) is due 0.1 (k + 1) s
    after the session's start; when the server holds a send back (TCP flow control), the lateness is
    recorded. Delay of a segment event = its arrival - the end of the send of the message holding the
    segment's last sample. Segments that end in the last 0.65 s of the recording are made final by `end`
    and counted apart. Each final `result` is compared with `sentio analyze FILE --max-segment 4 -q`: the
    whole `speech` part and `moments`.
(b) rest: --clients M (default 8) clients, each on one keep-alive connection, POST a 3-s WAV to
    /v1/analyze?name=clip.wav for --seconds T (default 60): requests/s, latency, statuses, and each
    answer compared with `sentio analyze clip.wav -q` (the whole document; input.path must be "clip.wav").
(c) soak: for --soak-minutes (default 60) --soak-sessions streams (default 4) open and close continuously
    (every 4th of them is dropped without `end` after 2-8 s), and one client POSTs the 3-s WAV every
    --soak-interval s (every 10th body is not media: 400 expected). Server RSS and open file descriptors
    are sampled every 10 s: first, last, max, least-squares slope; and the fd count at rest before and after.

The script starts `SENTIO serve --host 127.0.0.1 --port 0` itself for each part (so that each part's peak
RSS is its own), with --max-sessions raised to fit --sessions, or uses a running server: --url and --pid.
Prints Markdown to standard output. Every wait has a timeout. Needs Debian's python3, python3-websockets,
sox, and the RAVDESS clips ($SENTIO_SHARED_DIR/data/ser/ravdess, default ../shared).
"""
import argparse, asyncio, csv, hashlib, http.client, json, math, os, queue, random, re, signal, statistics
import subprocess, sys, tempfile, threading, time, urllib.parse
from pathlib import Path

try:
    import websockets
except ImportError:
    print("skipped: python3-websockets is not installed (use Debian's /usr/bin/python3)")
    sys.exit(0)

ROOT = Path(__file__).resolve().parent.parent
RATE = 16000
CHUNK_BYTES = RATE // 10 * 2          # 100 ms of s16le mono
FINAL_AFTER = 0.65                    # a segment is final 0.4 s + 0.25 s after its end (docs/ANALYSIS.md)
LISTENING = re.compile(r"listening on http://([0-9.]+):(\d+)")
METRICS = ["sentio_sessions_open", "sentio_sessions_total", "sentio_events_total", "sentio_event_delay_seconds",
           "sentio_requests_total", "sentio_errors_total", "sentio_bytes_received_total", "sentio_bytes_sent_total",
           "sentio_jobs"]


# ---- small helpers ----------------------------------------------------------------------------------------
def quantile(values, q):
    if not values:
        return float("nan")
    v = sorted(values)
    return v[min(len(v) - 1, max(0, math.ceil(q * len(v)) - 1))]


def pmm(values, digits=2):
    """'p50 / p95 / max' of a list."""
    if not values:
        return "-"
    return " / ".join(f"{quantile(values, q):.{digits}f}" for q in (0.5, 0.95, 1.0))


def slope_per_hour(samples):
    """Least-squares slope of (t seconds, value) pairs, per hour."""
    if len(samples) < 2:
        return float("nan")
    mt = statistics.fmean(t for t, _ in samples)
    mv = statistics.fmean(v for _, v in samples)
    den = sum((t - mt) ** 2 for t, _ in samples)
    return 3600 * sum((t - mt) * (v - mv) for t, v in samples) / den if den else float("nan")


def first_difference(a, b, path="$"):
    """Where two JSON values first differ (a readable path), or None."""
    if type(a) is not type(b):
        return f"{path}: {type(a).__name__} vs {type(b).__name__}"
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return f"{path}.{k}: only in the {'stream' if k in a else 'CLI'} document"
            d = first_difference(a[k], b[k], f"{path}.{k}")
            if d:
                return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items vs {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_difference(x, y, f"{path}[{i}]")
            if d:
                return d
        return None
    return None if a == b else f"{path}: {json.dumps(a)[:60]} vs {json.dumps(b)[:60]}"


def proc_status(pid):
    """{VmRSS, VmHWM (MiB), Threads} of a process."""
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM"):
                out[k] = int(v.split()[0]) / 1024
            elif k == "Threads":
                out[k] = int(v)
    return out


def open_fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, timeout=600, **kw)


# ---- inputs -----------------------------------------------------------------------------------------------
def make_inputs(cache, rav, sentio):
    """The 4 stream recordings and the 3-s clip (made once in CACHE), with their CLI documents."""
    cache.mkdir(parents=True, exist_ok=True)
    rows = list(csv.DictReader(open(rav / "manifest.csv")))
    by_actor = {}
    for r in rows:
        by_actor.setdefault(r["speaker"], []).append(r)
    actors = sorted(by_actor)
    rng = random.Random(20)
    pause = cache / "pause.wav"
    if not pause.exists():
        run(["sox", "-n", "-r", str(RATE), "-c", "1", "-b", "16", str(pause), "trim", "0", "0.6"])
    streams = []
    for i in range(4):
        out = cache / f"stream{i + 1}.wav"
        if not out.exists():
            pair = rng.sample(actors, 2)
            clips = [rng.choice(by_actor[pair[k % 2]]) for k in range(7)]   # ~7 x 4.3 s > 20 s
            parts = []
            for c in clips:
                parts += [str(rav / c["path"]), str(pause)]
            tmp = out.with_suffix(".tmp.wav")
            run(["sox"] + parts + ["-r", str(RATE), "-c", "1", "-b", "16", str(tmp), "trim", "0", "20"])
            tmp.rename(out)
        streams.append(out)
    clip = cache / "clip.wav"
    if not clip.exists():
        src = rav / sorted(rows, key=lambda r: r["path"])[100]["path"]
        tmp = cache / "clip.tmp.wav"
        run(["sox", str(src), "-r", str(RATE), "-c", "1", "-b", "16", str(tmp), "pad", "0", "3", "trim", "0", "3"])
        tmp.rename(clip)
    refs = {}
    for f in streams:
        refs[f.name] = json.loads(run([str(sentio), "analyze", f.name, "--max-segment", "4", "-q"], cwd=cache).stdout)
    refs[clip.name] = json.loads(run([str(sentio), "analyze", clip.name, "-q"], cwd=cache).stdout)
    return streams, clip, refs


def pcm_of(wav):
    """The s16le samples of a canonical 44-byte-header WAV written by sox (checked)."""
    data = wav.read_bytes()
    pos = 12
    while pos < len(data):
        kind, size = data[pos:pos + 4], int.from_bytes(data[pos + 4:pos + 8], "little")
        if kind == b"data":
            return data[pos + 8:pos + 8 + size]
        pos += 8 + size + (size & 1)
    raise ValueError(f"{wav}: no data chunk")


# ---- the server -------------------------------------------------------------------------------------------
class Server:
    """A `sentio serve` started here (stopped with SIGTERM), or one given with --url and --pid."""

    def __init__(self, args, max_sessions):
        self.proc, self.exit_note = None, None
        self.token = Path(args.token_file).read_text().splitlines()[0].strip() if args.token_file else None
        if args.url:
            u = urllib.parse.urlsplit(args.url)
            self.host, self.port, self.pid = u.hostname, u.port, args.pid
            self.command = f"(running server {args.url}, pid {args.pid})"
            return
        self.workdir = Path(tempfile.mkdtemp(prefix="sentio-serve-load-"))
        cmd = [str(args.sentio), "serve", "--host", "127.0.0.1", "--port", "0", "--results-dir",
               str(self.workdir / "results"), "--max-sessions", str(max_sessions)]
        if args.token_file:
            cmd += ["--token-file", args.token_file]
        cmd += args.server_arg
        self.command = " ".join(cmd[:6] + ["--results-dir", "TMP"] + cmd[8:])
        self.log = open(self.workdir / "server.log", "w")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self.log, text=True, bufsize=1)
        lines = queue.Queue()

        def read():
            for line in self.proc.stdout:
                lines.put(line)
            lines.put(None)
        threading.Thread(target=read, daemon=True).start()
        end = time.monotonic() + args.start_timeout
        while True:
            try:
                line = lines.get(timeout=max(0.05, end - time.monotonic()))
            except queue.Empty:
                line = None
            if line is None:
                self.stop()
                raise RuntimeError(f"the server did not print its 'listening on' line: "
                                   f"{(self.workdir / 'server.log').read_text()[-1500:]}")
            m = LISTENING.search(line)
            if m:
                self.host, self.port, self.pid = m.group(1), int(m.group(2)), self.proc.pid
                break

    def headers(self):
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def ws_url(self):
        return f"ws://{self.host}:{self.port}/v1/stream"

    def stop(self):
        """SIGTERM; self.exit_note says how it ended when that was not cleanly (exit status 0)."""
        self.exit_note = None
        if self.proc and self.proc.poll() is not None:
            self.exit_note = f"the server had exited ({self.proc.returncode}) before the end of the part"
        elif self.proc:
            self.proc.send_signal(signal.SIGTERM)
            try:
                code = self.proc.wait(30)
                if code != 0:
                    self.exit_note = f"after SIGTERM the server exited with {code}" + \
                        (" (killed by the signal)" if code == -signal.SIGTERM else "")
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
                self.exit_note = "the server did not stop within 30 s of SIGTERM"
        if self.proc:
            self.log.close()
            subprocess.run(["rm", "-rf", str(self.workdir)], check=False)

    def metrics(self):
        """{name or name{labels}: value} from GET /metrics, and {"# TYPE name": type} for the declared
        families; {} when it fails."""
        try:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
            conn.request("GET", "/metrics", headers=self.headers())
            r = conn.getresponse()
            text = r.read().decode()
            conn.close()
        except OSError:
            return {}
        if r.status != 200:
            return {"__status__": r.status}
        out = {}
        for line in text.splitlines():
            if line.startswith("# TYPE "):
                _, _, name, kind = (line.split() + [""])[:4]
                out["# TYPE " + name] = kind
            elif line and not line.startswith("#"):
                key, _, value = line.rpartition(" ")
                try:
                    out[key] = float(value)
                except ValueError:
                    pass
        return out


def metrics_notes(m):
    """Missing metric names (docs/SERVE.md) and the server's own segment-delay histogram."""
    if not m:
        return ["GET /metrics failed"]
    if "__status__" in m:
        return [f"GET /metrics answered {m['__status__']}"]
    notes = []
    missing = [n for n in METRICS if "# TYPE " + n not in m]
    if missing:
        notes.append("metric families not declared in /metrics: " + ", ".join(missing))
    if m.get("# TYPE sentio_event_delay_seconds", "histogram") != "histogram":
        notes.append("sentio_event_delay_seconds is not a histogram")
    buckets = []
    for k, v in m.items():
        le = re.search(r'le="([^"]+)"', k) if k.startswith("sentio_event_delay_seconds_bucket") else None
        if le:
            buckets.append((float(le.group(1).replace("+Inf", "inf")), v))
    buckets.sort()
    count = m.get("sentio_event_delay_seconds_count")
    if buckets and count:
        def bound(q):
            for le, v in buckets:
                if v >= q * count:
                    return le
            return float("inf")
        notes.append(f"server's sentio_event_delay_seconds: {count:.0f} segment events, mean "
                     f"{m.get('sentio_event_delay_seconds_sum', float('nan')) / count:.3f} s, p50 <= {bound(0.5)} s, "
                     f"p95 <= {bound(0.95)} s (bucket bounds)")
    return notes


class Sampler:
    """Samples the server's VmRSS, VmHWM, fds and CPU time every `period` s in a thread."""

    def __init__(self, pid, period):
        self.pid, self.period, self.samples, self.stopped = pid, period, [], threading.Event()
        self.t0 = time.monotonic()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def sample(self):
        if not self.pid:
            return None
        try:
            st = proc_status(self.pid)
            s = {"t": time.monotonic() - self.t0, "rss": st["VmRSS"], "hwm": st["VmHWM"], "threads": st["Threads"],
                 "fds": open_fds(self.pid), "cpu": cpu_seconds(self.pid)}
        except (OSError, KeyError):
            return None
        self.samples.append(s)
        return s

    def _run(self):
        while not self.stopped.wait(self.period):
            self.sample()

    def __enter__(self):
        self.sample()
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        self.thread.join(self.period + 5)
        self.sample()


# ---- (a) streams ------------------------------------------------------------------------------------------
async def both(a, b, timeout):
    """Runs two coroutines; the first exception cancels the other and is raised; asyncio.TimeoutError when
    they have not both finished within `timeout` s."""
    tasks = [asyncio.create_task(a), asyncio.create_task(b)]
    try:
        done, pending = await asyncio.wait(tasks, timeout=timeout, return_when=asyncio.FIRST_EXCEPTION)
    finally:
        for task in tasks:
            if not task.done():
                task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    for task in done:
        if not task.cancelled() and task.exception():
            raise task.exception()
    if pending:
        raise asyncio.TimeoutError()


async def stream_session(server, index, wav_name, pcm, ref, delay, args, abort_after=None):
    """One WebSocket session streaming `pcm` at real-time pace; returns its record."""
    rec = {"index": index, "file": wav_name, "segments": [], "events": {}, "errors": [], "late": [],
           "result": None, "close": None, "bad_payload_id": 0, "failure": None, "aborted": abort_after is not None}
    await asyncio.sleep(delay)
    n = (len(pcm) + CHUNK_BYTES - 1) // CHUNK_BYTES
    sent_at = [None] * n
    payload_id = f"load-{index}-{os.urandom(4).hex()}"
    duration = len(pcm) / 2 / RATE
    try:
        async with websockets.connect(server.ws_url(), extra_headers=server.headers(), max_size=None,
                                      ping_interval=None, open_timeout=60, close_timeout=10) as ws:
            start = {"type": "start", "payload_id": payload_id,
                     "audio": {"sample_rate": RATE, "channels": 1, "encoding": "pcm_s16le"},
                     "options": {"max_segment": 4}}
            await ws.send(json.dumps(start))
            t0 = time.monotonic()
            state = {"end_sent": None}

            async def sender():
                for k in range(n):
                    due = t0 + 0.1 * (k + 1)
                    if abort_after is not None and due - t0 > abort_after:
                        await ws.close(1001)        # the client goes away without `end`
                        return
                    wait = due - time.monotonic()
                    if wait > 0:
                        await asyncio.sleep(wait)
                    await ws.send(pcm[k * CHUNK_BYTES:(k + 1) * CHUNK_BYTES])
                    sent_at[k] = time.monotonic()
                    rec["late"].append(sent_at[k] - due)
                await ws.send(json.dumps({"type": "end"}))
                state["end_sent"] = time.monotonic()

            async def receiver():
                async for message in ws:
                    now = time.monotonic()
                    if not isinstance(message, str):
                        rec["errors"].append("binary message from the server")
                        continue
                    ev = json.loads(message)
                    kind = ev.get("type")
                    rec["events"][kind] = rec["events"].get(kind, 0) + 1
                    if ev.get("payload_id") != payload_id:
                        rec["bad_payload_id"] += 1
                    if kind == "segment":
                        k = min(n - 1, max(0, int((round(ev["end"] * RATE) - 1) // (CHUNK_BYTES // 2))))
                        rec["segments"].append({"end": ev["end"], "delay": None if sent_at[k] is None else now - sent_at[k],
                                                "at_finish": ev["end"] > duration - FINAL_AFTER})
                    elif kind == "error":
                        rec["errors"].append(f"{ev.get('code')}: {ev.get('message')}")
                    elif kind == "result":   # the document's fields, as the last line of --format jsonl
                        rec["result"] = {k: v for k, v in ev.items() if k not in ("type", "payload_id")}
                        rec["result_at"] = now - (state["end_sent"] or now)

            await both(sender(), receiver(), duration + args.result_timeout)
            rec["close"] = ws.close_code
    except asyncio.TimeoutError:
        rec["failure"] = "timeout"
    except websockets.exceptions.ConnectionClosed as e:
        rec["close"] = e.code
        if not rec["aborted"]:
            rec["failure"] = f"connection closed ({e.code} {e.reason})"
    except (OSError, websockets.exceptions.InvalidHandshake) as e:
        rec["failure"] = f"{type(e).__name__}: {e}"
    if rec["result"] is not None and ref is not None:
        doc = rec["result"]
        rec["speech_equal"] = doc.get("speech") == ref.get("speech")
        rec["moments_equal"] = doc.get("moments") == ref.get("moments")
        rec["difference"] = first_difference({"speech": doc.get("speech"), "moments": doc.get("moments")},
                                             {"speech": ref.get("speech"), "moments": ref.get("moments")})
    return rec


def part_streams(args, streams, refs):
    pcms = [pcm_of(f) for f in streams]
    server = Server(args, max(64, args.sessions + 8))
    try:
        with Sampler(server.pid, 1.0) as sampler:
            idle = sampler.samples[0] if sampler.samples else None
            t0 = time.monotonic()

            async def all_sessions():
                return await asyncio.gather(*[
                    stream_session(server, i, streams[i % len(streams)].name, pcms[i % len(streams)],
                                   refs[streams[i % len(streams)].name], args.ramp * i / max(1, args.sessions), args)
                    for i in range(args.sessions)])
            recs = asyncio.run(all_sessions())
            wall = time.monotonic() - t0
        time.sleep(1)
        metrics = server.metrics()
    finally:
        server.stop()
    samples = sampler.samples
    hwm = max((s["hwm"] for s in samples), default=float("nan"))
    peak_rss = max((s["rss"] for s in samples), default=float("nan"))
    cpu = samples[-1]["cpu"] - samples[0]["cpu"] if len(samples) >= 2 else float("nan")
    live = [s["delay"] for r in recs for s in r["segments"] if not s["at_finish"] and s["delay"] is not None]
    fin = [s["delay"] for r in recs for s in r["segments"] if s["at_finish"] and s["delay"] is not None]
    late = [x for r in recs for x in r["late"]]
    results = sum(r["result"] is not None for r in recs)
    speech_eq = sum(bool(r.get("speech_equal")) for r in recs)
    moments_eq = sum(bool(r.get("moments_equal")) for r in recs)
    both_eq = sum(bool(r.get("speech_equal") and r.get("moments_equal")) for r in recs)
    audio_s = sum(len(pcms[i % len(pcms)]) / 2 / RATE for i in range(args.sessions))
    print("## (a) Live streams\n")
    print(f"Server: `{server.command}`. {args.sessions} sessions, starts spread over {args.ramp:g} s, each one of "
          f"{len(streams)} 20-s recordings ({', '.join(f.name for f in streams)}) at real-time pace in 100-ms "
          f"pcm_s16le messages; results compared with `sentio analyze FILE --max-segment 4 -q` (`speech` and "
          f"`moments`). Wall {wall:.1f} s for {audio_s:.0f} s of audio.\n")
    print("| sessions | results | equal to the CLI: speech / moments / both | segment events (made final by `end`) "
          "| segment delay s: p50 / p95 / max | at `end`: p50 / p95 / max | sends behind schedule s: p50 / p95 / max "
          "(> 0.1 s) | server RSS MiB: idle / peak (VmHWM) | server CPU s (per audio s) |")
    print("|---|---|---|---|---|---|---|---|---|")
    print(f"| {args.sessions} | {results} | {speech_eq} / {moments_eq} / {both_eq} | {len(live) + len(fin)} ({len(fin)}) "
          f"| {pmm(live)} | {pmm(fin)} | {pmm(late, 3)} ({sum(x > 0.1 for x in late)}) "
          f"| {idle['rss'] if idle else float('nan'):.0f} / {peak_rss:.0f} ({hwm:.0f}) | {cpu:.1f} ({cpu / audio_s:.4f}) |")
    print()
    problems = []
    for r in recs:
        what = []
        if r["failure"]:
            what.append(r["failure"])
        if r["errors"]:
            what.append("error events: " + "; ".join(r["errors"][:3]))
        if r["bad_payload_id"]:
            what.append(f"{r['bad_payload_id']} events without the start's payload_id")
        if r["result"] is not None and r["close"] != 1000:
            what.append(f"closed with {r['close']} after the result (1000 expected)")
        if r["result"] is not None and not (r.get("speech_equal") and r.get("moments_equal")):
            what.append(f"result differs from the CLI ({r['file']}): {r.get('difference')}")
        if what:
            problems.append(f"session {r['index']}: " + "; ".join(what))
    events = {}
    for r in recs:
        for k, v in r["events"].items():
            events[k] = events.get(k, 0) + v
    print(f"Events received: {json.dumps(events, sort_keys=True)}; result after `end`: p50 / p95 / max "
          f"{pmm([r['result_at'] for r in recs if 'result_at' in r])} s.")
    for note in metrics_notes(metrics) + ([server.exit_note] if server.exit_note else []):
        print(f"\n{note}.")
    if metrics.get("sentio_sessions_open", 0) != 0:
        problems.append(f"sentio_sessions_open is {metrics['sentio_sessions_open']:.0f} after every session ended")
    if problems:
        print(f"\n{len(problems)} problem(s) (first 10):\n")
        for p in problems[:10]:
            print(f"- {p}")
    print()
    return not problems and results == args.sessions


# ---- (b) REST ---------------------------------------------------------------------------------------------
def strip_path(doc):
    doc = json.loads(json.dumps(doc))
    path = doc.get("input", {}).pop("path", None)
    return doc, path


def rest_client(server, body, deadline, ref, verdicts, lock, out, bad_every=0, pause=0.0):
    """POSTs until the deadline on one keep-alive connection; appends (status, latency, equal) to out."""
    conn = None
    n = 0
    while time.monotonic() < deadline:
        n += 1
        bad = bad_every and n % bad_every == 0
        payload = b"this is not a media file\n" * 40 if bad else body
        try:
            if conn is None:
                conn = http.client.HTTPConnection(server.host, server.port, timeout=120)
            t = time.monotonic()
            conn.request("POST", "/v1/analyze?name=clip.wav", body=payload,
                         headers=dict(server.headers(), **{"Content-Type": "application/octet-stream"}))
            r = conn.getresponse()
            data = r.read()
            latency = time.monotonic() - t
            if r.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException) as e:
            out.append({"status": f"{type(e).__name__}", "latency": None, "equal": None, "bad": bad})
            if conn:
                conn.close()
            conn = None
            time.sleep(0.2)
            continue
        equal = None
        if r.status == 200 and not bad:
            key = hashlib.sha256(data).hexdigest()
            with lock:
                known = verdicts.get(key)
            if known is None:
                try:
                    doc, path = strip_path(json.loads(data))
                    known = (doc == ref, path, first_difference(doc, ref))
                except ValueError:
                    known = (False, None, "not JSON")
                with lock:
                    verdicts[key] = known
            equal = known
        elif bad and r.status == 400:
            try:
                err = json.loads(data).get("error", {})
                equal = (err.get("code") == "bad_input" and bool(err.get("message")), None, f"error body {data[:100]!r}")
            except ValueError:
                equal = (False, None, f"error body not JSON: {data[:100]!r}")
        out.append({"status": r.status, "latency": latency, "equal": equal, "bad": bad})
        if pause:
            time.sleep(pause)
    if conn:
        conn.close()


def part_rest(args, clip, refs):
    body = clip.read_bytes()
    ref, _ = strip_path(refs[clip.name])
    server = Server(args, 64)
    try:
        with Sampler(server.pid, 1.0) as sampler:
            out, verdicts, lock = [], {}, threading.Lock()
            deadline = time.monotonic() + args.seconds
            t0 = time.monotonic()
            threads = [threading.Thread(target=rest_client, args=(server, body, deadline, ref, verdicts, lock, out))
                       for _ in range(args.clients)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(args.seconds + 300)
            wall = time.monotonic() - t0
        metrics = server.metrics()
    finally:
        server.stop()
    ok = [r for r in out if r["status"] == 200]
    statuses = {}
    for r in out:
        statuses[str(r["status"])] = statuses.get(str(r["status"]), 0) + 1
    equal = sum(1 for r in ok if r["equal"] and r["equal"][0])
    paths = {v[1] for v in verdicts.values()}
    samples = sampler.samples
    print("## (b) REST: POST /v1/analyze\n")
    print(f"Server: `{server.command}`. {args.clients} clients, each on one keep-alive connection, POST a 3-s "
          f"16-kHz WAV ({len(body)} bytes) to `/v1/analyze?name=clip.wav` for {args.seconds:g} s; answers "
          f"compared with `sentio analyze clip.wav -q` (whole document, input.path apart).\n")
    print("| clients | requests | requests/s | statuses | equal to the CLI | latency s: p50 / p95 / max "
          "| server RSS MiB: idle / peak (VmHWM) |")
    print("|---|---|---|---|---|---|---|")
    print(f"| {args.clients} | {len(out)} | {len(out) / wall:.1f} | {json.dumps(statuses, sort_keys=True)} "
          f"| {equal} / {len(ok)} | {pmm([r['latency'] for r in ok])} "
          f"| {samples[0]['rss'] if samples else float('nan'):.0f} / "
          f"{max((s['hwm'] for s in samples), default=float('nan')):.0f} |")
    print()
    problems = []
    if paths - {"clip.wav"}:
        problems.append(f"input.path of the answers: {sorted(map(str, paths))} (\"clip.wav\" expected)")
    for v in verdicts.values():
        if not v[0]:
            problems.append(f"an answer differs from the CLI document: {v[2]}")
    if len(ok) != len(out):
        problems.append(f"statuses other than 200: {statuses}")
    for note in metrics_notes(metrics) + ([server.exit_note] if server.exit_note else []):
        print(f"{note}.\n")
    for p in problems[:10]:
        print(f"- {p}")
    print()
    return not problems and len(out) > 0


# ---- (c) soak ---------------------------------------------------------------------------------------------
def part_soak(args, streams, clip, refs):
    pcms = {f.name: pcm_of(f) for f in streams}
    body = clip.read_bytes()
    ref_clip, _ = strip_path(refs[clip.name])
    server = Server(args, max(64, args.soak_sessions + 8))
    stats = {"completed": 0, "equal": 0, "aborted": 0, "failed": 0, "errors": [], "differences": [], "delays": []}
    rest_out = []
    try:
        sampler = Sampler(server.pid, 10.0)
        time.sleep(2)
        rest_before = sampler.sample()
        deadline = time.monotonic() + args.soak_minutes * 60

        async def loop(slot):
            rng = random.Random(slot)
            n = 0
            while time.monotonic() < deadline - 25:
                n += 1
                name = rng.choice(list(pcms))
                abort = rng.uniform(2, 8) if n % 4 == 0 else None
                r = await stream_session(server, slot * 100000 + n, name, pcms[name], refs[name], 0, args, abort)
                if r["aborted"]:
                    stats["aborted"] += 1
                elif r["failure"] or r["result"] is None:
                    stats["failed"] += 1
                    stats["errors"].append(r["failure"] or "; ".join(r["errors"]) or "no result")
                else:
                    stats["completed"] += 1
                    stats["delays"] += [(time.monotonic(), s["delay"]) for s in r["segments"]
                                        if not s["at_finish"] and s["delay"] is not None]
                    if r.get("speech_equal") and r.get("moments_equal"):
                        stats["equal"] += 1
                    else:
                        stats["differences"].append(r.get("difference"))
                await asyncio.sleep(rng.uniform(0, 1))

        async def soak():
            rest = threading.Thread(target=rest_client, args=(server, body, deadline, ref_clip, {}, threading.Lock(),
                                                              rest_out, 10, args.soak_interval))
            rest.start()
            await asyncio.gather(*[loop(i) for i in range(args.soak_sessions)])
            await asyncio.to_thread(rest.join, 300)

        with sampler:
            t0 = time.monotonic()
            asyncio.run(soak())
            wall = time.monotonic() - t0
            time.sleep(5)   # at rest again
        rest_after = sampler.sample()
        metrics = server.metrics()
    finally:
        server.stop()
    samples = [s for s in sampler.samples if s is not None]
    print("## (c) Soak\n")
    print(f"Server: `{server.command}`. {wall / 60:.1f} min: {args.soak_sessions} stream slots, each opening one session "
          f"after the other (a 20-s recording at real-time pace; every 4th dropped without `end` after 2-8 s), and one "
          f"client POSTing the 3-s WAV every {args.soak_interval:g} s (every 10th body not media). RSS and open fds "
          f"sampled every 10 s ({len(samples)} samples).\n")
    print("| measure | first | last | max | slope per hour (all) | slope per hour (second half) | at rest before / after |")
    print("|---|---|---|---|---|---|---|")
    half = samples[len(samples) // 2:]
    for key, label, fmt in (("rss", "RSS MiB", "{:.1f}"), ("fds", "open fds", "{:.0f}"), ("threads", "threads", "{:.0f}")):
        series = [(s["t"], s[key]) for s in samples]
        if not series:
            continue
        before = fmt.format(rest_before[key]) if rest_before else "-"
        after = fmt.format(rest_after[key]) if rest_after else "-"
        print(f"| {label} | {fmt.format(series[0][1])} | {fmt.format(series[-1][1])} | {fmt.format(max(v for _, v in series))} "
              f"| {slope_per_hour(series):+.2f} | {slope_per_hour([(s['t'], s[key]) for s in half]):+.2f} | {before} / {after} |")
    print()
    rest_status = {}
    for r in rest_out:
        key = str(r["status"]) + (" (not media)" if r["bad"] else "")
        rest_status[key] = rest_status.get(key, 0) + 1
    rest_ok = [r for r in rest_out if r["status"] == 200 and not r["bad"]]
    print(f"Streams: {stats['completed']} completed ({stats['equal']} equal to the CLI), {stats['aborted']} dropped, "
          f"{stats['failed']} failed. REST: {len(rest_out)} requests, statuses {json.dumps(rest_status, sort_keys=True)}, "
          f"{sum(1 for r in rest_ok if r['equal'] and r['equal'][0])} of {len(rest_ok)} answers equal to the CLI; "
          f"400 answers with a bad_input error body: "
          f"{sum(1 for r in rest_out if r['bad'] and r['equal'] and r['equal'][0])} of "
          f"{sum(1 for r in rest_out if r['bad'])}.")
    middle = (stats["delays"][0][0] + stats["delays"][-1][0]) / 2 if stats["delays"] else 0
    print(f"\nSegment delay s, p50 / p95 / max: first half {pmm([d for t, d in stats['delays'] if t <= middle])}, "
          f"second half {pmm([d for t, d in stats['delays'] if t > middle])} (sessions that ended with `end`).")
    for note in metrics_notes(metrics) + ([server.exit_note] if server.exit_note else []):
        print(f"\n{note}.")
    problems = [f"stream: {e}" for e in stats["errors"][:5]] + [f"differs from the CLI: {d}" for d in stats["differences"][:5]]
    wrong = [r for r in rest_out if not (r["equal"] and r["equal"][0])]
    if wrong:
        problems.append(f"{len(wrong)} REST answers not as expected (200 and the CLI document; 400 bad_input for a body "
                        f"that is not media), e.g. status {wrong[0]['status']}"
                        + (f": {wrong[0]['equal'][2]}" if wrong[0]["equal"] else ""))
    if metrics.get("sentio_sessions_open", 0) != 0:
        problems.append(f"sentio_sessions_open is {metrics['sentio_sessions_open']:.0f} at rest after the soak")
    if rest_before and rest_after and rest_after["fds"] > rest_before["fds"]:
        problems.append(f"open fds at rest grew from {rest_before['fds']} to {rest_after['fds']}")
    if problems:
        print()
        for p in problems:
            print(f"- {p}")
    print()
    return not problems


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("parts", nargs="*", metavar="PART", help="streams, rest, soak (default: all three)")
    ap.add_argument("--sentio", default=str(ROOT / "build" / "sentio"))
    ap.add_argument("--url", help="a running server (http://127.0.0.1:PORT); with --pid for RSS and fds")
    ap.add_argument("--pid", type=int)
    ap.add_argument("--token-file")
    ap.add_argument("--server-arg", action="append", default=[], help="extra `sentio serve` argument (repeat)")
    ap.add_argument("--start-timeout", type=float, default=300)
    ap.add_argument("--sessions", type=int, default=100)
    ap.add_argument("--ramp", type=float, default=2.0, help="seconds over which the session starts are spread")
    ap.add_argument("--result-timeout", type=float, default=300, help="seconds after a stream's audio for its result")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--soak-minutes", type=float, default=60)
    ap.add_argument("--soak-sessions", type=int, default=4)
    ap.add_argument("--soak-interval", type=float, default=2.0)
    ap.add_argument("--shared", default=os.environ.get("SENTIO_SHARED_DIR", str(ROOT.parent / "shared")))
    ap.add_argument("--cache", default=str(ROOT / ".cache" / "bench" / "serve_load"))
    args = ap.parse_args()
    parts = args.parts or ["streams", "rest", "soak"]
    for part in parts:
        if part not in ("streams", "rest", "soak"):
            ap.error(f"unknown part {part!r}: streams, rest or soak")
    args.sentio = str(Path(args.sentio).resolve())   # the CLI references run in the cache folder
    rav = Path(args.shared).resolve() / "data" / "ser" / "ravdess"
    if not (rav / "manifest.csv").exists():
        print(f"skipped: {rav} not found")
        return 0
    streams, clip, refs = make_inputs(Path(args.cache), rav, args.sentio)
    ok = True
    for part in parts:
        if part == "streams":
            ok &= part_streams(args, streams, refs)
        elif part == "rest":
            ok &= part_rest(args, clip, refs)
        else:
            ok &= part_soak(args, streams, clip, refs)
        sys.stdout.flush()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
