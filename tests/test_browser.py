"""Browser tests: the real app in Debian's Chromium, driven by Playwright (GUIDE §9, layer 4).

One Streamlit server serves most tests; the cold deep-link test starts its own, so that the link
is the very first page that server ever renders, and the live-reload test starts one on its own
survey database that it imports into. Screenshots (1920×1080, normal and presentation mode) go to
test-output/screenshots/<page>.png and <page>-presentasjon.png.
"""

from __future__ import annotations

import re
import struct
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Dialog, Page, expect
from support.browser import (
    CHROMIUM,
    PLOTLY,
    ConsoleWatch,
    launch_chromium,
    wait_for_idle,
    wait_for_render,
)
from support.chromium import SCREENSHOTS  # skips this module without chromium
from support.cli import run_cli_process
from support.server import StreamlitServer

from tracker.app.contract import (
    COUNTIES,
    COUNTY,
    LANG,
    MEASURE,
    METHOD,
    MUNICIPALITIES,
    MUNICIPALITY_TYPES,
    OVERVIEW,
    PEERS,
    PRESENTATION,
    SECTORS,
    WAVE,
    url_path,
)
from tracker.data.importer import import_files
from tracker.data.settings import DEMO_DIR

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1920, "height": 1080}
TIMEOUT_MS = 45_000
DEMO_BANNER = "Demodata – ikke ekte tall"
ALERT = '[data-testid="stAlert"]'
EXCEPTION = '[data-testid="stException"]'
SIDEBAR = '[data-testid="stSidebar"]'


class Tab:
    """A browser page that records every JavaScript dialog (none may ever open)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.dialogs: list[str] = []
        self.console = ConsoleWatch(base_url="").attach(page)
        page.on("dialog", self._on_dialog)
        page.set_default_timeout(TIMEOUT_MS)

    def _on_dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def open(self, server: StreamlitServer, path: str, *, charts: int = 1) -> Page:
        self.console.base_url = server.base_url
        self.page.goto(server.url(path), wait_until="domcontentloaded")
        wait_for_render(self.page, charts=charts)
        return self.page

    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.page.url).query, keep_blank_values=True)


@pytest.fixture(scope="module")
def browser_db(demo_db: Path) -> Path:
    """The session's demo database (conftest), shared with the app tests; servers only read it."""
    return demo_db


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("browser-logs")


@pytest.fixture(scope="module")
def server(browser_db: Path, logs: Path) -> Iterator[StreamlitServer]:
    with StreamlitServer(browser_db, logs / "server.log") as running:
        yield running


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    with launch_chromium(CHROMIUM) as (_playwright, browser):
        yield browser


@pytest.fixture()
def tab(chromium: Browser) -> Iterator[Tab]:
    context = chromium.new_context(viewport=VIEWPORT, locale="nb-NO")
    try:
        yield Tab(context.new_page())
    finally:
        context.close()


def assert_no_exception(page: Page, server: StreamlitServer) -> None:
    boxes = page.locator(EXCEPTION)
    if boxes.count():
        shown = "\n".join(boxes.all_inner_texts())
        log = server.log()[-3000:]
        pytest.fail(f"Python exception shown on {page.url}:\n{shown}\n--- server log ---\n{log}")


def alert_texts(page: Page) -> list[str]:
    return [" ".join(text.split()) for text in page.locator(ALERT).all_inner_texts()]


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's IHDR chunk, which must come first after the signature."""
    assert data[:8] == PNG_SIGNATURE, f"not a PNG: starts with {data[:8]!r}"
    assert data[12:16] == b"IHDR", f"PNG without IHDR first: {data[8:16]!r}"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


HOME, FYLKER, KOMMUNER = url_path(OVERVIEW), url_path(COUNTIES), url_path(MUNICIPALITIES)
SEKTORER, METODE = url_path(SECTORS), url_path(METHOD)
KOMMUNETYPER = url_path(MUNICIPALITY_TYPES)
#: (screenshot name, path, number of Plotly charts the page draws)
PAGES = [
    ("overview", HOME, 3),
    ("fylker", FYLKER, 2),
    ("kommuner", f"{KOMMUNER}?{COUNTY}=46&{PEERS}=50", 2),
    ("sektorer", SEKTORER, 2),
    ("kommunetyper", KOMMUNETYPER, 2),
    ("metode", METODE, 0),
]
PAGE_IDS = [name for name, _, _ in PAGES]


def save_screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000, f"screenshot {shot} looks empty"
    size = png_size(shot.read_bytes())
    assert size == (VIEWPORT["width"], VIEWPORT["height"]), f"{shot} is {size}"
    return shot


