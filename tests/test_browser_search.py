"""Kommuner's search in a real browser (issue 15, item 8): typing "alesund" — no å — filters the
options as it is typed, picking Ålesund opens Møre og Romsdal with Ålesund's row highlighted and
inside the viewport, and the never lists are shown whole (item 6).

Writes test-output/screenshots/kommuner-search.png for review.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect
from support.browser import CHROMIUM, ConsoleWatch, launch_chromium, wait_for_idle, wait_for_render
from support.chromium import SCREENSHOTS  # skips this module without chromium
from support.server import StreamlitServer

from tracker.app.contract import COUNTY, MUNICIPALITIES, MUNICIPALITY, url_path
from tracker.present.i18n import t
from tracker.present.views import FOUND_BACKGROUND

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1920, "height": 1080}
TIMEOUT_MS = 45_000
SEARCH_BOX = '[data-testid="stSelectbox"]'
OPTION = '[role="option"]'


def rgb(hex_colour: str) -> str:
    """'#FDEBD9' → 'rgb(253, 235, 217)', as the browser reports a computed colour."""
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


@pytest.fixture(scope="module")
def server(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitServer]:
    log = tmp_path_factory.mktemp("browser-search") / "server.log"
    with StreamlitServer(demo_db, log) as running:
        yield running


@pytest.fixture()
def tab(server: StreamlitServer) -> Iterator[Page]:
    """A fresh 1920×1080 Chromium tab (named apart from pytest-playwright's ``page``)."""
    with launch_chromium(CHROMIUM) as (_playwright, browser):
        context = browser.new_context(viewport=VIEWPORT, locale="nb-NO")
        try:
            tab = context.new_page()
            tab.set_default_timeout(TIMEOUT_MS)
            console = ConsoleWatch(base_url=server.base_url).attach(tab)
            yield tab
            assert not console.unexpected(), console.unexpected()
        finally:
            context.close()


def search_input(page: Page):
    box = page.locator(SEARCH_BOX).filter(has_text=t("search_label", "nb"))
    expect(box).to_have_count(1)
    return box.locator("input")


def test_typing_alesund_finds_and_shows_alesund(server: StreamlitServer, tab: Page) -> None:
    page = tab
    page.goto(server.url(url_path(MUNICIPALITIES)), wait_until="domcontentloaded")
    wait_for_render(page, charts=2)  # the suggested peers' two charts
    field = search_input(page)
    field.click()
    field.press_sequentially("alesund", delay=40)  # one key at a time, as a person types
    # Filtered in the browser while typing, before any Enter: only matching options are left.
    options = page.locator(OPTION)
    expect(options.first).to_contain_text("Ålesund")
    texts = options.all_inner_texts()
    assert texts and all("alesund" in text.lower() for text in texts), texts
    options.first.click()
    wait_for_idle(page)

    query = parse_qs(urlsplit(page.url).query)
    assert query[MUNICIPALITY] == ["1508"] and query[COUNTY] == ["15"], page.url
    expect(page.get_by_text(t("matrix_heading", "nb", county="Møre og Romsdal"))).to_be_visible()
    table = page.locator('[data-testid="stTable"]').first
    row = table.locator("tbody tr").first
    cell = row.locator("th, td").first
    expect(cell).to_have_text("Ålesund")
    colour = cell.evaluate("c => getComputedStyle(c).backgroundColor")
    assert colour == rgb(FOUND_BACKGROUND), colour
    box = row.bounding_box()
    assert box is not None
    assert box["y"] >= 0 and box["y"] + box["height"] <= VIEWPORT["height"], box
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "kommuner-search.png"))


def test_never_lists_are_shown_whole(server: StreamlitServer, tab: Page) -> None:
    page = tab
    page.goto(server.url(f"{url_path(MUNICIPALITIES)}?{COUNTY}=46"), wait_until="domcontentloaded")
    wait_for_render(page, charts=2)
    heading = page.locator("h3").filter(has_text=t("never_heading", "nb", n=0, total=0)[:20])
    expect(heading).to_have_count(1)
    listed = int(heading.inner_text().split("(")[1].split()[0])
    assert listed > 10, "Vestland's demo list is longer than a scroll box's ten rows"
    grid = page.locator('[data-testid="stDataFrame"]').first
    expect(grid).to_be_visible()
    # The grid is as tall as its rows: a header and every row at the default 35 px, no scrolling.
    height = grid.bounding_box()["height"]
    assert height >= (listed + 1) * 35, (height, listed)
    lead = t("never_answered_heading", "nb", n=0, total=0).split("(")[0]
    silent = page.locator("h3").filter(has_text=lead)
    expect(silent).to_have_count(1)
