#!/usr/bin/env python3
"""Opens a sipsleuth HTML report in headless Chromium (driven through
ChromeDriver's WebDriver API, Python standard library only) and checks what a
user would: every call is listed, opening a call draws one arrow per message,
clicking an arrow shows that message's text, the filter box works, hostile
trace text stays text, and the page is not blank.

Exit status: 0 passed, 1 failed, 77 skipped (no Chromium outside CI)."""
import argparse
import base64
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zlib

SKIP = 77
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1280,900"]
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"


class WebDriver:
    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"
        self.session = None

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.loads(response.read() or b"{}").get("value")
        except urllib.error.HTTPError as e:
            raise RuntimeError(f"{method} {path}: {e.code} {e.read()[:500]!r}") from None

    def start(self, user_data_dir):
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": "/usr/bin/chromium", "args": CHROMIUM_ARGS + [f"--user-data-dir={user_data_dir}"]}}}}
        self.session = self.call("POST", "/session", caps)["sessionId"]

    def s(self, method, path, body=None):
        return self.call(method, f"/session/{self.session}{path}", body)

    def find_all(self, css, root=None):
        prefix = f"/element/{root}" if root else ""
        return [e[ELEMENT] for e in self.s("POST", f"{prefix}/elements", {"using": "css selector", "value": css})]

    def script(self, source, *args):
        return self.s("POST", "/execute/sync", {"script": source, "args": list(args)})


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def png_is_blank(png):
    """Decodes an 8-bit RGB/RGBA PNG and says whether it is (nearly) one colour."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width = 8, b"", 0
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        chunk = png[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", chunk[:10])
            assert depth == 8 and colour in (2, 6), f"unexpected PNG format {depth}/{colour}"
            bpp = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bpp
    previous = bytearray(stride)
    colours, other = {}, 0
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = previous[i]
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + ((a + b) >> 1)) & 255
            elif kind == 4:
                c = previous[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        previous = line
        for x in range(0, stride, bpp * 4):  # every fourth pixel is plenty
            pixel = bytes(line[x:x + 3])
            colours[pixel] = colours.get(pixel, 0) + 1
    total = sum(colours.values())
    background = max(colours.values())
    return len(colours) < 8 or (total - background) < total * 0.01


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sipsleuth", required=True)
    parser.add_argument("--out", required=True, help="folder for the report and the screenshot")
    args = parser.parse_args()
    in_ci = bool(os.environ.get("CI"))
    for tool in ("/usr/bin/chromium", "/usr/bin/chromedriver"):
        if not os.path.exists(tool):
            print(f"{tool} is missing (Debian packages chromium and chromium-driver; scripts/install-deps.sh installs them)")
            return 1 if in_ci else SKIP

    os.makedirs(args.out, exist_ok=True)
    inputs = ["tests/fixtures/conversation-hostile.uccapilog", "samples/seed001-mpop-call.uccapilog"]
    report = os.path.abspath(os.path.join(args.out, "report.html"))
    subprocess.run([args.sipsleuth, "report", "-q", "-o", report] + inputs, check=True)
    calls = [json.loads(line) for line in subprocess.run([args.sipsleuth, "calls", "--json"] + inputs, check=True,
                                                         capture_output=True, text=True).stdout.splitlines()]
    calls = [c for c in calls if c.get("type") == "call"]

    port = free_port()
    driver_log = open(os.path.join(args.out, "chromedriver.log"), "w")
    driver_process = subprocess.Popen(["/usr/bin/chromedriver", f"--port={port}"], stdout=driver_log,
                                      stderr=subprocess.STDOUT)
    profile = tempfile.mkdtemp(prefix="sipsleuth-chromium-")
    failures = []

    def check(condition, what):
        print(("ok   " if condition else "FAIL ") + what)
        if not condition:
            failures.append(what)

    try:
        wd = WebDriver(port)
        deadline = time.time() + 30
        while True:
            try:
                if wd.call("GET", "/status").get("ready"):
                    break
            except (OSError, RuntimeError):
                pass
            if time.time() > deadline:
                raise RuntimeError("chromedriver did not start")
            time.sleep(0.2)
        wd.start(profile)
        wd.s("POST", "/url", {"url": "file://" + report})

        rows = wd.find_all("tr.call")
        check(len(rows) == len(calls), f"the call list has {len(rows)} rows for {len(calls)} calls")
        for index, row in enumerate(rows):
            call_id = wd.s("GET", f"/element/{row}/text")
            call = next((c for c in calls if c["call_id"] in call_id), None)
            check(call is not None, f"row {index} names a call of the trace")
            if call is None:
                continue
            wd.s("POST", f"/element/{row}/click", {})
            arrows = wd.script("return arguments[0].nextElementSibling.querySelectorAll('g.msg').length;",
                               {ELEMENT: row})
            check(arrows == call["messages"], f"call {call['call_id']}: {arrows} arrows for {call['messages']} messages")
            wd.s("POST", f"/element/{row}/click", {})  # closes it again

        # Open the busy call of the hostile fixture and click its 486.
        busy = next(i for i, c in enumerate(calls) if c["outcome"] == "busy")
        row = wd.find_all("tr.call")[busy]
        wd.s("POST", f"/element/{row}/click", {})
        detail = wd.script("return arguments[0].nextElementSibling;", {ELEMENT: row})[ELEMENT]
        arrows = wd.find_all("g.msg", detail)
        labels = [wd.script("return arguments[0].textContent;", {ELEMENT: a}) for a in arrows]
        target = next(i for i, label in enumerate(labels) if "486 Busy Here" in label)
        wd.s("POST", f"/element/{arrows[target]}/click", {})
        shown = wd.s("GET", f"/element/{wd.find_all('.message', detail)[0]}/text")
        check("SIP/2.0 486 Busy Here" in shown, "clicking the 486 arrow shows its start line")
        check("ms-diagnostics" in shown and "1003" in shown, "the message view lists its headers")
        check('<img src=x onerror="window.__xss=1">' in shown, "a hostile header value is shown as text")
        check('"<script>window.__xss=1</script> Eve"' in shown, "a hostile display name is shown as text")
        check(wd.script("return document.querySelectorAll('.message img, .message script').length;") == 0,
              "no element was made from trace text")

        # The INVITE's SDP is set apart from its headers.
        invite = next(i for i, label in enumerate(labels) if "INVITE" in label)
        wd.s("POST", f"/element/{arrows[invite]}/click", {})
        sdp = wd.script("var h = arguments[0].querySelector('.message h4'); var b = arguments[0].querySelector('.message pre.body');"
                        "return [h ? h.textContent : '', b ? b.textContent : ''];", {ELEMENT: detail})
        check(sdp[0] == "SDP" and "m=audio 50020" in sdp[1], "the INVITE's SDP is shown under its own heading")
        check("inline:[masked]" in sdp[1], "the SRTP key is masked")

        screenshot = base64.b64decode(wd.s("GET", "/screenshot"))
        with open(os.path.join(args.out, "report.png"), "wb") as f:
            f.write(screenshot)
        check(not png_is_blank(screenshot), f"the screenshot is not blank ({os.path.join(args.out, 'report.png')})")

        # The filter box narrows the list.
        box = wd.find_all("#filter")[0]
        wd.s("POST", f"/element/{box}/value", {"text": "busy"})
        check(len(wd.find_all("tr.call")) == 1, "typing 'busy' in the filter leaves one call")
        check(wd.script("return window.__xss === undefined;"), "no script from the trace ran")
        wd.s("DELETE", "")
    except Exception as e:  # a broken browser set-up must fail the test, with the reason
        failures.append(f"{type(e).__name__}: {e}")
        print(f"FAIL {type(e).__name__}: {e}")
    finally:
        driver_process.terminate()
        try:
            driver_process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            driver_process.kill()
        shutil.rmtree(profile, ignore_errors=True)
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
