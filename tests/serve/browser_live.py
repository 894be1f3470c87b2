#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Drives the live page of `sentio serve` in headless Chromium (Chrome DevTools Protocol) with a fake microphone.

  browser_live.py [BINARY_DIR] [--screenshot OUT.png] [--token] [--camera | --fake-video V.mjpeg] [--wav W.wav]
                  [--wait S]

BINARY_DIR holds the `sentio` binary (default: $SENTIO_BINARY_DIR, else /work/main/build). Starts
`sentio serve --port 0` on 127.0.0.1 with a temporary --results-dir (with --token: also --token-file, and the
page is opened with ?access_token=), then Chromium with a fake microphone playing a speech recording
(.cache/examples/conversation.wav when it exists, else one made with espeak-ng). Presses Start with the
keyboard, waits (at most --wait s, default 40) until the timeline shows a speech segment and the current
emotion is shown, clicks Stop and waits for the summary. With --camera the Camera box is ticked (keyboard) and
the fake camera's frames go out as tagged JPEG messages.

Fails (exit 1) on: any console error or warning or uncaught exception; any request to a host other than
127.0.0.1 (or a data:/blob: URL); an HTTP answer >= 400 to the page's requests; no segment on the timeline; an
empty current emotion or one without aria-live; no summary after Stop; an error shown on the page; a stream
message that breaks docs/SERVE.md (the first message sent must be `start`, the last `{"type":"end"}`, every
event must carry the start's payload_id, the last be the result); a blank screenshot. With --token it also
checks the answers of docs/SERVE.md "Security" (401 without the token, except /healthz, /live.js, /live.css).
Exit 77 (skipped) when Chromium or python3-websockets is missing. Every wait is bounded. Needs only Debian's
python3 and python3-websockets."""
import argparse, asyncio, base64, json, os, queue, re, shutil, signal, subprocess, sys, tempfile, threading, time
import http.client, urllib.error, urllib.parse, urllib.request
from pathlib import Path

SKIP = 77
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "tests" / "report"))
# Page (the DevTools client), png_stats and chromium_path come from the report's browser check; importing it
# exits with 77 when python3-websockets is missing.
from browser_check import Page, chromium_path, png_stats, skip  # noqa: E402
from browser_check import problems_in as report_problems_in  # noqa: E402

import websockets  # noqa: E402  (present: browser_check skipped otherwise)

LISTENING = re.compile(r"listening on http://([0-9.]+):(\d+)")


# ---- the server -------------------------------------------------------------------------------------------
class Server:
    """`sentio serve` on 127.0.0.1:0; its standard output is read by a thread (so it never blocks)."""

    def __init__(self, sentio, work, token_file=None, extra=()):
        cmd = [str(sentio), "serve", "--host", "127.0.0.1", "--port", "0", "--results-dir", str(work / "results")]
        if token_file:
            cmd += ["--token-file", str(token_file)]
        cmd += list(extra)
        (work / "results").mkdir(exist_ok=True)
        self.log = open(work / "server.log", "w")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self.log, text=True, bufsize=1)
        self.lines = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.cmd = cmd

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def wait_listening(self, timeout):
        """(host, port) from the `listening on` line, or raises RuntimeError."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                line = self.lines.get(timeout=max(0.05, min(1.0, end - time.monotonic())))
            except queue.Empty:
                continue
            if line is None:
                raise RuntimeError(f"the server exited ({self.proc.wait(5)}) before listening: {self.tail()}")
            m = LISTENING.search(line)
            if m:
                return m.group(1), int(m.group(2))
        raise RuntimeError(f"no 'listening on' line within {timeout} s: {self.tail()}")

    def tail(self):
        if not self.log.closed:
            self.log.flush()
        try:
            return Path(self.log.name).read_text()[-2000:]
        except OSError:
            return ""

    def stop(self):
        """SIGTERM (docs/SERVE.md: it stops the server); a problem, or None when it stopped cleanly."""
        problem = None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                code = self.proc.wait(15)
                if code != 0:
                    problem = (f"after SIGTERM the server exited with {code}" +
                               (" (killed by the signal: it was not handled)" if code == -signal.SIGTERM else ""))
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
                problem = "the server did not stop within 15 s of SIGTERM"
        else:
            problem = f"the server exited early with {self.proc.returncode}"
        self.log.close()
        return problem


def http_get(url, headers=None, timeout=10):
    """(status, body bytes) of a GET; 4xx/5xx are returned, not raised."""
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def upgrade_status(base, query="", headers=None):
    """The status answered to a WebSocket upgrade of /v1/stream (101 when accepted)."""
    u = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    try:
        conn.request("GET", "/v1/stream" + query, headers=dict(headers or {}, **{
            "Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
            "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode()}))
        return conn.getresponse().status
    finally:
        conn.close()


def check_token_answers(base, token):
    """The answers of docs/SERVE.md "Security" that need no browser."""
    found = []
    bearer = {"Authorization": "Bearer " + token}
    for path in ("/healthz", "/live.js", "/live.css"):   # not protected
        status, _ = http_get(base + path)
        if status != 200:
            found.append(f"GET {path} without a token: expected 200, got {status}")
    status, _ = http_get(base + "/metrics", bearer)
    if status != 200:
        found.append(f"GET /metrics with the token: expected 200, got {status}")
    for headers, what in (({}, "without a token"), ({"Authorization": "Bearer x" + token}, "with a wrong token")):
        status, _ = http_get(base + "/metrics", headers)
        if status != 401:
            found.append(f"GET /metrics {what}: expected 401, got {status}")
    q = "?access_token=" + urllib.parse.quote(token)
    for query, headers, expected, what in (("", None, 401, "without a token"),
                                           ("?access_token=x" + token[1:], None, 401, "with a wrong access_token"),
                                           (q, None, 101, "with ?access_token=TOKEN"),
                                           ("", bearer, 101, "with the bearer header")):
        status = upgrade_status(base, query, headers)
        if status != expected:
            found.append(f"WebSocket upgrade of /v1/stream {what}: expected {expected}, got {status}")
    status, _ = http_get(base + "/")
    if status != 401:
        found.append(f"GET / without a token: expected 401, got {status}")
    status, _ = http_get(base + "/?access_token=" + urllib.parse.quote(token))
    if status != 200:
        found.append(f"GET /?access_token=TOKEN: expected 200, got {status}")
    status, _ = http_get(base + "/metrics?access_token=" + urllib.parse.quote(token))
    if status != 401:
        found.append(f"GET /metrics?access_token=TOKEN (the parameter is for / and the upgrade only): expected 401, "
                     f"got {status}")
    return found


def speech_wav(work, given):
    """A speech recording for the fake microphone."""
    if given:
        return Path(given)
    example = ROOT / ".cache" / "examples" / "conversation.wav"
    if example.exists():
        return example
    if not shutil.which("espeak-ng"):
        skip("no speech recording: .cache/examples/conversation.wav is missing and espeak-ng is not installed")
    out = work / "speech.wav"
    text = ("I am so happy to see you again, this is wonderful news. "
            "But I am afraid the results were not what we hoped for. "
            "Why did nobody tell me about this before? This is not acceptable at all. "
            "Well, let us talk about it tomorrow, quietly, over a cup of tea.")
    subprocess.run(["espeak-ng", "-s", "140", "-w", str(out), text], check=True, timeout=60,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return out


# ---- the browser ------------------------------------------------------------------------------------------
def launch_chromium(chromium, work, wav, video=None):
    profile = work / "profile"
    proc = subprocess.Popen([chromium, "--headless=new", "--remote-debugging-port=0", f"--user-data-dir={profile}",
                             "--no-first-run", "--no-default-browser-check", "--disable-gpu", "--no-sandbox",
                             "--disable-extensions", "--disable-background-networking", "--disable-sync",
                             "--disable-component-update", "--mute-audio",
                             "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                             f"--use-file-for-fake-audio-capture={wav}"] +
                            ([f"--use-file-for-fake-video-capture={video}"] if video else []) + ["about:blank"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port_file = profile / "DevToolsActivePort"
    for _ in range(400):
        if port_file.exists() and port_file.read_text().strip():
            return proc, int(port_file.read_text().split()[0])
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    stop_process(proc)
    raise RuntimeError("Chromium did not open its DevTools port")


def stop_process(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def local_url(url):
    if url.startswith(("data:", "blob:")):
        return True
    return urllib.parse.urlsplit(url).hostname == "127.0.0.1"


def problems_in(events):
    """Console errors and warnings, exceptions, requests elsewhere than 127.0.0.1, failed loads."""
    found = report_problems_in(events, allowed_url=local_url, warnings=True)
    for e in events:
        m, p = e["method"], e.get("params", {})
        if m == "Network.webSocketCreated" and not local_url(p["url"]):
            found.append("WebSocket to another host: " + p["url"])
        elif m == "Network.responseReceived" and p["response"]["status"] >= 400:
            found.append(f"{p['response']['url']} answered {p['response']['status']}")
        elif m == "Network.loadingFailed" and not p.get("canceled"):
            found.append(f"a request failed: {p.get('errorText')} ({p.get('type')})")
    return found


def stream_problems(events, token):
    """What the page sent and received on /v1/stream, against docs/SERVE.md."""
    found, sockets = [], {}
    for e in events:
        m, p = e["method"], e.get("params", {})
        if m == "Network.webSocketCreated":
            sockets[p["requestId"]] = {"url": p["url"], "sent": [], "received": [], "closed": False}
        elif m in ("Network.webSocketFrameSent", "Network.webSocketFrameReceived") and p["requestId"] in sockets:
            f = p["response"]
            kind = "sent" if m.endswith("Sent") else "received"
            sockets[p["requestId"]][kind].append((f["opcode"], f["payloadData"]))
        elif m == "Network.webSocketClosed" and p["requestId"] in sockets:
            sockets[p["requestId"]]["closed"] = True
    streams = [s for s in sockets.values() if urllib.parse.urlsplit(s["url"]).path == "/v1/stream"]
    if len(streams) != 1:
        return [f"expected one WebSocket to /v1/stream, saw {len(streams)}: {[s['url'] for s in sockets.values()]}"], {}
    st = streams[0]
    if token and urllib.parse.parse_qs(urllib.parse.urlsplit(st["url"]).query).get("access_token") != [token]:
        found.append(f"the WebSocket URL does not carry access_token: {st['url']}")
    texts = [json.loads(d) for op, d in st["sent"] if op == 1]
    binary = [base64.b64decode(d) for op, d in st["sent"] if op == 2]
    if not st["sent"] or st["sent"][0][0] != 1 or texts[0].get("type") != "start":
        found.append("the first message sent is not the start message")
        return found, {}
    start = texts[0]
    pid = start.get("payload_id")
    if not isinstance(pid, str) or not 0 < len(pid.encode()) <= 128:
        found.append(f"bad payload_id in start: {pid!r}")
    if start.get("audio") != {"sample_rate": 16000, "channels": 1, "encoding": "pcm_s16le"}:
        found.append(f"start.audio is {start.get('audio')}")
    if texts[-1] != {"type": "end"}:
        found.append(f"the last text message sent is {texts[-1]}, not {{\"type\": \"end\"}}")
    tagged = "video" in start
    audio_bytes = 0
    for b in binary:
        if len(b) > 1 << 20:
            found.append(f"a binary message of {len(b)} bytes (more than 1 MiB)")
        body = b[1:] if tagged else b
        if tagged and b[0] not in (1, 2):
            found.append(f"a binary message with tag {b[0]}")
        if not tagged or b[0] == 1:
            audio_bytes += len(body)
            if len(body) % 2:
                found.append("an audio message that is not a whole number of s16 frames")
    events_in = []
    for op, d in st["received"]:
        if op != 1:
            found.append("a binary message from the server")
            continue
        try:
            ev = json.loads(d)
        except ValueError:
            found.append(f"a text message from the server that is not JSON: {d[:80]!r}")
            continue
        events_in.append(ev)
        if ev.get("payload_id") != pid:
            found.append(f"event {ev.get('type')} has payload_id {ev.get('payload_id')!r}, not {pid!r}")
    types = [ev.get("type") for ev in events_in]
    if "result" not in types:
        found.append("no result event received")
    elif types[-1] != "result":
        found.append(f"events after the result: {types[types.index('result') + 1:]}")
    elif not {"schema", "input"} <= set(events_in[-1]):
        found.append(f"the result event is not the document's fields (keys {sorted(events_in[-1])[:12]})")
    summary = {"audio_s": audio_bytes / 32000, "binary_messages": len(binary),
               "events": {t: types.count(t) for t in sorted(set(types), key=str)}}
    return found, summary


async def key_enter(page):
    for kind in ("keyDown", "keyUp"):
        params = {"type": kind, "key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13, "nativeVirtualKeyCode": 13}
        if kind == "keyDown":
            params["text"] = "\r"
        await page.call("Input.dispatchKeyEvent", **params)


async def click(page, selector):
    box = json.loads(await page.evaluate(
        f"JSON.stringify(document.querySelector({json.dumps(selector)}).getBoundingClientRect())"))
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    for kind in ("mousePressed", "mouseReleased"):
        await page.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)


async def wait_for(page, expression, timeout, what):
    """Polls a JS expression until it is truthy; fails fast when the page shows the error state."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = await page.evaluate(expression)
        if value:
            return value
        state = await page.evaluate("document.getElementById('state').getAttribute('data-state')")
        if state == "error":
            errors = await page.evaluate("document.getElementById('errors').innerText")
            raise AssertionError(f"the page went to the error state while waiting for {what}: {errors!r}")
        await asyncio.sleep(0.25)
    raise AssertionError(f"no {what} within {timeout} s")


STATE_JS = """JSON.stringify((function () {
  var cur = document.getElementById('current');
  return { state: document.getElementById('state').getAttribute('data-state'),
    stateText: document.getElementById('state').textContent,
    segments: document.querySelectorAll('#timeline rect.seg').length,
    cards: Array.prototype.map.call(cur.querySelectorAll('.card'), function (c) { return c.innerText.replace(/\\s+/g, ' '); }),
    ariaLive: cur.getAttribute('aria-live'),
    explanations: document.querySelectorAll('#explanations li').length,
    summary: document.getElementById('summary-section').hidden ? '' : document.getElementById('summary').innerText,
    errors: document.getElementById('errors').innerText,
    lanes: Array.prototype.map.call(document.querySelectorAll('#timeline text.lane'), function (t) { return t.textContent; }),
    legend: document.getElementById('legend').innerText.replace(/\\s+/g, ' ') };
})())"""


async def drive(devtools_port, url, args):
    with urllib.request.urlopen(f"http://127.0.0.1:{devtools_port}/json/list", timeout=10) as r:
        targets = [t for t in json.load(r) if t["type"] == "page"]
    failures = []
    async with websockets.connect(targets[0]["webSocketDebuggerUrl"], max_size=None) as ws:
        page = Page(ws)
        reader = asyncio.create_task(page.reader())
        for domain in ("Runtime", "Log", "Network", "Page"):
            await page.call(domain + ".enable")
        await page.call("Emulation.setDeviceMetricsOverride", width=1280, height=900, deviceScaleFactor=1, mobile=False)
        try:
            failures += await run_page(page, url, args)
        except AssertionError as e:
            failures.append(str(e))
        failures += problems_in(page.events)
        found, summary = stream_problems(page.events, args.token_value)
        failures += found
        print("stream:", json.dumps(summary))
        if args.screenshot:
            failures += await screenshot(page, args.screenshot)
        reader.cancel()
    return failures


async def run_page(page, url, args):
    """Start, wait for a segment and the current emotion, Stop, wait for the summary; returns the failures."""
    failures = []
    since = len(page.events)
    await page.call("Page.navigate", url=url)
    await page.wait_event("Page.loadEventFired", since, timeout=30)
    await wait_for(page, "document.documentElement.getAttribute('data-ready') === 'true'", 10, "page script")
    if args.camera:   # tick the box with the keyboard: focus, then Space
        await page.evaluate("document.getElementById('camera').focus(), true")
        for kind in ("keyDown", "keyUp"):
            await page.call("Input.dispatchKeyEvent", type=kind, key=" ", code="Space", windowsVirtualKeyCode=32,
                            **({"text": " "} if kind == "keyDown" else {}))
        if not await page.evaluate("document.getElementById('camera').checked"):
            raise AssertionError("Space on the Camera checkbox did not tick it")
    # Start with the keyboard (the button has the focus, Enter presses it), Stop with the mouse.
    await page.evaluate("document.getElementById('toggle').focus(), true")
    await key_enter(page)
    t0 = time.monotonic()
    await wait_for(page, "document.getElementById('state').getAttribute('data-state') !== 'idle'", 5,
                   "reaction to Enter on the Start button")
    await wait_for(page, "document.querySelectorAll('#timeline rect.seg').length > 0 && "
                   "document.querySelectorAll('#current .card').length > 0", args.wait,
                   "segment on the timeline and current emotion")
    shown = time.monotonic() - t0
    await asyncio.sleep(args.extra)   # a few more events
    live = json.loads(await page.evaluate(STATE_JS))
    await click(page, "#toggle")
    await wait_for(page, "document.getElementById('state').getAttribute('data-state') === 'done' && "
                   "!document.getElementById('summary-section').hidden", 60, "summary after Stop")
    done = json.loads(await page.evaluate(STATE_JS))
    await asyncio.sleep(0.5)   # late errors
    print(f"first segment and current emotion shown {shown:.1f} s after Start")
    print("while streaming:", json.dumps(live))
    print("after the result:", json.dumps(done))
    if live["segments"] < 1:
        failures.append("no segment on the timeline while streaming")
    if done["segments"] < 1:
        failures.append("no segment on the timeline after the result")
    if not live["cards"] or not all(c.strip() for c in live["cards"]):
        failures.append("the current emotion is empty")
    if live["ariaLive"] not in ("polite", "assertive"):
        failures.append(f"the current emotion has aria-live={live['ariaLive']!r}")
    if not done["summary"].strip():
        failures.append("the summary is empty")
    if done["errors"].strip() or live["errors"].strip():
        failures.append("the page shows an error: " + (live["errors"] + " " + done["errors"]).strip())
    return failures


async def screenshot(page, path):
    metrics = await page.call("Page.getLayoutMetrics")
    size = metrics.get("cssContentSize", metrics.get("contentSize"))
    height = min(int(size["height"]), 6000)
    shot = await page.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                           clip={"x": 0, "y": 0, "width": 1280, "height": height, "scale": 1})
    data = base64.b64decode(shot["data"])
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_bytes(data)
    w, h, colours, inked = png_stats(data)
    print(f"screenshot: {path} {w}x{h}, {colours} distinct colours, {inked:.1%} inked")
    if colours < 12 or inked < 0.05:
        return [f"screenshot looks blank ({colours} colours, {inked:.1%} inked)"]
    return []


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("binary_dir", nargs="?", default=os.environ.get("SENTIO_BINARY_DIR", str(ROOT / "build")))
    ap.add_argument("--screenshot", default=None, help="PNG to write (default BINARY_DIR/serve_live.png)")
    ap.add_argument("--token", action="store_true", help="start the server with --token-file; open ?access_token=")
    ap.add_argument("--wav", help="speech recording for the fake microphone")
    ap.add_argument("--wait", type=float, default=40, help="seconds to wait for the first segment (default 40)")
    ap.add_argument("--extra", type=float, default=6, help="seconds of streaming after the first segment (default 6)")
    ap.add_argument("--camera", action="store_true", help="tick Camera too (the fake camera's frames are sent)")
    ap.add_argument("--fake-video", help="Y4M or MJPEG file for the fake camera (implies --camera; default: "
                    "Chromium's test pattern, which has no face)")
    ap.add_argument("--start-timeout", type=float, default=300, help="seconds to wait for the server to listen")
    args = ap.parse_args()
    args.camera = args.camera or bool(args.fake_video)
    if args.screenshot is None:
        args.screenshot = str(Path(args.binary_dir) / "serve_live.png")
    chromium = chromium_path()
    if not chromium:
        skip("chromium is not installed (apt-get install chromium, or run scripts/setup)")
    sentio = Path(args.binary_dir) / "sentio"
    if not sentio.exists():
        print(f"FAILED: {sentio} not found")
        return 1
    work = Path(tempfile.mkdtemp(prefix="sentio-live-"))
    server = browser = None
    failures = []
    try:
        wav = speech_wav(work, args.wav)
        token_file = None
        args.token_value = None
        if args.token:
            args.token_value = "live-test-" + os.urandom(12).hex()
            token_file = work / "token"
            token_file.write_text(args.token_value + "\n")
        server = Server(sentio, work, token_file)
        host, port = server.wait_listening(args.start_timeout)
        if host != "127.0.0.1":
            failures.append(f"the server listens on {host}, not 127.0.0.1")
        base = f"http://127.0.0.1:{port}"
        print(f"server: {' '.join(server.cmd)} -> {base}; fake microphone: {wav}")
        if args.token:
            failures += check_token_answers(base, args.token_value)
        url = base + "/" + ("?access_token=" + urllib.parse.quote(args.token_value) if args.token else "")
        browser, devtools_port = launch_chromium(chromium, work, wav, args.fake_video and Path(args.fake_video).resolve())
        failures += asyncio.run(asyncio.wait_for(drive(devtools_port, url, args), args.wait + 180))
    except Exception as e:  # noqa: BLE001  (any failure is reported, then everything is stopped)
        failures.append(f"{type(e).__name__}: {e}")
    finally:
        if browser:
            stop_process(browser)
        if server:
            problem = server.stop()
            if problem:
                failures.append(problem)
            if failures:
                print("server log (end):\n" + server.tail())
        shutil.rmtree(work, ignore_errors=True)
    for f in failures:
        print("FAILED:", f)
    if not failures:
        print("OK: segments drawn, current emotion shown, summary after Stop, protocol followed, no errors, "
              "no request elsewhere than 127.0.0.1")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