@pytest.mark.parametrize(("name", "path", "charts"), PAGES, ids=PAGE_IDS)
def test_page_renders_without_errors(
    tab: Tab, server: StreamlitServer, name: str, path: str, charts: int
) -> None:
    """Charts, demo banner, heading; no Python exception and no browser console error."""
    page = tab.open(server, path, charts=charts)
    page.wait_for_timeout(500)  # late console errors, e.g. from drawing a chart

    assert urlsplit(page.url).path == urlsplit(path).path, f"{path} ended on {page.url}"
    plots = page.locator(PLOTLY)
    assert plots.count() >= charts, f"{plots.count()} Plotly chart(s) on {page.url}, want {charts}"
    if charts:
        expect(plots.first).to_be_visible()
    assert any(DEMO_BANNER in text for text in alert_texts(page)), (
        f"demo banner missing on {page.url}; alerts: {alert_texts(page)}"
    )
    expect(page.locator("h1").first).to_be_visible()
    assert_no_exception(page, server)
    assert tab.dialogs == []
    assert_no_console_errors(tab, server, path)

    save_screenshot(page, name)


PROBES = ("health", "host-config")


def assert_no_console_errors(tab: Tab, server: StreamlitServer, path: str) -> None:
    """No console error or page error, except the 404s of Streamlit's probes on a deep path."""
    errors = tab.console.unexpected()
    assert errors == [], f"browser console errors on {tab.page.url}:\n" + "\n".join(errors)
    # The only failed requests allowed are the two probes below this page's own path.
    page_path = urlsplit(path).path.rstrip("/")
    allowed = {f"{server.base_url}{page_path}/_stcore/{probe}" for probe in PROBES} - {
        f"{server.base_url}/_stcore/{probe}" for probe in PROBES
    }
    failed = [(status, url) for status, url in tab.console.failed if url not in allowed]
    assert failed == [], f"failed requests on {tab.page.url}: {failed}"


@pytest.fixture()
def cold_server(browser_db: Path, logs: Path) -> Iterator[StreamlitServer]:
    with StreamlitServer(browser_db, logs / "cold-server.log") as running:
        yield running


def test_cold_deep_link_highlights_county(tab: Tab, cold_server: StreamlitServer) -> None:
    # The health check is the only request before this one; no page has run on this server yet.
    page = tab.open(cold_server, f"{FYLKER}?{COUNTY}=46", charts=2)

    assert urlsplit(page.url).path == FYLKER, page.url
    assert tab.query().get(COUNTY) == ["46"], page.url
    expect(page.locator("h1").first).to_have_text("Fylker")  # bokmål is the default language
    ranking = page.locator(PLOTLY).filter(has_text="Andel per fylke")
    expect(ranking.first).to_be_visible()
    highlight = page.locator(SIDEBAR).get_by_role("combobox", name="Uthev fylke")
    expect(highlight).to_have_value("Vestland")
    summary = page.locator('[data-testid="stMarkdownContainer"] strong').filter(
        has_text=re.compile(r"^Vestland:")
    )
    expect(summary).to_have_count(1)
    assert any(DEMO_BANNER in text for text in alert_texts(page)), alert_texts(page)
    assert_no_exception(page, cold_server)
    assert_no_console_errors(tab, cold_server, FYLKER)


def test_sidebar_navigation_keeps_choices(tab: Tab, server: StreamlitServer) -> None:
    page = tab.open(server, f"{HOME}?{LANG}=en&{MEASURE}=units")
    assert tab.query().get(LANG) == ["en"], page.url

    page.locator(SIDEBAR).get_by_role("link", name="Counties", exact=True).click()
    page.wait_for_url(re.compile(rf"{FYLKER}(\?|$)"))
    wait_for_render(page, charts=1)

    query = tab.query()
    assert urlsplit(page.url).path == FYLKER, page.url
    assert query.get(LANG) == ["en"], f"lang lost on navigation: {page.url}"
    assert query.get(MEASURE) == ["units"], f"measure lost on navigation: {page.url}"
    expect(page.locator("h1").first).to_have_text("Counties")
    assert_no_exception(page, server)


