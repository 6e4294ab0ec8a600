"""One-chart views (slides and embeds), takeaway titles, slide links, embed snippets, file names
and the chart pack's alt text (issue 15, items 15–17)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest
from support.app import open_page

from tracker.app import slide
from tracker.app.contract import (
    CHARTS,
    COUNTIES,
    COUNTY,
    FIGURE,
    LANG,
    MEASURE,
    OVERVIEW,
    PRESENTATION,
    SECTORS,
    SLIDE_HEIGHT,
    TARGET,
    TITLE,
    WAVE,
)
from tracker.data.settings import SettingsError, load_settings
from tracker.present import export
from tracker.present.i18n import t

#: Every kind of element a page shows besides its charts.
OTHER_ELEMENTS = (
    "title",
    "subheader",
    "markdown",
    "caption",
    "metric",
    "table",
    "dataframe",
    "warning",
    "info",
    "expander",
    "code",
    "download_button",
    "button",
)


def spec(chart: object) -> dict:
    return json.loads(chart.proto.spec)  # type: ignore[attr-defined]


def chart_key(chart: object) -> str:
    return str(chart.proto.id).rsplit("-", 1)[-1]  # type: ignore[attr-defined]


def title_text(chart: object) -> str:
    return str(spec(chart)["layout"]["title"]["text"])


def subtitle_text(chart: object) -> str:
    return str(spec(chart)["layout"]["title"]["subtitle"]["text"])


@pytest.mark.parametrize(
    ("script", "key", "params"),
    [
        (OVERVIEW, "trend", {}),
        (OVERVIEW, "dots", {LANG: "en"}),
        (COUNTIES, "multiples", {COUNTY: "46"}),
        (SECTORS, "partners", {}),
    ],
)
def test_one_chart_view_shows_that_chart_alone(
    use_demo_db: Path, script: str, key: str, params: dict[str, str]
) -> None:
    at = open_page(script, {**params, PRESENTATION: "1", FIGURE: key})
    charts = at.get("plotly_chart")
    assert [chart_key(c) for c in charts] == [key]
    for kind in OTHER_ELEMENTS:
        assert not at.main.get(kind), f"{kind} shown in the one-chart view of {key}"
    layout = spec(charts[0])["layout"]
    # Sized for a 1080 px high view, with no toolbar.
    assert 900 <= layout["height"] <= 1080 - 2 * slide.PAD_Y
    assert json.loads(charts[0].proto.config)["displayModeBar"] is False
    # The demo mark is in the figure itself (the banner is left out of a slide).
    notes = json.dumps(layout["annotations"], ensure_ascii=False)
    assert t("demo_mark", params.get(LANG, "nb")) in notes


def test_one_chart_view_follows_the_requested_height(use_demo_db: Path) -> None:
    at = open_page(OVERVIEW, {PRESENTATION: "1", FIGURE: "trend", SLIDE_HEIGHT: "540"})
    assert spec(at.get("plotly_chart")[0])["layout"]["height"] <= 540 - 2 * slide.PAD_Y


def test_unknown_figure_gets_a_notice_listing_the_charts(use_demo_db: Path) -> None:
    at = open_page(COUNTIES, {PRESENTATION: "1", FIGURE: "<b>nope</b>"})
    notices = [i.body for i in at.info]
    assert any(f"«{FIGURE}»" in n and ", ".join(CHARTS[COUNTIES]) in n for n in notices), notices
    assert len(at.get("plotly_chart")) == 2, "the whole page is presented instead"
    assert FIGURE not in at.query_params


def test_a_chart_this_view_does_not_draw_is_explained(use_demo_db: Path) -> None:
    at = open_page(OVERVIEW, {PRESENTATION: "1", FIGURE: "county_map"})  # the tiles are shown
    assert not at.get("plotly_chart")
    assert [i.body for i in at.info] == [t("figure_not_in_view", "nb", figure="county_map")]


def test_takeaway_title_is_escaped_and_cut(use_demo_db: Path) -> None:
    raw = "<a href='x'>Halvveis</a>\u202e til målet " + "x" * 200
    at = open_page(OVERVIEW, {PRESENTATION: "1", FIGURE: "trend", TITLE: raw})
    title = title_text(at.get("plotly_chart")[0])
    assert title.startswith("<b>&lt;a href='x'&gt;Halvveis&lt;/a&gt; til målet xx")
    assert "\u202e" not in title and "<a" not in title
    assert len(slide.takeaway(raw)) == 100


def test_takeaway_title_applies_to_the_named_chart_only(use_demo_db: Path) -> None:
    at = open_page(OVERVIEW, {FIGURE: "dots", TITLE: "Vestlandet leder"})
    titles = {chart_key(c): title_text(c) for c in at.get("plotly_chart")}
    assert titles["dots"] == "<b>Vestlandet leder</b>"
    assert titles["trend"] != "<b>Vestlandet leder</b>"


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_sidebar_lists_a_slide_link_per_chart(use_demo_db: Path, lang: str) -> None:
    at = open_page(COUNTIES, {LANG: lang, COUNTY: "46", WAVE: "2020"})
    links = {
        link.proto.label: parse_qs(link.proto.query_string)
        for link in at.sidebar.get("page_link")
        if "figur=" in link.proto.query_string
    }
    assert list(links) == [t(f"figure_{key}", lang) for key in ("ranking", "multiples")]
    for key, query in zip(("ranking", "multiples"), links.values(), strict=True):
        assert query[FIGURE] == [key] and query[PRESENTATION] == ["1"]
        assert query[COUNTY] == ["46"] and query[WAVE] == ["2020"], query
    assert any(s.value == t("slides_heading", lang) for s in at.sidebar.get("subheader"))


@pytest.mark.parametrize(
    ("lang", "words"), [("nb", "Vestland er uthevet"), ("en", "Vestland highlighted")]
)
def test_highlighted_county_is_named_in_the_subtitles(
    use_demo_db: Path, lang: str, words: str
) -> None:
    charts = open_page(COUNTIES, {LANG: lang, COUNTY: "46"}).get("plotly_chart")
    assert len(charts) == 2 and all(words in subtitle_text(c) for c in charts)
    plain = open_page(COUNTIES, {LANG: lang}).get("plotly_chart")
    assert not any("Vestland" in subtitle_text(c) for c in plain)


def image_names(at: AppTest) -> list[str]:
    """The file stem of each chart's images (its PNG/SVG downloads and the toolbar's PNG)."""
    charts = at.get("plotly_chart")
    return [json.loads(c.proto.config)["toImageButtonOptions"]["filename"] for c in charts]


def test_file_names_say_relative_target_and_use_county_names(use_demo_db: Path) -> None:
    relative = image_names(open_page(COUNTIES, {COUNTY: "46", TARGET: "relative"}))
    absolute = image_names(open_page(COUNTIES, {COUNTY: "46"}))
    assert relative and absolute
    assert all(name.endswith("-eget-mal") for name in relative), relative
    assert not any("eget-mal" in name for name in absolute), absolute
    assert all("-vestland-" in name and "46" not in name for name in absolute), absolute
    english = image_names(open_page(COUNTIES, {COUNTY: "46", TARGET: "relative", LANG: "en"}))
    assert all(name.endswith("-own-target") for name in english), english


def embed_sources(at: AppTest) -> dict[str, str]:
    """The iframe address of each embed snippet, by the iframe's title."""
    found = {}
    for code in at.get("code"):
        snippet = code.value
        assert snippet.startswith('<iframe src="') and snippet.endswith("</iframe>")
        src = snippet.split('src="', 1)[1].split('"', 1)[0]
        title = snippet.split('title="', 1)[1].split('"', 1)[0]
        found[title] = src
    return found


