#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Opens a Sentio HTML report in headless Chromium (Chrome DevTools Protocol) and checks it like a reader would.

  browser_check.py REPORT.html [--screenshot OUT.png] [--persons P1,P2] [--runs N]
  browser_check.py --sentio BIN --document RESULT.json [--with-media] [...]   (makes the report first, in a
      temporary folder; --with-media also makes a 30-s test video for it with ffmpeg, linked with --media)

Fails (exit 1) on any console error or uncaught exception, any request that is not file: or data:, a missing
part (data-testid overview, timeline, moments, transcript, faces), a missing data-person series, or a blank
screenshot; with a player, pressing Enter on the first moment must seek the media to the moment's start, and
every face track must have its thumbnail. Prints the page's timings (navigation start to load event end, first paint); with --runs N it loads
the page N times and prints the medians (bench/report.sh). Exit 77 (skipped) when Chromium or python3-websockets
is missing, with the reason. Needs only Debian's python3 and python3-websockets."""
import argparse, asyncio, json, os, shutil, statistics, struct, subprocess, sys, tempfile, time, urllib.request, zlib
from pathlib import Path

SKIP = 77
PARTS = ["overview", "timeline", "moments", "transcript", "faces"]


def skip(reason):
    print(f"SKIPPED: {reason}")
    sys.exit(SKIP)


try:
    import websockets
except ImportError:
    skip("python3-websockets is not installed (apt-get install python3-websockets, or run scripts/setup)")


