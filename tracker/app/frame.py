"""The page frame: every page calls :func:`page_setup` first, and lays out what it returns.

Setup configures the page, reads the shared choices from the URL, draws the shared sidebar (menu,
language, measure, target mode, image size) and opens one database snapshot for the whole run. It
works the same whether the page is the first request to a fresh server (a deep link) or reached by
navigation, because all state the user chooses lives in the URL and is re-read on every run.

Navigation stays in Streamlit's original ``pages/`` mode with our own translated ``st.page_link``
menu: tested on Streamlit 1.67, ``st.navigation`` beside a ``pages/`` folder makes a deep link to a
freshly started server (``/fylker?fylke=46&lang=en``) run the page file alone, without this setup,
until someone opens ``/``, and its built-in menu drops our query parameters anyway.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from tracker.app import chart_block, contract, slide, view_cache
from tracker.app.data_access import cached_query, open_database, watch_database
from tracker.app.url_state import UrlState, link_state, page_state, presenting
from tracker.data.db import Snapshot
from tracker.data.settings import MEASURES, TARGET_MODES, Settings, SettingsError, load_settings
from tracker.present import export, wording
from tracker.present import format as fmt
from tracker.present.charts import ChartContext
from tracker.present.format import LANGUAGES
from tracker.present.i18n import DEFAULT_LANGUAGE, t
from tracker.present.markdown import escape_markdown
from tracker.present.public import Disclosure

APP_DIR = Path(__file__).resolve().parents[2]
T = TypeVar("T")

#: Hides every piece of Streamlit chrome and enlarges type for a clean 1920×1080 screenshot.
PRESENTATION_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stStatusWidget"], [data-testid="stMainMenu"], footer { display: none !important; }
html { font-size: 20px; }
.block-container, [data-testid="stMainBlockContainer"] {
    padding: 1.5rem 3rem 1rem 3rem !important; max-width: 100% !important;
}
</style>
"""


@dataclass(frozen=True)
class SharedChoice:
    """A choice every page shows in the sidebar, with its allowed values and translation keys."""

    key: str
    options: tuple[str, ...]
    label_key: str
    option_prefix: str


SHARED_CHOICES = (
    SharedChoice(contract.LANG, LANGUAGES, "language_label", "language_"),
    SharedChoice(contract.MEASURE, MEASURES, "measure_label", "measure_"),
    SharedChoice(contract.TARGET, TARGET_MODES, "target_mode_label", "target_mode_"),
)


