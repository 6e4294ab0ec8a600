"""Helpers for browser tests: a Streamlit server subprocess, Debian's Chromium, render waits.

Kept apart from the tests so that a benchmark or a one-off script can reuse them:

    with StreamlitServer(db_path, log_path) as server, launch_chromium() as (pw, browser):
        page = browser.new_page()
        page.goto(server.url("/fylker?fylke=46"))
        wait_for_render(page, charts=1)
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, Response, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SERVER_START_TIMEOUT_S = 60.0
RENDER_TIMEOUT_MS = 45_000
# The app counts as idle only after it has looked idle for this long (a rerun may start a few
# milliseconds after a click or a widget change, so one idle reading is not enough).
IDLE_STABLE_S = 0.6
APP = '[data-testid="stApp"]'
RUNNING_ICON = '[data-testid="stStatusWidget"] [data-testid="stStatusWidgetRunningIcon"]'
PLOTLY = ".js-plotly-plot"
EXCEPTION = '[data-testid="stException"]'


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class StreamlitServer:
    """``streamlit run dashboard.py`` on a free port, with its output in ``log_path``.

    ``env`` adds to (or overrides) the environment the server inherits, e.g.
    ``{"TRACKER_RELOAD_SECONDS": "2"}``; ``TRACKER_DB`` is always ``db_path``.
    """

    def __init__(
        self,
        db_path: Path,
        log_path: Path,
        *,
        port: int | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.db_path = Path(db_path)
        self.log_path = Path(log_path)
        self.port = port or free_port()
        self.env = dict(env or {})
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path_and_query: str = "/") -> str:
        return self.base_url + path_and_query

    def log(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no server log)"

    def start(self, timeout_s: float = SERVER_START_TIMEOUT_S) -> StreamlitServer:
        command = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "dashboard.py",
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(self.port),
            "--browser.gatherUsageStats",
            "false",
        ]
        env = {
            **os.environ,
            **self.env,
            "TRACKER_DB": str(self.db_path),
            "PYTHONUNBUFFERED": "1",
        }
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("wb") as log:
            # A file, not a pipe: a full pipe buffer would block the server.
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            self._wait_healthy(timeout_s)
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_healthy(self, timeout_s: float) -> None:
        assert self.process is not None
        health = self.url("/_stcore/health")
        deadline = time.monotonic() + timeout_s
        last_error = "no answer yet"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"Streamlit server exited with code {self.process.returncode} before it "
                    f"answered {health}.\n--- server log ---\n{self.log()}"
                )
            try:
                with urllib.request.urlopen(health, timeout=2) as response:
                    body = response.read().decode("utf-8", errors="replace").strip()
                if response.status == 200 and body == "ok":
                    return
                last_error = f"HTTP {response.status}: {body[:200]!r}"
            except (urllib.error.URLError, OSError) as exc:
                last_error = str(exc)
            time.sleep(0.25)
        raise RuntimeError(
            f"Streamlit server did not answer 'ok' at {health} within {timeout_s:.0f} s "
            f"(last: {last_error}).\n--- server log ---\n{self.log()}"
        )

    def stop(self, grace_s: float = 10.0) -> None:
        """Terminate the server; kill it when it does not exit within ``grace_s``."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=grace_s)

    def __enter__(self) -> StreamlitServer:
        return self.start() if self.process is None else self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


