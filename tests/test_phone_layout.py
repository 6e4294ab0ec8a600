"""Phone layout in Chromium (issue 15, item 11), and screenshots of every page at two sizes.

One server and one Chromium for the module; one browser tab per viewport, reused across pages.
Screenshots (full page: the viewport is stretched to the page's height, since Streamlit scrolls
inside its own main block and Playwright's full_page only sees the window) go to
test-output/screenshots/<page>-<desktop|phone>-<lang>.png.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, ViewportSize
from support.browser import CHROMIUM, launch_chromium, wait_for_render
from support.chromium import SCREENSHOTS  # skips this module without chromium
from support.server import StreamlitServer

from tracker.app.contract import (
    COUNTIES,
    COUNTY,
    LANG,
    MUNICIPALITIES,
    OVERVIEW,
    PAGES,
    PEERS,
    url_path,
)

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1600, "height": 1000}
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}
LANGS = ("nb", "en")
#: A full-page screenshot is cut at this height: a runaway layout must not make a huge image.
MAX_SHOT_HEIGHT = 16_000
#: Plotly charts each page draws (as in test_browser.PAGES); Metode draws none.
CHARTS = {"dashboard": 3, "fylker": 2, "kommuner": 2, "sektorer": 2, "kommunetyper": 2}
#: Kommuner shows its charts once a county and a peer county are chosen.
QUERIES = {MUNICIPALITIES: f"{COUNTY}=46&{PEERS}=50"}

#: The rectangles of each chart's modebar and of each title/subtitle line, in page pixels.
CHART_BOXES_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].map((plot) => {
    const box = (el) => { const r = el.getBoundingClientRect();
        return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; };
    const bar = plot.querySelector('.modebar');
    return {
        modebar: bar ? box(bar) : null,
        titles: [...plot.querySelectorAll('.g-gtitle text')].map(box),
        texts: [...plot.querySelectorAll('.g-gtitle text')].map((el) => el.textContent),
    };
})"""

#: The height of the page's content: Streamlit scrolls inside stMain, not the window.
CONTENT_HEIGHT_JS = """() => Math.max(document.documentElement.scrollHeight,
    ...[...document.querySelectorAll('[data-testid="stMain"], [data-testid="stAppViewContainer"]')]
        .map((el) => el.scrollHeight))"""


def page_name(script: str) -> str:
    """'dashboard.py' → 'dashboard', 'pages/fylker.py' → 'fylker'."""
    return Path(script).stem


def page_url(script: str, lang: str) -> str:
    query = "&".join(q for q in (QUERIES.get(script, ""), f"{LANG}={lang}") if q)
    return f"{url_path(script)}?{query}"


def overlaps(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        a["left"] < b["right"]
        and b["left"] < a["right"]
        and a["top"] < b["bottom"]
        and (b["top"] < a["bottom"])
    )


@pytest.fixture(scope="module")
def server(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitServer]:
    log = tmp_path_factory.mktemp("phone-logs") / "server.log"
    with StreamlitServer(demo_db, log) as running:
        yield running


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    with launch_chromium(CHROMIUM) as (_playwright, browser):
        yield browser


@pytest.fixture(scope="module")
def tabs(chromium: Browser) -> Iterator[dict[str, Page]]:
    """One tab per viewport, reused for every page (a new context per page costs seconds)."""
    contexts = {
        name: chromium.new_context(viewport=size, locale="nb-NO")
        for name, size in VIEWPORTS.items()
    }
    try:
        yield {name: context.new_page() for name, context in contexts.items()}
    finally:
        for context in contexts.values():
            context.close()


def open_page(tab: Page, server: StreamlitServer, script: str, lang: str) -> Page:
    tab.goto(server.url(page_url(script, lang)), wait_until="domcontentloaded")
    wait_for_render(tab, charts=CHARTS.get(page_name(script), 0))
    return tab


def assert_modebar_clear_of_titles(tab: Page) -> None:
    charts: list[dict[str, Any]] = tab.evaluate(CHART_BOXES_JS)
    assert charts, f"no chart on {tab.url}"
    for chart in charts:
        bar = chart["modebar"]
        assert bar is not None, f"a chart without modebar on {tab.url}"
        for box, text in zip(chart["titles"], chart["texts"], strict=True):
            assert not overlaps(bar, box), f"modebar {bar} covers title {text!r} {box} on {tab.url}"


def test_phone_status_column_and_modebar(tabs: dict[str, Page], server: StreamlitServer) -> None:
    """At 390 × 844: no sideways scrolling of the page, the progress table's Status header
    inside the screen, and no chart toolbar over a chart title or subtitle."""
    tab = tabs["phone"]
    for script in (OVERVIEW, COUNTIES):
        open_page(tab, server, script, "nb")
        width = tab.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{tab.url} scrolls sideways: {width} px wide"
        assert_modebar_clear_of_titles(tab)
    # Fylker draws the progress table as HTML (st.table); on Oversikt it is the table behind
    # the tile grid, a canvas data grid whose header cells cannot be measured.
    header = tab.locator("table th", has_text="Status").first
    header.scroll_into_view_if_needed()
    box = header.bounding_box()
    assert box is not None, "Status header not rendered on Fylker"
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (
        f"Status header at {box} is outside the {PHONE['width']} px screen"
    )


def save_full_page(tab: Page, path: Path, viewport: ViewportSize) -> None:
    """Screenshot the whole page: the viewport is made as tall as the content, then restored."""
    height = min(int(tab.evaluate(CONTENT_HEIGHT_JS)), MAX_SHOT_HEIGHT)
    tab.set_viewport_size({"width": viewport["width"], "height": max(height, viewport["height"])})
    try:
        tab.wait_for_timeout(400)  # let charts settle at the new size
        tab.screenshot(path=str(path), full_page=True)
    finally:
        tab.set_viewport_size(viewport)
    assert path.stat().st_size > 10_000, f"screenshot {path} looks empty"


def test_screenshots_of_every_page(tabs: dict[str, Page], server: StreamlitServer) -> None:
    """Every page at desktop and phone size in both languages, for review by eye."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for viewport_name, viewport in VIEWPORTS.items():
        tab = tabs[viewport_name]
        for script, _label in PAGES:
            for lang in LANGS:
                open_page(tab, server, script, lang)
                shot = SCREENSHOTS / f"{page_name(script)}-{viewport_name}-{lang}.png"
                save_full_page(tab, shot, viewport)
