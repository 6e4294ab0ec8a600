"""Shared Streamlit plumbing: page setup, URL state, navigation, data access and caching.

Every page calls :func:`page_setup` first. It works the same whether the page is the first request
to a fresh server (a deep link) or reached by navigation, because all state the user chooses lives
in the URL's query parameters and is re-read on every run.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from tracker.data import build
from tracker.data.db import DatabaseChanged, DatabaseError, Snapshot, file_version, open_snapshot
from tracker.data.importer import ImportRejected
from tracker.data.locking import LockTimeout
from tracker.data.settings import MEASURES, TARGET_MODES, Settings, SettingsError, load_settings
from tracker.present import export
from tracker.present.charts import ChartContext
from tracker.present.format import LANGUAGES
from tracker.present.i18n import DEFAULT_LANGUAGE, t

#: (script path relative to dashboard.py, translation key of its name), in menu order.
PAGES: tuple[tuple[str, str], ...] = (
    ("dashboard.py", "nav_overview"),
    ("pages/fylker.py", "nav_counties"),
    ("pages/kommuner.py", "nav_municipalities"),
    ("pages/sektorer.py", "nav_sectors"),
    ("pages/metode.py", "nav_method"),
)
APP_DIR = Path(__file__).resolve().parents[2]
_build_lock = threading.Lock()


@dataclass(frozen=True)
class Choice:
    """A user choice carried in the URL as ``?key=value``, with its allowed values."""

    key: str
    options: tuple[str, ...]
    default: str
    label_key: str
    option_key: Callable[[str], str]


SHARED_CHOICES = (
    Choice("lang", LANGUAGES, DEFAULT_LANGUAGE, "language_label", lambda v: f"language_{v}"),
    Choice("measure", MEASURES, "municipalities", "measure_label", lambda v: f"measure_{v}"),
    Choice("target", TARGET_MODES, "absolute", "target_mode_label", lambda v: f"target_mode_{v}"),
)


@dataclass
class Page:
    """Everything a page needs after setup: choices, settings and a query function."""

    lang: str
    measure: str
    target_mode: str
    settings: Settings
    snapshot: Snapshot
    dataset: dict[str, str]
    waves: list[int]
    script: str
    preset: str = export.DEFAULT_PRESET
    notices: list[str] = field(default_factory=list)
    #: (file stem, figure) of every chart drawn so far, for the chart pack.
    figures: list[tuple[str, go.Figure]] = field(default_factory=list)

    @property
    def presenting(self) -> bool:
        return presenting()

    @property
    def demo(self) -> bool:
        return self.dataset.get("kind") == "demo"

    def query(self, name: str, **params: Any) -> pd.DataFrame:
        """Run a named query through the shared cache (keyed by the database file's version).

        A file damaged after it was opened fails here: the page then explains, not crashes.
        """
        try:
            return _cached_query(
                str(self.snapshot.path), self.snapshot.version, name, params, self.snapshot
            )
        except duckdb.Error as exc:
            path = str(self.snapshot.path)
            st.error(t("db_damaged", self.lang, path=path, error=escape_markdown(str(exc))))
            st.stop()

    def t(self, key: str, **values: object) -> str:
        return t(key, self.lang, **values)

    def chart_context(self, subtitle: str, waves: Sequence[int]) -> ChartContext:
        built = self.dataset.get("built_at", "")[:10]
        source = t("chart_source", self.lang, waves=", ".join(map(str, waves)), date=built)
        return ChartContext(lang=self.lang, demo=self.demo, subtitle=subtitle, source=source)

    def file_stem(self, name: str, *parts: object) -> str:
        """Descriptive file name stem in the page language: 'fou-samarbeid-fylker-2024-kommuner'.

        ``name`` picks the translated name ``file_<name>``; ``parts`` are values (wave, county).
        """
        measure = self.t(f"measure_{self.measure}_short")
        words = [self.t("file_prefix"), self.t(f"file_{name}"), *parts, measure]
        return export.file_name(words, "x")[:-2]

    def chart(
        self,
        fig: go.Figure,
        stem: str,
        *,
        key: str,
        summary: str | None = None,
        table: pd.DataFrame | None = None,
        container: Any = None,
    ) -> None:
        """Draw a chart with its summary sentence, PNG/SVG downloads and a table alternative."""
        place = container if container is not None else st.container()
        self.figures.append((stem, fig))
        if self.presenting:
            # Larger type for a screenshot shown on a screen; exports keep the house sizes.
            fig = go.Figure(fig).update_layout(
                font_size=19, title_font_size=26, legend_font_size=17
            )
        size = export.PRESETS[self.preset]
        config = {
            "displaylogo": False,
            "displayModeBar": not self.presenting,
            "toImageButtonOptions": {
                "format": "png",
                "filename": stem,
                "width": size.width,
                "height": size.height,
                "scale": export.SCALE,
            },
        }
        place.plotly_chart(fig, width="stretch", key=key, config=config)
        if summary:
            place.caption(escape_markdown(summary))
        if self.presenting:
            return
        available = export.browser_path() is not None
        buttons = place.columns([1, 1, 4])
        for column, fmt in zip(buttons, export.FORMATS, strict=False):
            column.download_button(
                self.t(f"download_{fmt}"),
                data=_deferred_image(fig, fmt, self.preset),
                file_name=f"{stem}.{fmt}",
                mime="image/png" if fmt == "png" else "image/svg+xml",
                key=f"{key}_{fmt}",
                disabled=not available,
                help=self.t("download_help" if available else "export_unavailable"),
                on_click="ignore",
            )
        if table is not None:
            with place.expander(self.t("show_table")):
                st.dataframe(table, hide_index=True)

    def chart_pack(self, *parts: object) -> None:
        """A button that renders every chart of this view as PNG and SVG into one ZIP."""
        if self.presenting or not self.figures:
            return
        st.divider()
        st.subheader(self.t("pack_heading"))
        if export.browser_path() is None:
            st.info(self.t("export_unavailable"), icon=":material/info:")
            return
        view_key = "|".join(
            map(
                str,
                (
                    self.script,
                    self.lang,
                    self.measure,
                    self.target_mode,
                    self.preset,
                    *parts,
                    self.snapshot.version,
                ),
            )
        )
        if st.button(self.t("pack_button", n=len(self.figures)), key="make_pack"):
            bar = st.progress(0.0, text=self.t("pack_progress", done=0, total=1, name=""))

            def report(done: int, total: int, name: str) -> None:
                bar.progress(
                    done / total, self.t("pack_progress", done=done, total=total, name=name)
                )

            st.session_state["chart_pack"] = (
                view_key,
                export.chart_pack(self.figures, self.preset, report),
            )
        made = st.session_state.get("chart_pack")
        if made and made[0] == view_key:
            st.download_button(
                self.t("pack_download"),
                data=made[1],
                file_name=self.file_stem("pack", *parts) + ".zip",
                mime="application/zip",
                key="pack_download",
                on_click="ignore",
                type="primary",
            )

    def choose_wave(self, container: Any = None) -> int:
        """The wave chosen in the URL (``?wave=2024``), defaulting to the latest wave."""
        options = [str(w) for w in self.waves]
        chosen = url_choice(
            "wave",
            options,
            options[-1],
            self.t("wave_label"),
            str,
            self.notices,
            self.lang,
            container=container,
            widget="selectbox",
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
        default = "" if optional else options[0]
        return url_choice(
            "fylke",
            options,
            default,
            self.t(label_key),
            lambda code: names.get(code, self.t("none_chosen")),
            self.notices,
            self.lang,
            container=container,
            widget="selectbox",
        )

    def show_notices(self) -> None:
        """Show notices about ignored URL values (call after every widget is made)."""
        for notice in self.notices:
            st.info(notice, icon=":material/info:")
        self.notices.clear()

    def url_state(self) -> dict[str, str]:
        """The shared choices as query parameters, for links to other pages."""
        return {"lang": self.lang, "measure": self.measure, "target": self.target_mode}


PRESENTATION_KEY = "presentasjon"
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


def presenting() -> bool:
    """True in presentation mode (``?presentasjon=1``): content only, no widgets or chrome."""
    return st.query_params.get(PRESENTATION_KEY) == "1"


def _deferred_image(fig: go.Figure, fmt: str, preset: str) -> Callable[[], bytes]:
    # Rendered only when the button is clicked: drawing every image on every run would cost
    # about a quarter of a second per chart and format.
    return lambda: export.render(fig, fmt, preset)


def escape_markdown(text: str) -> str:
    """Text from data shown in Markdown: no formatting, links or HTML can come through."""
    return "".join(f"\\{c}" if c in "\\`*_{}[]<>()#+-.!|~$" else c for c in text)


def read_param(key: str, valid: Sequence[str], notices: list[str], lang: str) -> str | None:
    """The URL value of ``key`` if it is one of ``valid``; otherwise None and a notice."""
    raw = st.query_params.get(key)
    if raw is None:
        return None
    if raw in valid:
        return raw
    notices.append(t("param_ignored", lang, name=key[:40], valid=", ".join(v for v in valid if v)))
    del st.query_params[key]
    return None


def stored(key: str) -> Any:
    """The remembered value of the URL choice ``key`` (None before it is first set)."""
    return st.session_state.get(f"url_{key}")


def remember(key: str, value: Any) -> None:
    """Set the URL choice ``key`` (e.g. from a callback); the page writes it to the URL."""
    st.session_state[f"url_{key}"] = value


def url_value(key: str, options: Sequence[str], default: str, notices: list[str], lang: str) -> str:
    """The choice ``key``: remembered in this session, else taken from the URL, else default.

    Values are remembered under a plain session-state key, not a widget key: Streamlit treats a
    widget on another page as a new widget and resets it, so widget keys alone lose the user's
    choices when they move between pages. Only explicit choices (in the URL or made with a
    widget) are remembered; a default is not, so that e.g. the default wave follows the newest
    wave when an import adds one while the page is open.
    """
    value = stored(key)
    if value is None or value not in options:
        value = read_param(key, options, notices, lang)
        if value is None:
            st.session_state.pop(f"url_{key}", None)
            return default
        remember(key, value)
    return value


def _keep(widget_key: str, key: str) -> None:
    remember(key, st.session_state[widget_key])


def url_choice(
    key: str,
    options: Sequence[str],
    default: str,
    label: str,
    format_func: Callable[[str], str],
    notices: list[str],
    lang: str,
    *,
    container: Any = None,
    widget: str = "radio",
) -> str:
    """A radio or selectbox whose value lives in the URL as ``?key=value``.

    The URL sets the initial value (a deep link or a link from another page); after that the
    user's choice wins and is written back to the URL, so a copied link reopens this view.
    """
    value = url_value(key, options, default, notices, lang)
    if not presenting():
        widget_key = f"choice_{key}"
        st.session_state[widget_key] = value
        place = container if container is not None else st.sidebar
        make = place.radio if widget == "radio" else place.selectbox
        value = make(
            label,
            options,
            format_func=format_func,
            key=widget_key,
            on_change=_keep,
            args=(widget_key, key),
        )
    write_param(key, stored(key) or "")
    return value


def write_param(key: str, value: str) -> None:
    # An empty value means "not chosen": keep it out of the URL rather than writing ?key=.
    if not value:
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get(key) != value:
        st.query_params[key] = value


def url_multi_choice(
    key: str,
    options: Sequence[str],
    label: str,
    format_func: Callable[[str], str],
    notices: list[str],
    lang: str,
    *,
    max_selections: int,
    container: Any = None,
) -> list[str]:
    """A multiselect kept in the URL as ``?key=a,b,c`` (unknown or surplus values ignored)."""
    chosen = stored(key)
    if chosen is None or not set(chosen) <= set(options):
        raw = st.query_params.get(key) or ""
        parts = [p for p in raw.split(",") if p]
        chosen = list(dict.fromkeys(p for p in parts if p in options))[:max_selections]
        if len(chosen) != len(parts):
            notices.append(t("param_ignored", lang, name=key[:40], valid=", ".join(options)))
        remember(key, chosen)
    if not presenting():
        widget_key = f"choice_{key}"
        st.session_state[widget_key] = list(chosen)
        place = container if container is not None else st.sidebar
        chosen = place.multiselect(
            label,
            options,
            format_func=format_func,
            key=widget_key,
            max_selections=max_selections,
            on_change=_keep,
            args=(widget_key, key),
        )
    write_param(key, ",".join(chosen))
    return list(chosen)


def _choice_widget(choice: Choice, lang: str, notices: list[str], defaults: dict[str, str]) -> str:
    return url_choice(
        choice.key,
        choice.options,
        defaults.get(choice.key, choice.default),
        t(choice.label_key, lang),
        lambda v: t(choice.option_key(v), lang),
        notices,
        lang,
    )


def page_setup(title_key: str, script: str) -> Page:
    """Configure the page, render the sidebar, open the data; stop with a message on failure.

    ``script`` is the page's own path (e.g. "pages/fylker.py"), for links back to this view.
    """
    st.set_page_config(
        page_title=t("app_title", DEFAULT_LANGUAGE),
        page_icon="📈",  # an emoji: material icons are fetched from Google at run time
        layout="wide",
        initial_sidebar_state="collapsed" if presenting() else "auto",
    )
    if presenting():
        st.html(PRESENTATION_CSS)
    notices: list[str] = []
    lang = stored("lang") or read_param("lang", LANGUAGES, notices, "nb")
    lang = lang or DEFAULT_LANGUAGE
    try:
        settings = load_settings()
    except SettingsError as exc:
        st.error(t("settings_error", lang, error=escape_markdown(str(exc))))
        st.stop()

    _navigation(lang)
    st.sidebar.subheader(t("settings_heading", lang))
    defaults = {"target": settings.target_mode}
    values = {c.key: _choice_widget(c, lang, notices, defaults) for c in SHARED_CHOICES}
    lang = values["lang"]
    settings = settings.with_overrides(target_mode=values["target"])
    preset = url_choice(
        "bilde",
        tuple(export.PRESETS),
        export.DEFAULT_PRESET,
        t("preset_label", lang),
        lambda key: t(f"preset_{key}", lang),
        notices,
        lang,
        widget="selectbox",
    )
    if not presenting():
        st.sidebar.caption(t("target_year_note", lang, year=settings.target_year))
        st.sidebar.page_link(
            script,
            label=t("presentation_link", lang),
            icon=":material/slideshow:",
            query_params={**_link_state(), **_page_state(), PRESENTATION_KEY: "1"},
        )

    snapshot = _open_database(settings, lang)
    path = snapshot.path
    _watch_database(str(path), snapshot.version, run_every=settings.reload_seconds)
    info = _cached_query(str(path), snapshot.version, "dataset_info_by_key", {}, snapshot)
    dataset = dict(zip(info["key"], info["value"], strict=True))
    waves = [
        int(w)
        for w in _cached_query(str(path), snapshot.version, "waves_by_year", {}, snapshot)[
            "wave_year"
        ]
    ]
    page = Page(
        lang=lang,
        measure=values["measure"],
        target_mode=values["target"],
        settings=settings,
        snapshot=snapshot,
        dataset=dataset,
        waves=waves,
        script=script,
        preset=preset,
        notices=notices,
    )
    if page.demo:
        st.warning(page.t("demo_banner"), icon=":material/science:")
    st.title(page.t(title_key))
    if not waves:
        st.info(page.t("no_data"))
        st.stop()
    return page


def _page_state() -> dict[str, str]:
    """Every other parameter of the current URL (e.g. sort order, sector scope)."""
    return {k: v for k, v in st.query_params.to_dict().items() if k != PRESENTATION_KEY}


def _navigation(lang: str) -> None:
    # Streamlit only knows pages/ files (and allows links to them) when pages/ has any.
    available = [(script, key) for script, key in PAGES if (APP_DIR / script).exists()]
    if len(available) < 2 or presenting():
        return
    st.sidebar.subheader(t("nav_heading", lang))
    for script, key in available:
        st.sidebar.page_link(script, label=t(key, lang), query_params=_link_state())


#: Page-specific choices that links carry too, so moving between pages keeps them.
CARRIED_KEYS = ("wave", "fylke", "peers")


def _link_state() -> dict[str, str]:
    state = {}
    for choice in SHARED_CHOICES:
        value = stored(choice.key) or st.query_params.get(choice.key)
        if value in choice.options:
            state[choice.key] = value
    for key in CARRIED_KEYS:
        # Before this run has made the page's widgets, the URL holds their values.
        value = stored(key)
        if value is None:
            value = st.query_params.get(key)
        if isinstance(value, list):
            value = ",".join(value)
        if value:
            state[key] = str(value)
    return state


def _watch_database(path: str, version: tuple[int, int, int], run_every: int) -> None:
    # A fragment that reruns on a timer: when an import has swapped in a new database file,
    # the whole page reruns once and every query then reads the new snapshot.
    @st.fragment(run_every=run_every)
    def check() -> None:
        if file_version(Path(path)) != version:
            st.rerun(scope="app")

    check()


def _open_database(settings: Settings, lang: str) -> Snapshot:
    """The current snapshot; builds the demo where that is safe, else stops with the fix."""
    path = settings.db
    if file_version(path) is None:
        _build_demo_once(settings, lang, "building_demo", lambda p: file_version(p) is None)
    try:
        return _snapshot(str(path), file_version(path))
    except DatabaseError as exc:
        if not _is_outdated_demo(exc):
            st.error(t(f"db_{exc.reason}", lang, path=str(path), error=escape_markdown(str(exc))))
            st.stop()
    # A demo database from an older version holds nothing that cannot be regenerated.
    _build_demo_once(settings, lang, "rebuilding_demo", _outdated_demo_at)
    return _snapshot(str(path), file_version(path))


def _is_outdated_demo(exc: DatabaseError) -> bool:
    return exc.reason == "old_schema" and exc.dataset_kind == "demo"


def _outdated_demo_at(path: Path) -> bool:
    try:
        open_snapshot(path).close()
    except DatabaseError as exc:
        return _is_outdated_demo(exc)
    return False


def _build_demo_once(
    settings: Settings, lang: str, label_key: str, needed: Callable[[Path], bool]
) -> None:
    # Several sessions may arrive at once: the first builds, the others find it done. Other
    # processes (a CLI import, another replica) are kept out by the database's lock, under which
    # build_demo checks `needed` again and never replaces anything but demo data.
    with _build_lock:
        if not needed(settings.db):
            return
        with st.status(t(label_key, lang), expanded=True) as status:
            try:
                build.build_demo(
                    settings.db,
                    only_if=needed,
                    wait_seconds=settings.import_wait_seconds,
                    progress=status.write,
                )
            except (ImportRejected, LockTimeout, DatabaseChanged) as exc:
                # Someone else wrote the file meanwhile: show what is there now, or explain.
                status.update(label=t("building_demo_skipped", lang), state="error")
                if file_version(settings.db) is None:
                    st.error(t("db_busy", lang, error=escape_markdown(str(exc))))
                    st.stop()
                return
            status.update(label=t("building_demo_done", lang), state="complete")


@st.cache_resource(max_entries=4, show_spinner=False)
def _snapshot(path: str, version: tuple[int, int, int] | None) -> Snapshot:
    # Keyed by the file's version: an import swaps in a new file, so the next run opens it while
    # sessions mid-run keep the snapshot they started with.
    return open_snapshot(Path(path))


@st.cache_data(max_entries=1024, show_spinner=False)
def _cached_query(
    path: str, version: tuple[int, int, int], name: str, params: dict[str, Any], _snapshot: Snapshot
) -> pd.DataFrame:
    # The snapshot is left out of the cache key (leading underscore); the file version stands
    # for it, so results of different database versions never mix.
    return _snapshot.query(name, **params)
