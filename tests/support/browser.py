"""Helpers for browser tests: Debian's Chromium through Playwright, render waits, console watch.

The server they talk to is :class:`support.server.StreamlitServer`::

    with StreamlitServer(db_path, log_path) as server, launch_chromium() as (pw, browser):
        page = browser.new_page()
        page.goto(server.url(f"{url_path(COUNTIES)}?{COUNTY}=46"))
        wait_for_render(page, charts=1)
"""

from __future__ import annotations

import contextlib
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, Response, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

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
RENDER_TIMEOUT_MS = 45_000
# The app counts as idle only after it has looked idle for this long (a rerun may start a few
# milliseconds after a click or a widget change, so one idle reading is not enough).
IDLE_STABLE_S = 0.6
APP = '[data-testid="stApp"]'
RUNNING_ICON = '[data-testid="stStatusWidget"] [data-testid="stStatusWidgetRunningIcon"]'
PLOTLY = ".js-plotly-plot"
EXCEPTION = '[data-testid="stException"]'


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