@pytest.mark.parametrize(
    ("path", "param", "fallback"),
    [
        (f"{FYLKER}?{COUNTY}=<script>alert(1)</script>", COUNTY, None),
        (f"{HOME}?{LANG}=%00%1b", LANG, None),
        (f"{FYLKER}?{COUNTY}=46&{COUNTY}=%3Cb%3E50%3C/b%3E", COUNTY, None),
    ],
    ids=["script-in-fylke", "control-chars-in-lang", "repeated-key"],
)
def test_hostile_query_parameter_is_ignored_with_notice(
    tab: Tab, server: StreamlitServer, path: str, param: str, fallback: list[str] | None
) -> None:
    page = tab.open(server, path)
    # Give any injected script a moment to run before checking that none did.
    page.wait_for_timeout(500)

    assert_no_exception(page, server)
    assert tab.dialogs == [], f"a JavaScript dialog opened on {page.url}: {tab.dialogs}"
    notices = [text for text in alert_texts(page) if f"«{param}»" in text]
    assert notices, (
        f"no notice about the ignored «{param}» on {page.url}; alerts: {alert_texts(page)}"
    )
    # The bad value left the URL (defaults are never written to it).
    assert tab.query().get(param) == fallback, f"bad {param} value kept in the URL: {page.url}"
    assert page.locator("script", has_text="alert(1)").count() == 0
    # The page fell back to its defaults: bokmål, nothing highlighted.
    expect(page.locator(SIDEBAR).get_by_role("radio", name="Norsk bokmål")).to_be_checked()
    assert tab.query().get(LANG) is None, page.url
    if param == COUNTY:
        highlight = page.locator(SIDEBAR).get_by_role("combobox", name="Uthev fylke")
        expect(highlight).to_have_value("(ingen)")


def test_language_switch_updates_url(tab: Tab, server: StreamlitServer) -> None:
    page = tab.open(server, HOME)
    assert tab.query().get(LANG) != ["en"], page.url

    page.locator(SIDEBAR).get_by_text("English", exact=True).click()
    expect(page).to_have_url(re.compile(rf"[?&]{LANG}=en(&|$)"))
    wait_for_idle(page)

    expect(page.locator(SIDEBAR).get_by_role("radio", name="English")).to_be_checked()
    expect(page.get_by_text("Demo data – not real figures").first).to_be_visible()
    assert_no_exception(page, server)


def visible_matches(page: Page, selector: str) -> list[str]:
    """Short descriptions of the elements matching ``selector`` that are visible."""
    found = page.locator(selector)
    shown = []
    for index in range(found.count()):
        element = found.nth(index)
        if element.is_visible():
            shown.append(f"{selector} #{index}: {' '.join(element.inner_text().split())[:60]!r}")
    return shown


CHROME = [
    SIDEBAR,
    '[data-testid="stSidebarCollapsedControl"]',
    '[data-testid="stExpandSidebarButton"]',
    '[data-testid="stHeader"]',
    '[data-testid="stToolbar"]',
    '[data-testid="stMainMenu"]',
    '[data-testid="stStatusWidget"]',
]
WIDGETS = [
    '[data-testid="stRadio"]',
    '[data-testid="stSelectbox"]',
    '[data-testid="stMultiSelect"]',
    '[data-testid="stTextInput"]',
    '[data-testid="stButton"]',
    '[data-testid="stDownloadButton"]',
    '[data-testid="stCheckbox"]',
    '[data-testid="stPageLink"]',
    '[data-testid="stExpander"]',
]
MODEBAR = ".js-plotly-plot .modebar"
DEMO_BANNERS = {"nb": DEMO_BANNER, "en": "Demo data – not real figures"}
#: (screenshot name, path, charts, language, the page's heading in that language)
SHOW = f"{PRESENTATION}=1"
PRESENTATIONS = [
    ("overview", f"{HOME}?{SHOW}", 3, "nb", "Status for 30 %-målet"),
    ("fylker", f"{FYLKER}?{SHOW}&{COUNTY}=46&{LANG}=en", 2, "en", "Counties"),
    ("kommuner", f"{KOMMUNER}?{SHOW}&{COUNTY}=46&{PEERS}=50", 2, "nb", "Kommuner"),
    ("sektorer", f"{SEKTORER}?{SHOW}&{LANG}=en&{MEASURE}=units", 2, "en", "Sectors"),
    ("kommunetyper", f"{KOMMUNETYPER}?{SHOW}", 2, "nb", "Kommunetyper"),
    ("metode", f"{METODE}?{SHOW}&{LANG}=en", 0, "en", "Method and data"),
]


