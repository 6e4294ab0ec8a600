"""The county map in a real browser: drawn from the shipped boundaries, with nothing fetched from
the internet (Plotly's geo charts would ask a CDN for topojson; ours must not ask anyone).

Writes test-output/screenshots/overview-kart.png for review.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Request
from support.browser import CHROMIUM, PLOTLY, ConsoleWatch, launch_chromium, wait_for_render
from support.chromium import SCREENSHOTS  # skips this module without chromium
from support.server import StreamlitServer

from tracker.app.contract import MAP_VIEW, OVERVIEW, url_path

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1920, "height": 1080}


def is_loopback(url: str) -> bool:
    """Data and blob URLs stay in the page; an http(s)/ws(s) URL must point at this machine."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    host = parts.hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def test_loopback_check_can_fail() -> None:
    assert is_loopback("http://127.0.0.1:8501/_stcore/health")
    assert is_loopback("data:image/png;base64,AAAA")
    assert not is_loopback("https://cdn.plot.ly/world_110m.json")
    assert not is_loopback("https://fonts.gstatic.com/s/x.woff2")


@pytest.fixture(scope="module")
def server(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitServer]:
    log = tmp_path_factory.mktemp("browser-map") / "server.log"
    with StreamlitServer(demo_db, log) as running:
        yield running


def test_map_renders_offline_in_chromium(server: StreamlitServer) -> None:
    with launch_chromium(CHROMIUM) as (_playwright, browser):
        context = browser.new_context(viewport=VIEWPORT, locale="nb-NO")
        try:
            page = context.new_page()
            requested: list[str] = []
            page.on("request", lambda request: requested.append(_url(request)))
            console = ConsoleWatch(base_url=server.base_url).attach(page)
            page.goto(server.url(f"{url_path(OVERVIEW)}?{MAP_VIEW}=share"))
            wait_for_render(page, charts=3)

            # The map is the chart whose fills are the 15 counties (plus any islands drawn in
            # the same traces): Plotly draws each filled scatter trace as an SVG path.
            counts = page.eval_on_selector_all(
                PLOTLY,
                """plots => plots.map(p => p.querySelectorAll(
                    '.scatterlayer .trace path.js-fill').length)""",
            )
            assert max(counts) >= 15, f"filled paths per chart: {counts}"
            map_plot = page.locator(PLOTLY).nth(counts.index(max(counts)))
            # On screen the source line is wrapped: its rows come back joined without a space.
            text = map_plot.inner_text()
            assert "Kartverket,CCBY4.0" in "".join(text.split())
            assert "DEMODATA" in text.upper()
            box = map_plot.bounding_box()
            assert box is not None and box["height"] > 500

            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            map_plot.scroll_into_view_if_needed()
            page.screenshot(path=str(SCREENSHOTS / "overview-kart.png"), full_page=True)

            outside = sorted({url for url in requested if not is_loopback(url)})
            assert outside == [], f"requests to other hosts: {outside}"
            assert requested, "the request recorder saw nothing"
            assert console.unexpected() == []
        finally:
            context.close()


def _url(request: Request) -> str:
    return request.url
