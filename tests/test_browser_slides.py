"""One-chart slides in a real browser (issue 15, item 15): ``?presentasjon=1&figur=<chart>`` at
1920×1080 shows the chart alone, whole, with nothing below the fold and nothing to scroll.

Writes test-output/screenshots/slide-<chart>.png for review.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from support.browser import CHROMIUM, PLOTLY, launch_chromium, wait_for_render
from support.chromium import SCREENSHOTS  # skips this module without chromium
from support.server import StreamlitServer

from tracker.app.contract import COUNTIES, COUNTY, FIGURE, OVERVIEW, PRESENTATION, url_path

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1920, "height": 1080}
#: Elements that must not be on a slide: headings, text, alerts, tables, widgets, expanders.
OTHER = (
    "h1, h2, h3, [data-testid='stMarkdown'], [data-testid='stCaptionContainer'], "
    "[data-testid='stAlert'], [data-testid='stTable'], [data-testid='stDataFrame'], "
    "[data-testid='stExpander'], [data-testid='stMetric'], [data-testid='stTooltipIcon'], "
    "[data-testid='stButton'], [data-testid='stDownloadButton'], .modebar"
)
SLIDES = [
    ("trend", f"{url_path(OVERVIEW)}?{PRESENTATION}=1&{FIGURE}=trend"),
    ("multiples", f"{url_path(COUNTIES)}?{PRESENTATION}=1&{FIGURE}=multiples&{COUNTY}=46"),
]


@pytest.fixture(scope="module")
def server(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitServer]:
    log = tmp_path_factory.mktemp("browser-slides") / "server.log"
    with StreamlitServer(demo_db, log) as running:
        yield running


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    with launch_chromium(CHROMIUM) as (_playwright, browser):
        yield browser


@pytest.mark.parametrize(("chart", "path"), SLIDES, ids=[name for name, _ in SLIDES])
def test_slide_fits_a_full_hd_screen(
    chromium: Browser, server: StreamlitServer, chart: str, path: str
) -> None:
    context = chromium.new_context(viewport=VIEWPORT, locale="nb-NO")
    try:
        page = context.new_page()
        page.goto(server.url(path), wait_until="domcontentloaded")
        wait_for_render(page, charts=1)

        plots = page.locator(PLOTLY)
        expect(plots).to_have_count(1)
        expect(plots.first).to_be_visible()
        box = plots.first.bounding_box()
        assert box is not None
        assert box["y"] >= 0 and box["y"] + box["height"] <= VIEWPORT["height"], box
        assert box["height"] >= 0.8 * VIEWPORT["height"], f"the chart should fill the slide: {box}"
        scroll_height = page.evaluate(
            "Math.max(document.documentElement.scrollHeight, document.body.scrollHeight,"
            ' ...[...document.querySelectorAll(\'[data-testid="stMain"],'
            ' [data-testid="stAppViewContainer"]\')].map((el) => el.scrollHeight))'
        )
        assert scroll_height <= VIEWPORT["height"], f"{scroll_height} px to scroll on {path}"
        shown = [el for el in page.locator(OTHER).all() if el.is_visible()]
        assert shown == [], f"{len(shown)} other element(s) on the slide {path}"

        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shot = SCREENSHOTS / f"slide-{chart}.png"
        page.screenshot(path=str(shot))
        assert shot.stat().st_size > 10_000, f"screenshot {shot} looks empty"
    finally:
        context.close()
