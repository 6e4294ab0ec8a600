"""The app's outside contract: page paths, URL parameters and widget keys, in one place.

Links that users copy (``/fylker?fylke=46&lang=en``), the tests, the benchmark and the load client
all depend on these names. Pages, tests, ``bench/`` and ``tests/load_check.py`` import them from
here, so renaming one is a change in one file that every user of it follows (or breaks loudly).
No Streamlit import: the load client and the benchmark use this module without a running app.
"""

from __future__ import annotations

# --- pages: script path (relative to the app folder) → URL path ---------------------------------
OVERVIEW = "dashboard.py"
COUNTIES = "pages/fylker.py"
MUNICIPALITIES = "pages/kommuner.py"
SECTORS = "pages/sektorer.py"
MUNICIPALITY_TYPES = "pages/kommunetyper.py"
METHOD = "pages/metode.py"

#: (script, translation key of its menu name), in menu order.
PAGES: tuple[tuple[str, str], ...] = (
    (OVERVIEW, "nav_overview"),
    (COUNTIES, "nav_counties"),
    (MUNICIPALITIES, "nav_municipalities"),
    (SECTORS, "nav_sectors"),
    (MUNICIPALITY_TYPES, "nav_municipality_types"),
    (METHOD, "nav_method"),
)


def url_path(script: str) -> str:
    """The URL path Streamlit serves a page script at: 'pages/fylker.py' → '/fylker'."""
    return "/" if script == OVERVIEW else "/" + script.removeprefix("pages/").removesuffix(".py")


# --- URL query parameters (the shareable state of a view) ----------------------------------------
LANG = "lang"  # nb | en
MEASURE = "measure"  # municipalities | units
TARGET = "target"  # absolute | relative
WAVE = "wave"  # a wave year (Oversikt, Fylker, Kommunetyper)
IMAGE_PRESET = "bilde"  # slide | social | report
PRESENTATION = "presentasjon"  # 1 = presentation mode
COUNTY = "fylke"  # county code (Fylker: highlight; Kommuner: the county shown)
PEERS = "peers"  # comma-separated county codes (Kommuner)
MUNICIPALITY = "kommune"  # municipality code marked on Kommuner (set by the search)
SORT = "sort"  # progress table order (Fylker)
SECTOR_SCOPE = "sektorer"  # all | comparable (Sektorer)
ESTIMATE = "anslag"  # direct | model (Fylker: direct or model-based county estimates)
MAP_VIEW = "kart"  # tiles | status | share (Oversikt: tile grid, or a map coloured by that)
FIGURE = "figur"  # with presentasjon=1: one chart alone (a key from CHARTS), a slide or an embed
TITLE = "tittel"  # a takeaway title (free text) for the chart named by FIGURE
SLIDE_HEIGHT = "hoyde"  # height in CSS px the one-chart view fills (an iframe's height)

#: Chart keys (``key=`` of ``page.chart``) of each page: the values ``figur`` accepts there.
CHARTS: dict[str, tuple[str, ...]] = {
    OVERVIEW: ("trend", "tiles", "county_map", "dots"),
    COUNTIES: ("ranking", "multiples"),
    MUNICIPALITIES: ("similar", "peer_trends", "peer_latest"),
    SECTORS: ("sectors", "partners"),
    MUNICIPALITY_TYPES: ("types_centrality", "types_size"),
    METHOD: (),
}
#: Heights ``hoyde`` accepts: a full-HD slide (the default) and common iframe heights.
SLIDE_HEIGHTS = ("1080", "400", "480", "540", "600", "720", "800", "900", "1200", "1440")
#: A takeaway title is cut to this many characters (a title longer than this is no title).
TITLE_MAX_CHARS = 100

#: Page-specific choices that links between pages carry, so moving between pages keeps them.
CARRIED = (WAVE, COUNTY, PEERS)


def widget_key(parameter: str) -> str:
    """The key of the widget that sets URL parameter ``parameter`` (e.g. 'choice_fylke')."""
    return f"choice_{parameter}"


# --- other widget keys --------------------------------------------------------------------------
SEARCH = "municipality_search"  # Kommuner: search box (a selectbox that filters as you type)
MAKE_PACK = "make_pack"  # chart pack: the button that renders it
PACK_DOWNLOAD = "pack_download"  # chart pack: the download button
DATA_PACK = "data_pack"  # Metode: the CSV tables download


def image_key(chart_key: str, fmt: str) -> str:
    """Key of a chart's PNG/SVG download button (``fmt`` is 'png' or 'svg')."""
    return f"{chart_key}_{fmt}"