@pytest.mark.parametrize(
    ("name", "path", "charts", "lang", "heading"),
    PRESENTATIONS,
    ids=[name for name, *_ in PRESENTATIONS],
)
def test_presentation_mode_shows_content_only(
    tab: Tab, server: StreamlitServer, name: str, path: str, charts: int, lang: str, heading: str
) -> None:
    page = tab.open(server, path, charts=charts)

    # Every choice in the link survives, presentasjon=1 included.
    asked = parse_qs(urlsplit(path).query)
    query = tab.query()
    lost = {key: value for key, value in asked.items() if query.get(key) != value}
    assert not lost, f"URL choices {lost} lost in presentation mode: {page.url}"
    expect(page.locator("h1").first).to_have_text(heading)

    shown = [found for selector in CHROME + WIDGETS for found in visible_matches(page, selector)]
    assert shown == [], f"chrome or widgets visible in presentation mode on {page.url}: {shown}"
    modebars = visible_matches(page, MODEBAR)
    assert modebars == [], f"Plotly modebar visible in presentation mode on {page.url}"

    plots = page.locator(PLOTLY)
    assert plots.count() >= charts, f"{plots.count()} chart(s) on {page.url}, want {charts}"
    for index in range(plots.count()):
        expect(plots.nth(index)).to_be_visible()
        expect(plots.nth(index).locator(".main-svg").first).to_be_attached()
    banner = page.locator(ALERT).filter(has_text=DEMO_BANNERS[lang])
    expect(banner.first).to_be_visible()
    if name == "fylker":  # the highlighted county's summary line survives too
        expect(page.locator("strong").filter(has_text=re.compile(r"^Vestland:"))).to_have_count(1)

    assert_no_exception(page, server)
    assert_no_console_errors(tab, server, path)
    save_screenshot(page, f"{name}-presentasjon")


DOWNLOAD = '[data-testid="stDownloadButton"]'
#: Slide preset (1600 × 900) at export scale 2.
SLIDE_PNG_SIZE = (3200, 1800)
EXPORT_TIMEOUT_MS = 30_000


def test_png_download_has_publication_size(
    tab: Tab, server: StreamlitServer, tmp_path: Path
) -> None:
    page = tab.open(server, HOME, charts=3)
    button = page.locator(DOWNLOAD).get_by_role("button", name="PNG", exact=True).first

    # The image is drawn with kaleido on the server only when the button is clicked.
    with page.expect_download(timeout=EXPORT_TIMEOUT_MS) as started:
        button.click()
    download = started.value
    assert download.failure() is None, download.failure()
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)

    assert download.suggested_filename == "fou-samarbeid-norge-utvikling-2024-kommuner.png"
    data = saved.read_bytes()
    assert data.startswith(PNG_SIGNATURE), f"{saved.name} starts with {data[:8]!r}"
    assert png_size(data) == SLIDE_PNG_SIZE
    assert_no_exception(page, server)


def test_chart_pack_zip_has_png_and_svg_per_chart(
    tab: Tab, server: StreamlitServer, tmp_path: Path
) -> None:
    page = tab.open(server, HOME, charts=3)
    charts = page.locator(PLOTLY).count()
    make = page.get_by_role("button", name=re.compile(r"^Lag bildepakke"))
    expect(make).to_have_text(f"Lag bildepakke ({charts} figurer, PNG og SVG)")

    make.click()
    ready = page.locator(DOWNLOAD).filter(has_text="Last ned bildepakken (ZIP)")
    expect(ready).to_be_visible(timeout=EXPORT_TIMEOUT_MS * 2)
    wait_for_idle(page)
    progress = page.locator('[data-testid="stProgress"]')
    expect(progress).to_contain_text(f"{2 * charts} av {2 * charts}")
    with page.expect_download(timeout=EXPORT_TIMEOUT_MS) as started:
        ready.get_by_role("button").click()
    download = started.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)

    assert saved.suffix == ".zip", download.suggested_filename
    with zipfile.ZipFile(saved) as pack:
        contents = {name: pack.read(name) for name in pack.namelist()}
    # Each chart's image descriptions (summary sentences) travel with the images.
    alt_text = contents.pop("alt-tekst.txt").decode("utf-8")
    stems: dict[str, set[str]] = {}
    for member in contents:
        stem, _, ext = member.rpartition(".")
        stems.setdefault(stem, set()).add(ext)
        assert member in alt_text, f"{member} has no description in alt-tekst.txt"
    assert len(stems) == charts == 3, sorted(contents)
    assert all(exts == {"png", "svg"} for exts in stems.values()), sorted(contents)
    assert "fou-samarbeid-norge-utvikling-2024-kommuner" in stems, sorted(stems)
    for member, data in contents.items():
        if member.endswith(".png"):
            assert data.startswith(PNG_SIGNATURE), f"{member} starts with {data[:8]!r}"
            assert png_size(data) == SLIDE_PNG_SIZE, member
        else:
            assert b"<svg" in data[:2000], f"{member} is not an SVG"
    assert_no_exception(page, server)