@dataclass
class Page:
    """Everything a page needs after setup: choices, settings, data access and chart blocks."""

    url: UrlState
    measure: str
    target_mode: str
    settings: Settings
    snapshot: Snapshot
    dataset: dict[str, str]
    waves: list[int]
    script: str
    preset: str = export.DEFAULT_PRESET
    #: (file stem, figure) of every chart drawn so far, for the chart pack.
    figures: list[tuple[str, go.Figure]] = field(default_factory=list)
    #: The summary sentence of each chart drawn so far, by file stem (the pack's alt text).
    summaries: dict[str, str] = field(default_factory=dict)
    #: ``?figur=``: the chart a takeaway title belongs to; in presentation mode, the one chart
    #: shown (see tracker/app/slide.py). None when not given or not a chart of this page.
    figure: str | None = None
    #: ``?tittel=``: the takeaway title of ``figure`` (plain text, '' for none).
    figure_title: str = ""
    #: ``?hoyde=``: the height in CSS px a one-chart view fills.
    slide_height: int = slide.FULL_HD_HEIGHT
    #: The sidebar list of slide links, filled as the charts are drawn (None when presenting).
    slide_links: Any = None
    slide_links_shown: bool = False  # its heading is drawn with the first link

    @property
    def lang(self) -> str:
        return self.url.lang

    @property
    def presenting(self) -> bool:
        return presenting()

    @property
    def one_chart(self) -> bool:
        """Presentation mode with ``?figur=``: only that chart is drawn, nothing else."""
        return self.presenting and self.figure is not None

    @property
    def st(self) -> Any:
        """What page scripts write through (``st = page.st``): Streamlit, or in a one-chart view
        a stand-in that shows nothing, so that pages need no check of their own per element."""
        return slide.MUTED if self.one_chart else st

    @property
    def demo(self) -> bool:
        return self.dataset.get("kind") == "demo"

    @property
    def disclosure(self) -> Disclosure:
        """What this deployment may show (``TRACKER_PUBLIC``); page data functions read the same
        rule from ``settings``, which is in every loader's arguments and so in its cache key."""
        return Disclosure.from_settings(self.settings)

    def query(self, name: str, **params: Any) -> pd.DataFrame:
        """Run a named query through the shared cache (keyed by the database file's version).

        A file damaged after it was opened fails here: the page then explains, not crashes.
        """
        snap = self.snapshot
        try:
            return cached_query(str(snap.path), snap.version, name, params, snap)
        except duckdb.Error as exc:
            error = escape_markdown(str(exc))
            st.error(self.t("db_damaged", path=str(snap.path), error=error))
            st.stop()

    def load(self, loader: Callable[..., T], *args: Any) -> T:
        """``loader(self.query, *args)`` (a ``page_data`` function), shared by every session
        that asks for the same view of the same database version (see ``view_cache``)."""
        snap = self.snapshot
        return view_cache.load(str(snap.path), snap.version, loader, self.query, *args)

    def build(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``function(*args, **kwargs)`` (a pure chart builder, display table or summary), made
        once per distinct content of its arguments and shared (see ``view_cache``)."""
        return view_cache.build(function, *args, **kwargs)

    def t(self, key: str, **values: object) -> str:
        return t(key, self.lang, **values)

    def chart_context(self, subtitle: str, waves: Sequence[int]) -> ChartContext:
        # The same date as the method page's build time, in the page language.
        built = fmt.date(self.dataset.get("built_at"), self.lang)
        source = self.t("chart_source", waves=wording.waves(waves, self.lang), date=built)
        return ChartContext(lang=self.lang, demo=self.demo, subtitle=subtitle, source=source)

    def file_stem(self, name: str, *parts: object) -> str:
        """Descriptive file name stem in the page language: 'fou-samarbeid-fylker-2024-kommuner'.

        ``name`` picks the translated name ``file_<name>``; ``parts`` are values (wave, county).
        """
        measure = self.t(f"measure_{self.measure}_short")
        words = [self.t("file_prefix"), self.t(f"file_{name}"), *parts, measure]
        if self.target_mode == "relative":  # its target lines and statuses differ
            words.append(self.t("file_relative"))
        return export.file_name(words, "x")[:-2]

    def chart(self, fig: go.Figure, stem: str, *, key: str, **options: Any) -> None:
        """A chart block (see :func:`tracker.app.chart_block.show_chart`)."""
        chart_block.show_chart(self, fig, stem, key=key, **options)

    def chart_pack(self, *parts: object) -> None:
        """The chart pack of this view (see :func:`tracker.app.chart_block.show_chart_pack`)."""
        chart_block.show_chart_pack(self, *parts)

    def choose_wave(self, container: Any = None) -> int:
        """The wave chosen in the URL (``?wave=2024``), defaulting to the latest wave."""
        options = [str(w) for w in self.waves]
        label = self.t("wave_label")
        chosen = self.url.choice(
            contract.WAVE, options, options[-1], label, str, container=container, widget="selectbox"
        )
        return int(chosen)

    def counties(self) -> pd.DataFrame:
        """county_code, county_name, official_name, municipalities_n for the 15 counties."""
        return self.query("counties_by_code")

    def choose_county(self, label_key: str, *, optional: bool, container: Any = None) -> str:
        """A county picked in the URL as ``?fylke=46`` ('' when optional and none chosen)."""
        counties = self.counties()
        names = dict(zip(counties["county_code"], counties["county_name"], strict=True))
        options = ([""] if optional else []) + list(names)
        return self.url.choice(
            contract.COUNTY,
            options,
            "" if optional else options[0],
            self.t(label_key),
            lambda code: names.get(code, self.t("none_chosen")),
            container=container,
            widget="selectbox",
        )

    def show_notices(self) -> None:
        """Show notices about ignored URL values (call after every widget is made)."""
        self.url.show_notices()

    def view_state(self) -> dict[str, str]:
        """Every choice of this view as query parameters (shared, carried and the page's own)."""
        return {**_links(), **page_state()}

    def url_state(self) -> dict[str, str]:
        """The shared choices as query parameters, for links to other pages."""
        return {
            contract.LANG: self.lang,
            contract.MEASURE: self.measure,
            contract.TARGET: self.target_mode,
        }


def page_setup(
    title_key: str,
    script: str,
    *,
    relative_title_key: str | None = None,
    fixed_measure: str | None = None,
    fixed_measure_help: str | None = None,
) -> Page:
    """Configure the page, render the sidebar, open the data; stop with a message on failure.

    ``script`` is the page's own path (e.g. "pages/fylker.py"), for links back to this view.
    ``relative_title_key`` is the heading when the relative target mode is chosen, for a page
    whose heading names the target ("30 %-målet" would contradict "double your own share").
    Headings may use ``{baseline}`` (the baseline year). ``fixed_measure`` is the one measure
    a page shows whatever the user chose (Sektorer: sectors exist only for unit leaders): the
    sidebar then shows that measure, greyed out with ``fixed_measure_help`` (a text key), and
    the user's own choice stays in the URL for the other pages.
    """
    st.set_page_config(
        page_title=t("app_title", DEFAULT_LANGUAGE),
        page_icon="📈",  # an emoji: material icons are fetched from Google at run time
        layout="wide",
        initial_sidebar_state="collapsed" if presenting() else "auto",
    )
    if presenting():
        st.html(PRESENTATION_CSS)
    url = UrlState(lang=DEFAULT_LANGUAGE)
    url.lang = url.value(contract.LANG, LANGUAGES, DEFAULT_LANGUAGE)
    figure = url.read(contract.FIGURE, contract.CHARTS.get(script, ()))
    if figure is not None and presenting():
        st.html(slide.SLIDE_CSS)
    try:
        settings = load_settings()
    except SettingsError as exc:
        st.error(t("settings_error", url.lang, error=escape_markdown(str(exc))))
        st.stop()

    _navigation(url.lang)
    st.sidebar.subheader(t("settings_heading", url.lang))
    defaults = {contract.TARGET: settings.target_mode}
    lang = url.lang  # a language change is remembered before the rerun, so this is current

    def option_text(prefix: str) -> Callable[[str], str]:
        return lambda value: t(prefix + value, lang)

    values = {}
    for c in SHARED_CHOICES:
        if c.key == contract.MEASURE and fixed_measure is not None:
            url.value(c.key, c.options, c.options[0])  # kept for links, not shown
            help_text = t(fixed_measure_help, lang) if fixed_measure_help else None
            if presenting():  # content only, as url.choice does for the other choices
                values[c.key] = fixed_measure
                continue
            st.sidebar.radio(
                t(c.label_key, lang),
                [fixed_measure],
                format_func=option_text(c.option_prefix),
                disabled=True,
                help=help_text,
            )
            values[c.key] = fixed_measure
            continue
        values[c.key] = url.choice(
            c.key,
            c.options,
            defaults.get(c.key, c.options[0]),
            t(c.label_key, lang),
            option_text(c.option_prefix),
        )
    url.lang = values[contract.LANG]
    settings = settings.with_overrides(target_mode=values[contract.TARGET])
    preset = url.choice(
        contract.IMAGE_PRESET,
        tuple(export.PRESETS),
        export.DEFAULT_PRESET,
        t("preset_label", url.lang),
        lambda key: t(f"preset_{key}", url.lang),
        widget="selectbox",
    )
    slide_links = None
    if not presenting():
        st.sidebar.caption(t("target_year_note", url.lang, year=settings.target_year))
        one_chart = (contract.FIGURE, contract.TITLE, contract.SLIDE_HEIGHT)
        whole = {k: v for k, v in page_state().items() if k not in one_chart}
        st.sidebar.page_link(
            script,
            label=t("presentation_link", url.lang),
            icon=":material/slideshow:",
            query_params={**_links(), **whole, contract.PRESENTATION: "1"},
        )
        slide_links = st.sidebar.container()  # one link per chart, added as they are drawn

    snapshot = open_database(settings, url.lang)
    watch_database(str(snapshot.path), snapshot.version, run_every=settings.reload_seconds)
    page = Page(
        url=url,
        measure=values[contract.MEASURE],
        target_mode=values[contract.TARGET],
        settings=settings,
        snapshot=snapshot,
        dataset={},
        waves=[],
        script=script,
        preset=preset,
        figure=figure,
        figure_title=slide.takeaway(st.query_params.get(contract.TITLE)) if figure else "",
        slide_links=slide_links,
    )
    if page.one_chart:
        height = url.read(contract.SLIDE_HEIGHT, contract.SLIDE_HEIGHTS)
        page.slide_height = int(height) if height else slide.FULL_HD_HEIGHT
    info = page.query("dataset_info_by_key")
    page.dataset = dict(zip(info["key"], info["value"], strict=True))
    page.waves = [int(w) for w in page.query("waves_by_year")["wave_year"]]
    # A one-chart view is the chart alone; its figure carries the demo mark itself.
    if page.demo and not page.one_chart:
        st.warning(page.t("demo_banner"), icon=":material/science:")
    heading = title_key
    if relative_title_key is not None and page.target_mode == "relative":
        heading = relative_title_key
    if not page.one_chart:
        st.title(page.t(heading, baseline=settings.baseline_year))
    if not page.waves:
        st.info(page.t("no_data"))
        st.stop()
    return page


def _links() -> dict[str, str]:
    return link_state([(c.key, c.options) for c in SHARED_CHOICES])


def _navigation(lang: str) -> None:
    # Streamlit only knows pages/ files (and allows links to them) when pages/ has any.
    available = [(s, key) for s, key in contract.PAGES if (APP_DIR / s).exists()]
    if len(available) < 2 or presenting():
        return
    st.sidebar.subheader(t("nav_heading", lang))
    for script, key in available:
        st.sidebar.page_link(script, label=t(key, lang), query_params=_links())
