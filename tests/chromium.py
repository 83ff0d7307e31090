"""Open a page in headless Chromium and report what went wrong in it.

Talks to Chromium over ``--remote-debugging-pipe`` (the DevTools protocol as NUL-terminated
JSON on file descriptors 3 and 4), so it needs nothing but the standard library. Collects
uncaught exceptions, console errors and failed loads from the page and its same-process
frames (such as an ``<iframe srcdoc>`` map), and evaluates a few checks once it has loaded.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-pipe",
)


def find_chromium() -> str | None:
    """The Chromium executable, or None."""
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


@dataclass
class PageCheck:
    """What happened while a page loaded."""

    errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    requested_urls: list[str] = field(default_factory=list)
    """Every URL the page and its frames asked for (DevTools ``Network.requestWillBeSent``),
    whether it loaded or not: ``file:`` and ``data:`` ones stay on the machine."""
    values: dict[str, Any] = field(default_factory=dict)


class _Pipe:
    def __init__(self, proc: subprocess.Popen[bytes], write_fd: int, read_fd: int) -> None:
        self.proc, self.write_fd, self.read_fd = proc, write_fd, read_fd
        self.buffer = b""
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, params: dict[str, Any] | None = None, session: str = "") -> int:
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.write_fd, json.dumps(message).encode() + b"\0")
        return self.next_id

    def _read_one(self, deadline: float) -> dict[str, Any] | None:
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.read_fd], [], [], min(left, 0.5))
            if ready:
                chunk = os.read(self.read_fd, 1 << 20)
                if not chunk:
                    raise RuntimeError("chromium closed the DevTools pipe")
                self.buffer += chunk
            elif self.proc.poll() is not None:
                raise RuntimeError(f"chromium exited with status {self.proc.returncode}")
        raw, _, self.buffer = self.buffer.partition(b"\0")
        message: dict[str, Any] = json.loads(raw)
        return message

    def call(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        session: str = "",
        timeout: float = 30,
    ) -> dict[str, Any]:
        want = self.send(method, params, session)
        deadline = time.monotonic() + timeout
        while True:
            message = self._read_one(deadline)
            if message is None:
                raise TimeoutError(f"no answer to {method} within {timeout} s")
            if message.get("id") == want:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result
            self.events.append(message)

    def wait_for(self, method: str, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        if any(e.get("method") == method for e in self.events):
            return True
        while True:
            message = self._read_one(deadline)
            if message is None:
                return False
            self.events.append(message)
            if message.get("method") == method:
                return True

    def drain(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while (message := self._read_one(deadline)) is not None:
            self.events.append(message)


def _high_pipe() -> tuple[int, int]:
    """A pipe whose ends are numbered 100 or above, clear of the 3 and 4 Chromium wants."""
    r, w = os.pipe()
    high = (fcntl.fcntl(r, fcntl.F_DUPFD_CLOEXEC, 100), fcntl.fcntl(w, fcntl.F_DUPFD_CLOEXEC, 100))
    os.close(r)
    os.close(w)
    return high


def check_page(
    path: Path,
    expressions: dict[str, str],
    timeout: float = 60.0,
    settle_s: float = 1.5,
    screenshot: Path | None = None,
) -> PageCheck:
    """Load ``path`` in headless Chromium, then evaluate ``expressions`` (name -> JavaScript).

    Returns the errors seen (uncaught exceptions, ``console.error`` calls, error log entries),
    the requests made and those that failed, and the values of the expressions; writes a PNG
    of the viewport to ``screenshot`` if given.
    """
    exe = find_chromium()
    if exe is None:
        raise FileNotFoundError("chromium is not installed")
    to_child_r, to_child_w = _high_pipe()
    from_child_r, from_child_w = _high_pipe()
    with tempfile.TemporaryDirectory(prefix="corridor-chromium-") as profile:
        args = [*CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"]
        # the shell puts the pipe ends on the descriptors 3 and 4 that Chromium expects
        shell = (
            f'exec "$0" "$@" 3<&{to_child_r} 4>&{from_child_w} {to_child_r}<&- {from_child_w}>&-'
        )
        proc = subprocess.Popen(
            ["bash", "-c", shell, exe, *args],
            pass_fds=(to_child_r, from_child_w),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=None if os.environ.get("CORRIDOR_CHROMIUM_DEBUG") else subprocess.DEVNULL,
        )
        os.close(to_child_r)
        os.close(from_child_w)
        pipe = _Pipe(proc, to_child_w, from_child_r)
        try:
            target = pipe.call("Target.createTarget", {"url": "about:blank"}, timeout=timeout)
            session = pipe.call(
                "Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}
            )["sessionId"]
            for domain in ("Runtime", "Log", "Page", "Network"):
                pipe.call(f"{domain}.enable", session=session)
            pipe.call("Page.navigate", {"url": path.resolve().as_uri()}, session=session)
            loaded = pipe.wait_for("Page.loadEventFired", timeout)
            pipe.drain(settle_s)
            check = PageCheck()
            if not loaded:
                check.errors.append(f"the page did not finish loading within {timeout} s")
            for name, js in expressions.items():
                result = pipe.call(
                    "Runtime.evaluate",
                    {"expression": js, "returnByValue": True, "awaitPromise": True},
                    session=session,
                )
                if "exceptionDetails" in result:
                    check.errors.append(f"evaluating {name}: {result['exceptionDetails']}")
                check.values[name] = result.get("result", {}).get("value")
            if screenshot is not None:
                shot = pipe.call("Page.captureScreenshot", {"format": "png"}, session=session)
                screenshot.write_bytes(base64.b64decode(shot["data"]))
            _collect(pipe.events, check)
            with contextlib.suppress(RuntimeError, TimeoutError):
                pipe.call("Browser.close", timeout=10)
        finally:
            os.close(to_child_w)
            os.close(from_child_r)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    return check


def _collect(events: list[dict[str, Any]], check: PageCheck) -> None:
    urls = {
        e["params"]["requestId"]: e["params"]["request"]["url"]
        for e in events
        if e.get("method") == "Network.requestWillBeSent"
    }
    check.requested_urls = [
        e["params"]["request"]["url"]
        for e in events
        if e.get("method") == "Network.requestWillBeSent"
    ]
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            text = details.get("exception", {}).get("description") or details.get("text")
            check.errors.append(f"uncaught exception: {text}")
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            args = [a.get("value", a.get("description", "")) for a in params.get("args", [])]
            check.errors.append(f"console.{params['type']}: {' '.join(map(str, args))}")
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            check.errors.append(
                f"log ({entry.get('source')}): {entry.get('text')} {entry.get('url', '')}"
            )
        elif method == "Network.loadingFailed":
            url = urls.get(params.get("requestId"), "?")
            check.failed_requests.append(f"{params.get('errorText')}: {url}")