RELOAD_SECONDS = 2
RELOAD_TIMEOUT_S = 20
METRIC = '[data-testid="stMetric"]'


@pytest.fixture()
def survey_db(tmp_path: Path) -> Path:
    """A *survey* database from the demo files: an import adds a wave instead of starting over."""
    files = sorted(DEMO_DIR.glob("demo_survey_*.csv"))
    assert len(files) == 3, files
    path = tmp_path / "survey.duckdb"
    import_files(files, path, kind="survey")
    return path


@pytest.fixture()
def reload_server(survey_db: Path, logs: Path) -> Iterator[StreamlitServer]:
    env = {"TRACKER_RELOAD_SECONDS": str(RELOAD_SECONDS)}
    with StreamlitServer(survey_db, logs / "reload-server.log", env=env) as running:
        yield running


def write_wave_2026(path: Path) -> Path:
    """Eight chief executives who innovated with researchers, in the README's import format."""
    header = (
        "wave_year;respondent_id;municipality_code;respondent_role;sector;weight;"
        "innovated;research_collaboration;research_partner"
    )
    codes = ["0301", "4601", "5001", "1103", "3201", "1508", "5501", "4204"]
    rows = [
        f"2026;L26-{i:03d};{code};chief_executive;;;ja;ja;universitet_hogskole"
        for i, code in enumerate(codes, start=1)
    ]
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def wave_options(page: Page, label: str) -> list[str]:
    """The options of the sidebar's wave selectbox (opened and closed again)."""
    page.locator(SIDEBAR).get_by_role("combobox", name=label).click()
    options = page.get_by_role("option")
    options.first.wait_for(state="visible", timeout=5_000)
    texts = [" ".join(text.split()) for text in options.all_inner_texts()]
    page.keyboard.press("Escape")
    return texts


def test_open_page_picks_up_new_wave_without_reload(
    tab: Tab, reload_server: StreamlitServer, survey_db: Path, tmp_path: Path
) -> None:
    page = tab.open(reload_server, f"{HOME}?{MEASURE}=municipalities", charts=3)
    headline = page.locator(METRIC).first
    label = headline.locator('[data-testid="stMetricLabel"]')
    value = headline.locator('[data-testid="stMetricValue"]')
    expect(label).to_have_text("Andel 2024")
    before = value.inner_text().strip()
    assert page.locator(ALERT).filter(has_text=DEMO_BANNER).count() == 0, "survey db shows demo"
    url_before = page.url
    loads: list[str] = []
    page.on("load", lambda loaded: loads.append(loaded.url))
    page.evaluate("window.__sameDocument = true")

    wave_file = write_wave_2026(tmp_path / "innovasjonsbarometer_2026.csv")
    # A real process, as a user's import runs beside the server (not in this test's process).
    imported = run_cli_process("import", wave_file, "--db", survey_db, timeout=60)
    assert imported.returncode == 0, imported.stdout + imported.stderr

    wave_label = "Undersøkelsesbølge"
    options: list[str] = []
    deadline = time.monotonic() + RELOAD_TIMEOUT_S
    next_look = time.monotonic() + RELOAD_SECONDS
    while time.monotonic() < deadline:
        assert_no_exception(page, reload_server)
        if label.inner_text().strip() == "Andel 2026":
            break
        if time.monotonic() >= next_look:
            # Once the selector offers 2026 the page has rerun on the new file; when that run
            # has ended, the headline shows whatever it is going to show.
            options = wave_options(page, wave_label)
            if "2026" in options:
                break
            next_look = time.monotonic() + 1
        page.wait_for_timeout(250)
    wait_for_idle(page)

    assert_no_exception(page, reload_server)
    assert loads == [], f"the page was reloaded: {loads}"
    assert page.evaluate("window.__sameDocument === true"), "the page was navigated"
    assert urlsplit(page.url).path == urlsplit(url_before).path, page.url
    choices_before = {k: v for k, v in parse_qs(urlsplit(url_before).query).items() if k != WAVE}
    choices_after = {k: v for k, v in tab.query().items() if k != WAVE}
    assert choices_after == choices_before, f"URL changed from {url_before} to {page.url}"
    options = wave_options(page, wave_label)
    assert options == ["2018", "2020", "2024", "2026"], (
        f"the open page did not pick up wave 2026 within {RELOAD_TIMEOUT_S} s: {options}"
    )

    # The user never chose a wave, so the page follows the newest one.
    expect(label).to_have_text("Andel 2026")
    expect(page.locator(SIDEBAR).get_by_role("combobox", name=wave_label)).to_have_value("2026")
    assert value.inner_text().strip() != before, "headline value unchanged after the import"