def test_embed_snippet_carries_the_view(use_demo_db: Path) -> None:
    params = {LANG: "en", MEASURE: "units", TARGET: "relative", WAVE: "2020", COUNTY: "46"}
    sources = embed_sources(open_page(COUNTIES, params))
    assert list(sources) == [t("figure_ranking", "en"), t("figure_multiples", "en")]
    src = sources[t("figure_ranking", "en")]
    assert "&amp;" in src and "&" not in src.replace("&amp;", ""), "escaped for an attribute"
    url = urlsplit(src.replace("&amp;", "&"))
    assert url.scheme == "" and url.path == "/fylker", "relative without TRACKER_PUBLIC_URL"
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert query == {
        **params,
        PRESENTATION: "1",
        FIGURE: "ranking",
        SLIDE_HEIGHT: str(slide.EMBED_HEIGHT),
    }


def test_embed_snippet_uses_the_public_url(
    use_demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKER_PUBLIC_URL", "https://tracker.example.no/30/")
    at = open_page(OVERVIEW, {FIGURE: "trend", TITLE: 'Halvveis "nå"'})
    src = embed_sources(at)[t("figure_trend", "nb")].replace("&amp;", "&")
    assert src.startswith("https://tracker.example.no/30/?")
    assert parse_qs(urlsplit(src).query)[TITLE] == ['Halvveis "nå"']
    assert all("&quot;" not in s or '"' not in s for s in embed_sources(at).values())


def test_embed_snippet_escapes_attributes() -> None:
    snippet = slide.embed_snippet('/x?a=1&b="><script>', 'T "<b>"', 960, 540)
    assert snippet == (
        '<iframe src="/x?a=1&amp;b=&quot;&gt;&lt;script&gt;" width="960" height="540" '
        'title="T &quot;&lt;b&gt;&quot;" style="border:0" loading="lazy"></iframe>'
    )


@pytest.mark.parametrize(
    "bad",
    [
        "tracker.example.no",
        "ftp://x.no",
        "https://",
        "https://x.no/?a=1",
        "https://x.no/#f",
        'https://x.no/"><script>',
        "javascript:alert(1)",
        "https://user@x.no",
    ],
)
def test_public_url_setting_is_strict(bad: str) -> None:
    with pytest.raises(SettingsError, match="TRACKER_PUBLIC_URL"):
        load_settings({"TRACKER_PUBLIC_URL": bad})


def test_public_url_setting_accepts_http_addresses() -> None:
    assert load_settings({}).public_url == ""
    assert load_settings({"TRACKER_PUBLIC_URL": " https://x.no/a/ "}).public_url == "https://x.no/a"


def test_chart_pack_has_alt_text_with_each_summary(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export, "render", lambda fig, fmt, preset, background=False: b"image")
    charts = [
        ("fou-samarbeid-norge-utvikling-2024-kommuner", go.Figure()),
        ("fou-samarbeid-fylker-andel-2024-kommuner", go.Figure(layout={"title": "<b>Andel</b>"})),
    ]
    summaries = {charts[0][0]: "Andelen har steget fra 15 % til 22,5 %."}
    notes = export.alt_text(charts, summaries, t("alt_text_file", "nb"))
    pack = zipfile.ZipFile(io.BytesIO(export.chart_pack(charts, notes=notes)))
    assert "alt-tekst.txt" in pack.namelist()
    text = pack.read("alt-tekst.txt").decode("utf-8")
    assert text == (
        "fou-samarbeid-norge-utvikling-2024-kommuner.png, "
        "fou-samarbeid-norge-utvikling-2024-kommuner.svg\n"
        "Andelen har steget fra 15 % til 22,5 %.\n\n"
        "fou-samarbeid-fylker-andel-2024-kommuner.png, "
        "fou-samarbeid-fylker-andel-2024-kommuner.svg\n"
        "Andel\n"
    )
    assert t("alt_text_file", "en") == "alt-text.txt"


@pytest.mark.parametrize("params", [{}, {PRESENTATION: "1", FIGURE: "trend"}])
def test_charts_are_drawn_with_the_house_template_only(use_demo_db: Path, params: dict) -> None:
    # theme=None on every chart, on a page and on a one-chart slide: Streamlit's theme on top
    # would change fonts and colours (its grey axis labels fail the contrast the README claims).
    at = open_page(OVERVIEW, params)
    charts = at.get("plotly_chart")
    assert charts and all(chart.proto.theme == "" for chart in charts)


def test_downloads_render_the_figure_as_built_not_the_screen_copy(
    use_demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracker.app import chart_block

    handed: list[go.Figure] = []

    def record(fig: go.Figure, fmt: str, preset: str):  # type: ignore[no-untyped-def]
        handed.append(fig)
        return lambda: b""

    monkeypatch.setattr(chart_block, "_deferred_image", record)
    at = open_page(OVERVIEW)
    drawn = [json.loads(chart.proto.spec)["layout"]["title"] for chart in at.get("plotly_chart")]
    assert handed and len(handed) == 2 * len(drawn)  # PNG and SVG per chart
    for fig in handed:
        # The screen copy pins the title to the top below the toolbar; the built one does not.
        assert fig.layout.title.yref != "container", fig.layout.title
    assert all(title.get("yref") == "container" for title in drawn)