@contextlib.contextmanager
def launch_chromium(executable: str | None = CHROMIUM) -> Iterator[tuple[Playwright, Browser]]:
    """Debian's Chromium driven by Playwright (no Playwright-downloaded browser needed)."""
    if executable is None:
        raise RuntimeError("Chromium not found on PATH (Debian: apt-get install -y chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield playwright, browser
        finally:
            browser.close()


def app_is_idle(page: Page) -> bool:
    """The script has run at least once and is not running now; nothing shows 'running'."""
    app = page.locator(APP)
    if app.count() == 0:
        return False
    state = app.first.get_attribute("data-test-script-state")
    connection = app.first.get_attribute("data-test-connection-state")
    if state not in ("notRunning", "compilationError") or connection not in (None, "CONNECTED"):
        return False
    return not page.locator(RUNNING_ICON).is_visible()


def wait_for_idle(page: Page, timeout_ms: int = RENDER_TIMEOUT_MS) -> None:
    """Wait until the app has been idle for ``IDLE_STABLE_S`` without interruption."""
    deadline = time.monotonic() + timeout_ms / 1000
    idle_since: float | None = None
    while True:
        now = time.monotonic()
        if app_is_idle(page):
            idle_since = idle_since or now
            if now - idle_since >= IDLE_STABLE_S:
                return
        else:
            idle_since = None
        if now > deadline:
            app = page.locator(APP)
            state = app.first.get_attribute("data-test-script-state") if app.count() else None
            raise TimeoutError(
                f"Streamlit page {page.url} still running after {timeout_ms / 1000:.0f} s "
                f"(script state {state!r})"
            )
        page.wait_for_timeout(100)


def wait_for_render(page: Page, *, charts: int = 0, timeout_ms: int = RENDER_TIMEOUT_MS) -> None:
    """Wait for the app shell, the end of the script run and (optionally) ``charts`` Plotly plots.

    Plotly draws after the script run ends, so charts are waited for separately; the idle check
    runs again afterwards in case drawing a chart triggered another run. A Python exception box
    ends the wait at once (with its text) instead of running into the timeout.
    """
    page.wait_for_selector(APP, state="attached", timeout=timeout_ms)
    wait_for_idle(page, timeout_ms)
    if charts:
        try:
            page.wait_for_function(
                """([plot, exception, n]) =>
                    document.querySelector(exception) !== null ||
                    [...document.querySelectorAll(plot)]
                        .filter((el) => el.querySelector(".main-svg")).length >= n""",
                arg=[PLOTLY, EXCEPTION, charts],
                timeout=timeout_ms,
            )
        except PlaywrightTimeoutError as exc:
            drawn = page.locator(PLOTLY).count()
            raise TimeoutError(
                f"{page.url}: expected at least {charts} Plotly chart(s) within "
                f"{timeout_ms / 1000:.0f} s, found {drawn}"
            ) from exc
        wait_for_idle(page, timeout_ms)
    exceptions = page.locator(EXCEPTION)
    if exceptions.count():
        shown = "\n".join(exceptions.all_inner_texts())
        raise AssertionError(f"Python exception shown on {page.url}:\n{shown}")


#: Streamlit's frontend first asks for ``<page path>/_stcore/health`` and ``.../host-config`` on a
#: deep path such as /fylker and falls back to ``/_stcore/...`` after the 404. Chromium logs each
#: 404 as a console error; these two probes are the only ones that are expected.
STREAMLIT_PROBE = re.compile(r"^/(?:[^/?#]+/)+_stcore/(?:health|host-config)$")
RESOURCE_404 = "Failed to load resource: the server responded with a status of 404"


@dataclass
class ConsoleWatch:
    """Records console errors, uncaught page errors and failed responses of one browser page."""

    base_url: str
    errors: list[str] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)
    _resource_404: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> ConsoleWatch:
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        page.on("response", self._on_response)
        return self

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        url = (message.location or {}).get("url", "")
        if message.text.startswith(RESOURCE_404):
            self._resource_404.append(url)
        else:
            where = f" ({url})" if url else ""
            self.errors.append(f"console error: {message.text}{where}")

    def _on_response(self, response: Response) -> None:
        if response.status >= 400:
            self.failed.append((response.status, response.url))

    def is_known_probe(self, url: str) -> bool:
        """A Streamlit health/host-config probe below a page path on this server."""
        if not url.startswith(self.base_url + "/"):
            return False
        return STREAMLIT_PROBE.match(url[len(self.base_url) :]) is not None

    def unexpected(self) -> list[str]:
        """Every error except the generic 404 messages of known probes that really got a 404.

        A 404 console message is dropped only when a response with that URL came back 404 and
        that URL is a known probe; any other 404 (or one with no matching response) is kept.
        """
        probe_404s = {
            url for status, url in self.failed if status == 404 and self.is_known_probe(url)
        }
        unexplained = [
            f"console error: {RESOURCE_404} (Not Found) ({url or 'no url'})"
            for url in self._resource_404
            if url not in probe_404s
        ]
        return self.errors + unexplained