def chromium_path():
    for candidate in (os.environ.get("SENTIO_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


def png_stats(data):
    """(width, height, distinct colours among sampled pixels, fraction of non-white sampled pixels)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, ctype = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and ctype in (2, 6), f"unexpected PNG format {depth}/{ctype}"
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bpp
    prev = bytearray(stride)
    colours, sampled, inked = set(), 0, 0
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        prev = line
        if y % 3 == 0:
            for x in range(0, width, 3):
                px = tuple(line[x * bpp:x * bpp + 3])
                colours.add(px)
                sampled += 1
                if sum(px) < 720:
                    inked += 1
    return width, height, len(colours), inked / max(1, sampled)


class Page:
    def __init__(self, ws):
        self.ws, self.next_id, self.events, self.waiters = ws, 0, [], {}

    async def reader(self):
        async for message in self.ws:
            msg = json.loads(message)
            if "id" in msg and msg["id"] in self.waiters:
                self.waiters.pop(msg["id"]).set_result(msg)
            elif "method" in msg:
                self.events.append(msg)

    async def call(self, method, **params):
        self.next_id += 1
        fut = asyncio.get_running_loop().create_future()
        self.waiters[self.next_id] = fut
        await self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        msg = await asyncio.wait_for(fut, 60)
        if "error" in msg:
            raise RuntimeError(f"{method}: {msg['error']}")
        return msg.get("result", {})

    async def evaluate(self, expression):
        r = await self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in r:
            raise RuntimeError(f"evaluate {expression!r}: {r['exceptionDetails']}")
        return r["result"].get("value")

    async def wait_event(self, method, since, timeout=60):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if any(e["method"] == method for e in self.events[since:]):
                return
            await asyncio.sleep(0.01)
        raise TimeoutError(f"no {method} within {timeout} s")


async def check_player(page):
    """The player is there, has read the media's metadata, and Enter on the first moment row seeks to it."""
    found = []
    for _ in range(200):
        state = await page.evaluate("(function () { var m = document.querySelector('#player video, #player audio');"
                                    " return m ? m.readyState : -1; })()")
        if state is None or state != 0:
            break
        await asyncio.sleep(0.05)
    if state is None or state < 1:
        return [f"media player missing or its metadata not loaded (readyState {state})"]
    result = json.loads(await page.evaluate("""JSON.stringify((function () {
      var row = document.querySelector('#moments-table tbody tr[tabindex]');
      var media = document.querySelector('#player video, #player audio');
      var view = JSON.parse(document.getElementById('sentio-view').textContent);
      row.focus();
      row.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
      return { focused: document.activeElement === row, time: media.currentTime, start: view.moments[0].start,
               thumbs: document.querySelectorAll('.face img').length, tracks: view.faces.tracks.length };
    })())"""))
    if not result["focused"]:
        found.append("the first moment row cannot take the keyboard focus")
    if abs(result["time"] - result["start"]) > 0.05:
        found.append(f"Enter on the first moment did not seek to {result['start']} s (media at {result['time']} s)")
    if result["thumbs"] != result["tracks"]:
        found.append(f"{result['thumbs']} thumbnails for {result['tracks']} face tracks")
    print(f"player: Enter on the first moment seeks to {result['time']:.2f} s; {result['thumbs']} thumbnails")
    return found


def problems_in(events, allowed_url=lambda url: url.startswith(("file:", "data:")), warnings=False):
    """Uncaught exceptions, console and browser errors (and warnings, with `warnings`), and requests to URLs
    that `allowed_url` refuses."""
    levels = ("error", "assert", "warning") if warnings else ("error", "assert")
    found = []
    for e in events:
        m, p = e["method"], e.get("params", {})
        if m == "Runtime.exceptionThrown":
            d = p["exceptionDetails"]
            found.append("uncaught exception: " + d.get("exception", {}).get("description", d.get("text", "")))
        elif m == "Runtime.consoleAPICalled" and p.get("type") in levels:
            found.append(f"console {p['type']}: " +
                         " ".join(str(a.get("value", a.get("description", ""))) for a in p["args"]))
        elif m == "Log.entryAdded" and p["entry"]["level"] in levels:
            found.append(f"browser {p['entry']['level']} ({p['entry'].get('source')}): {p['entry']['text']}")
        elif m == "Network.requestWillBeSent" and not allowed_url(p["request"]["url"]):
            found.append("network request: " + p["request"]["url"])
    return found


async def check(args, port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list") as r:
        targets = [t for t in json.load(r) if t["type"] == "page"]
    async with websockets.connect(targets[0]["webSocketDebuggerUrl"], max_size=None) as ws:
        page = Page(ws)
        reader = asyncio.create_task(page.reader())
        for domain in ("Runtime", "Log", "Network", "Page"):
            await page.call(domain + ".enable")
        await page.call("Emulation.setDeviceMetricsOverride", width=1280, height=900, deviceScaleFactor=1, mobile=False)
        url = Path(args.report).resolve().as_uri()
        timings, failures = [], []
        for run in range(args.runs):
            since = len(page.events)
            await page.call("Page.navigate", url=url)
            await page.wait_event("Page.loadEventFired", since)
            for _ in range(100):  # paint timings are recorded once the first frame is presented
                if await page.evaluate("performance.getEntriesByType('paint').length"):
                    break
                await asyncio.sleep(0.02)
            t = json.loads(await page.evaluate("""JSON.stringify((function () {
              var n = performance.getEntriesByType('navigation')[0];
              var p = {}; performance.getEntriesByType('paint').forEach(function (e) { p[e.name] = e.startTime; });
              return {load: n.loadEventEnd, dcl: n.domContentLoadedEventEnd, fp: p['first-paint'] || 0,
                      fcp: p['first-contentful-paint'] || 0, ready: document.documentElement.getAttribute('data-ready')};
            })())"""))
            if not t["load"]:  # loadEventEnd is set after the load handlers: read again
                await asyncio.sleep(0.05)
                t["load"] = await page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
            timings.append(t)
        await asyncio.sleep(0.3)  # late errors (media, images)
        failures += problems_in(page.events)
        if timings[-1]["ready"] != "true":
            failures.append("the page script did not finish (no data-ready)")
        for part in PARTS:
            n = await page.evaluate(f"(function () {{ var s = document.querySelector('section[data-testid=\"{part}\"]');"
                                    f" return s ? s.innerText.trim().length : -1; }})()")
            if n is None or n < 0:
                failures.append(f"part {part}: missing")
            elif n < 20:
                failures.append(f"part {part}: empty ({n} characters)")
        persons = [p for p in (args.persons or "").split(",") if p]
        if args.persons is None:
            persons = await page.evaluate("(JSON.parse(document.getElementById('sentio-view').textContent).persons || [])"
                                          ".map(function (p) { return p.id; })")
        for p in persons:
            n = await page.evaluate(f"document.querySelectorAll('svg.series[data-person=\"{p}\"] rect.seg').length")
            if not n:
                failures.append(f"no timeline series with data-person=\"{p}\" (or it draws nothing)")
        counts = await page.evaluate("""JSON.stringify({svg: document.querySelectorAll('svg').length,
          rows: document.querySelectorAll('#moments-table tbody tr').length,
          utterances: document.querySelectorAll('.utt').length, thumbnails: document.querySelectorAll('.face img').length,
          notes: Array.prototype.map.call(document.querySelectorAll('.note'), function (n) { return n.textContent; })})""")
        print("page:", counts)
        if args.with_media:
            failures += await check_player(page)
        if args.screenshot:
            metrics = await page.call("Page.getLayoutMetrics")
            size = metrics.get("cssContentSize", metrics.get("contentSize"))
            height = min(int(size["height"]), args.max_height)
            shot = await page.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                                   clip={"x": 0, "y": 0, "width": 1280, "height": height, "scale": 1})
            import base64
            data = base64.b64decode(shot["data"])
            Path(args.screenshot).write_bytes(data)
            w, h, colours, inked = png_stats(data)
            print(f"screenshot: {args.screenshot} {w}x{h}, {colours} distinct colours, {inked:.1%} inked")
            if colours < 12 or inked < 0.05:
                failures.append(f"screenshot looks blank ({colours} colours, {inked:.1%} inked)")
        reader.cancel()
    load = [t["load"] for t in timings]
    fcp = [t["fcp"] or t["fp"] for t in timings]
    interactive = [max(a, b) for a, b in zip(load, fcp)]
    print(f"timing over {len(timings)} load(s): load event end median {statistics.median(load):.0f} ms, "
          f"first contentful paint median {statistics.median(fcp):.0f} ms, "
          f"interactive (later of the two) median {statistics.median(interactive):.0f} ms")
    return failures


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("report", nargs="?")
    ap.add_argument("--sentio", help="sentio binary: make the report from --document first")
    ap.add_argument("--document", help="result document to make the report from (with --sentio)")
    ap.add_argument("--screenshot")
    ap.add_argument("--persons", help="comma-separated person ids to expect (default: those of the document)")
    ap.add_argument("--with-media", action="store_true", help="with --sentio: make a test video and link it")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--max-height", type=int, default=6000)
    args = ap.parse_args()
    chromium = chromium_path()
    if not chromium:
        skip("chromium is not installed (apt-get install chromium, or run scripts/setup)")
    work = Path(tempfile.mkdtemp(prefix="sentio-browser-"))
    try:
        if args.sentio:
            args.report = str(work / "report.html")
            extra = []
            if args.with_media:
                if not shutil.which("ffmpeg"):
                    skip("ffmpeg is not installed (needed for --with-media)")
                media = work / "media" / "meeting.webm"
                media.parent.mkdir()
                subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x180:rate=10", "-f", "lavfi",
                                "-i", "sine=frequency=440", "-t", "30", "-c:v", "libvpx", "-deadline", "realtime",
                                "-cpu-used", "8", "-b:v", "200k", "-c:a", "libopus", str(media)], check=True)
                extra = ["--media", str(media)]
            r = subprocess.run([args.sentio, "report", args.document, "-o", args.report] + extra, capture_output=True,
                               text=True)
            if r.returncode != 0:
                print(f"FAILED: sentio report exited {r.returncode}: {r.stderr}")
                return 1
        if not args.report:
            ap.error("give REPORT.html, or --sentio and --document")
        profile = work / "profile"
        proc = subprocess.Popen([chromium, "--headless=new", "--remote-debugging-port=0", f"--user-data-dir={profile}",
                                 "--no-first-run", "--no-default-browser-check", "--disable-gpu", "--no-sandbox",
                                 "--disable-extensions", "--disable-background-networking", "--disable-sync",
                                 "--disable-component-update", "--mute-audio", "about:blank"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            port_file = profile / "DevToolsActivePort"
            for _ in range(300):
                if port_file.exists() and port_file.read_text().strip():
                    break
                time.sleep(0.05)
            else:
                print("FAILED: Chromium did not open its DevTools port")
                return 1
            port = int(port_file.read_text().split()[0])
            failures = asyncio.run(check(args, port))
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for f in failures:
        print("FAILED:", f)
    if not failures:
        print("OK: parts, series, no errors, no network requests, screenshot not blank")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
