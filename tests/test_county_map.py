"""The county map: the shipped boundaries, their checks, the chart builder and the Oversikt switch.

The boundaries are checked as a reader of the file would (size, the 15 counties, closed rings
that do not cross themselves); the figure on its dict (one filled trace per county, colours from
the input rows, hover with n, pale unsettled statuses, demo mark, Kartverket credit, a map that
keeps Norway's shape); the page with AppTest (``?kart=status`` draws the map).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from support.app import open_page, unwrapped

from tracker.app.contract import LANG, MAP_VIEW, OVERVIEW, widget_key
from tracker.data import geo, reference
from tracker.data.reference import ReferenceDataError
from tracker.present import county_map, style
from tracker.present.chart_parts import ChartContext
from tracker.present.format import NBSP
from tracker.present.i18n import t
from tracker.stats.progress import STATUSES

GEOJSON = geo.COUNTY_GEOJSON
CODES = list(reference.counties()["county_code"])
NAMES = dict(zip(CODES, reference.counties()["county_name"], strict=True))


# --- the shipped file -------------------------------------------------------------------------


def test_simplified_file_is_well_under_200_kb() -> None:
    assert GEOJSON.stat().st_size < 200_000


def test_file_holds_the_15_reference_counties_with_their_names() -> None:
    shapes = geo.county_shapes()
    assert list(shapes) == sorted(CODES) and len(shapes) == 15
    assert {code: shape.name for code, shape in shapes.items()} == NAMES


def test_file_credits_kartverket() -> None:
    collection = json.loads(GEOJSON.read_text(encoding="utf-8"))
    assert collection["attribution"] == geo.ATTRIBUTION == "Kartverket, CC BY 4.0"
    for feature in collection["features"]:
        assert set(feature["properties"]) == {"county_code", "county_name"}


def edges_cross(ring: np.ndarray) -> bool:
    """Any two non-adjacent edges of the closed ring properly cross (written out apart from
    scripts/simplify_geojson.py, so that the script is checked, not repeated)."""
    a, b = ring[:-1], ring[1:]
    n = len(a)
    for i in range(n):
        for j in range(i + 2, n):
            if i == 0 and j == n - 1:
                continue
            p, r = a[i], b[i] - a[i]
            q, s = a[j], b[j] - a[j]
            denominator = r[0] * s[1] - r[1] * s[0]
            if denominator == 0:
                continue
            u = ((q - p)[0] * s[1] - (q - p)[1] * s[0]) / denominator
            v = ((q - p)[0] * r[1] - (q - p)[1] * r[0]) / denominator
            if 0 < u < 1 and 0 < v < 1:
                return True
    return False


def test_every_polygon_is_closed_inside_norway_and_does_not_cross_itself() -> None:
    for code, shape in geo.county_shapes().items():
        assert shape.parts, code
        for part in shape.parts:
            assert len(part) >= 4 and (part[0] == part[-1]).all(), code
            lon, lat = part[:, 0], part[:, 1]
            assert lon.min() > 4 and lon.max() < 32 and lat.min() > 57.5 and lat.max() < 71.5
            area = abs(np.dot(lon, np.roll(lat, -1)) - np.dot(lat, np.roll(lon, -1))) / 2
            assert area > 0, code
    # The crossing check is quadratic: the largest part of each county is where it matters.
    for code, shape in geo.county_shapes().items():
        largest = max(shape.parts, key=len)
        assert not edges_cross(largest), f"county {code}'s outline crosses itself"


# --- loading errors ---------------------------------------------------------------------------


def feature(code: str, ring: list[list[float]] | None = None) -> dict:
    ring = ring or [[10.0, 60.0], [11.0, 60.0], [11.0, 61.0], [10.0, 60.0]]
    return {
        "type": "Feature",
        "properties": {"county_code": code, "county_name": NAMES.get(code, "X")},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def collection(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


def test_a_missing_file_says_how_to_rebuild_it(tmp_path: Path) -> None:
    with pytest.raises(ReferenceDataError, match=r"missing.*simplify_geojson\.py"):
        geo.county_shapes(tmp_path / "counties_2024.geojson")


def test_a_broken_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "broken.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    with pytest.raises(ReferenceDataError, match=r"broken.geojson is not valid JSON"):
        geo.county_shapes(path)


def test_every_problem_is_reported_at_once() -> None:
    open_ring = [[10.0, 60.0], [11.0, 60.0], [11.0, 61.0], [10.5, 60.5]]
    features = [feature(code) for code in CODES if code not in ("03", "46", "50")]
    features += [feature("46", open_ring), feature("99"), feature("11")]
    with pytest.raises(ReferenceDataError) as raised:
        geo.parse_counties(collection(features), "test.geojson")
    message = str(raised.value)
    assert "(county 46): part 1 is not closed" in message
    assert "county 11 appears twice" in message
    assert "lacks the counties 03, 50" in message
    assert "counties.csv lacks: 99" in message
    assert "simplify_geojson.py" in message


def test_a_point_outside_longitude_and_latitude_is_refused() -> None:
    bad = [[10.0, 60.0], [200.0, 60.0], [11.0, 61.0], [10.0, 60.0]]
    features = [feature(code, bad if code == "03" else None) for code in CODES]
    with pytest.raises(ReferenceDataError, match="outside longitude/latitude"):
        geo.parse_counties(collection(features), "test.geojson")


# --- the figure -------------------------------------------------------------------------------


def county_rows(uncertain: frozenset[str] = frozenset()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(progress, kpis): every status appears; Oslo's share is suppressed."""
    kpis, progress = [], []
    for i, code in enumerate(CODES):
        share = None if code == "03" else 0.05 + 0.02 * i
        kpis.append(
            {
                "area_code": code,
                "area_name": NAMES[code],
                "wave_year": 2024,
                "n": 3 if share is None else 20 + i,
                "share": share,
                "ci_low": None if share is None else share - 0.04,
                "ci_high": None if share is None else share + 0.06,
            }
        )
        progress.append(
            {
                "area_code": code,
                "area_name": NAMES[code],
                "status": STATUSES[i % len(STATUSES)],
                "status_settled": code not in uncertain,
                "status_probability": 0.62 if code in uncertain else 0.95,
                "probability_on_track_or_better": 0.4,
            }
        )
    return pd.DataFrame(progress), pd.DataFrame(kpis)


def ctx(lang: str = "nb", demo: bool = True) -> ChartContext:
    return ChartContext(lang=lang, demo=demo, subtitle="Definisjon", source="Kilde: KS, bølge 2024")


def county_traces(fig) -> dict[str, object]:
    return {trace.meta: trace for trace in fig.data if trace.fill == "toself"}


def test_one_filled_trace_per_county_drawn_without_any_map_service() -> None:
    progress, kpis = county_rows()
    for colour_by in county_map.COLOUR_BY:
        fig = county_map.county_map(progress, kpis, ctx=ctx(), colour_by=colour_by)
        traces = county_traces(fig)
        assert sorted(traces) == sorted(CODES)
        assert {trace.name for trace in traces.values()} == set(NAMES.values())
        # Geo traces and layout.geo would make Plotly fetch topojson from a CDN.
        assert {trace.type for trace in fig.data} == {"scatter"}
        assert fig.to_dict()["layout"].get("geo") is None
        assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.yaxis.scaleratio == 1
        assert fig.layout.xaxis.visible is False and fig.layout.yaxis.visible is False


def test_status_colours_follow_the_rows_and_unsettled_ones_are_pale() -> None:
    progress, kpis = county_rows(uncertain=frozenset({"15", "50"}))
    fig = county_map.county_map(progress, kpis, ctx=ctx(), colour_by="status")
    traces = county_traces(fig)
    for row in progress.itertuples():
        colour = style.STATUS_STYLE[row.status]["colour"]
        expected = style.pale(colour) if row.area_code in ("15", "50") else colour
        assert traces[row.area_code].fillcolor == expected, row.area_code
    labels = next(trace for trace in fig.data if trace.mode == "text")
    # Unsettled is not told by colour alone: a question mark by the icon, words in the hover.
    assert sum(text.endswith("?") for text in labels.text) == 2
    assert f"Usikker – trolig må øke farten (62{NBSP}%)" in traces["15"].text
    legend = [trace.name for trace in fig.data if trace.showlegend is not False]
    assert t("map_legend_uncertain", "nb") in legend
    settled = county_map.county_map(*county_rows(), ctx=ctx(), colour_by="status")
    assert t("map_legend_uncertain", "nb") not in [trace.name for trace in settled.data]


def test_share_colours_follow_the_shares() -> None:
    progress, kpis = county_rows()
    fig = county_map.county_map(progress, kpis, ctx=ctx(), colour_by="share", target_share=0.3)
    traces = county_traces(fig)
    upper = county_map.share_scale_top(kpis["share"], 0.3)
    assert upper == pytest.approx(0.4)  # the highest share is 33 %: the scale ends at 40 %
    shown = kpis.dropna(subset=["share"]).sort_values("share")
    for row in shown.itertuples():
        assert traces[row.area_code].fillcolor == county_map.share_colour(row.share, upper)
    # Darker with a higher share, grey where the share is not shown.
    fills = [traces[code].fillcolor for code in shown["area_code"]]
    brightness = [sum(int(c) for c in f[4:-1].split(",")) for f in fills]
    assert brightness == sorted(brightness, reverse=True) and len(set(brightness)) > 10
    assert traces["03"].fillcolor == county_map.NO_SHARE_COLOUR
    colour_bar = next(tr for tr in fig.data if tr.marker.showscale).marker.colorbar
    assert f"Mål 30{NBSP}%" in colour_bar.ticktext
    assert t("map_legend_no_share", "nb") in [trace.name for trace in fig.data]


def test_hover_carries_name_share_interval_n_and_status() -> None:
    progress, kpis = county_rows()
    fig = county_map.county_map(progress, kpis, ctx=ctx(), colour_by="share", min_n=5)
    traces = county_traces(fig)
    vestland = traces["46"].text
    row = kpis.set_index("area_code").loc["46"]
    assert vestland.startswith("Vestland: ")
    assert f"n = {row['n']}" in vestland and "95 % KI" in vestland
    assert f"I rute eller bedre: 40{NBSP}%" in vestland
    assert traces["46"].hoveron == "fills" and traces["46"].hoverinfo == "text"
    assert "færre enn 5 svar (n = 3)" in traces["03"].text
    labels = next(trace for trace in fig.data if trace.mode == "text")
    assert sorted(labels.hovertext) == sorted(trace.text for trace in traces.values())


def test_demo_mark_and_kartverket_credit_are_on_the_figure() -> None:
    progress, kpis = county_rows()
    fig = county_map.county_map(progress, kpis, ctx=ctx(), colour_by="status")
    texts = [a.text for a in fig.layout.annotations]
    assert any(t("demo_mark", "nb") in text for text in texts)
    assert any(text.startswith("Kilde: KS") and "Kartverket, CC BY 4.0" in text for text in texts)
    real = county_map.county_map(progress, kpis, ctx=ctx(demo=False), colour_by="status")
    assert not any(t("demo_mark", "nb") in a.text for a in real.layout.annotations)


def test_english_titles_and_credit() -> None:
    progress, kpis = county_rows()
    fig = county_map.county_map(progress, kpis, ctx=ctx("en"), colour_by="share")
    assert fig.layout.title.text == f"<b>{t('chart_dots_title', 'en', wave=2024)}</b>"
    assert any("Map: Kartverket, CC BY 4.0." in a.text for a in fig.layout.annotations)


def test_projection_keeps_norways_shape() -> None:
    fig = county_map.county_map(*county_rows(), ctx=ctx(), colour_by="status")
    traces = county_traces(fig)

    def middle(code: str) -> tuple[float, float]:
        x = np.array([v for v in traces[code].x if v is not None])
        y = np.array([v for v in traces[code].y if v is not None])
        return float(x.mean()), float(y.mean())

    finnmark, vestland, oslo = middle("56"), middle("46"), middle("03")
    nordland, agder = middle("18"), middle("42")
    assert finnmark[0] > vestland[0] and finnmark[1] > vestland[1]  # north-east of Vestland
    assert oslo[0] > vestland[0] and agder[1] < oslo[1] < nordland[1]
    # Kilometres: Lindesnes to the North Cape is some 1 500 km as the crow flies.
    ys = [v for trace in traces.values() for v in trace.y if v is not None]
    assert 1_350 < max(ys) - min(ys) < 1_650


def test_a_county_without_data_is_still_drawn() -> None:
    progress, kpis = county_rows()
    keep = progress["area_code"] != "56"
    fig = county_map.county_map(progress[keep], kpis[kpis["area_code"] != "56"], ctx=ctx())
    finnmark = county_traces(fig)["56"]
    assert finnmark.fillcolor == style.STATUS_STYLE["insufficient_data"]["colour"]


def test_names_are_escaped_and_colour_choice_checked() -> None:
    progress, kpis = county_rows()
    progress.loc[progress["area_code"] == "46", "area_name"] = "<b>Vestland</b>"
    fig = county_map.county_map(progress, kpis, ctx=ctx())
    assert county_traces(fig)["46"].name == "&lt;b&gt;Vestland&lt;/b&gt;"
    with pytest.raises(ValueError, match="colour_by"):
        county_map.county_map(progress, kpis, ctx=ctx(), colour_by="rainbow")  # type: ignore[arg-type]


def test_labels_sit_inside_their_counties() -> None:
    shapes = geo.county_shapes()
    for code in ("18", "46", "32", "03"):
        parts = [np.column_stack(county_map.project(p[:, 0], p[:, 1])) for p in shapes[code].parts]
        x, y = county_map.label_point(parts)
        largest = max(parts, key=len)
        assert county_map._inside(np.array([[x, y]]), largest)[0], code


# --- the page ---------------------------------------------------------------------------------


def map_specs(at) -> list[dict]:
    charts = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    return [c for c in charts if sum(tr.get("fill") == "toself" for tr in c["data"]) == 15]


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_overview_draws_the_map_when_asked(use_demo_db: Path, lang: str) -> None:
    at = open_page(OVERVIEW, {MAP_VIEW: "status", LANG: lang})
    maps = map_specs(at)
    assert len(maps) == 1
    layout = unwrapped(json.dumps(maps[0]["layout"], ensure_ascii=False))
    assert "Kartverket, CC BY 4.0" in layout
    assert t("chart_tiles_title", lang, wave=2024) in layout
    assert at.query_params[MAP_VIEW] == ["status"] or at.query_params[MAP_VIEW] == "status"
    assert len(at.get("plotly_chart")) == 3  # the map replaces the tiles, not adds to them


def test_overview_keeps_the_tiles_by_default_and_ignores_a_bad_value(use_demo_db: Path) -> None:
    at = open_page(OVERVIEW)
    assert map_specs(at) == [] and len(at.get("plotly_chart")) == 3
    bad = open_page(OVERVIEW, {MAP_VIEW: "<svg onload=alert(1)>"})
    assert map_specs(bad) == []
    assert any(MAP_VIEW in info.value for info in bad.info)


def test_map_view_switch_changes_the_map(use_demo_db: Path) -> None:
    at = open_page(OVERVIEW, {MAP_VIEW: "share"})
    spec = map_specs(at)[0]
    assert any(tr.get("marker", {}).get("showscale") for tr in spec["data"])
    at.radio(key=widget_key(MAP_VIEW)).set_value("status").run()
    assert not at.exception
    assert not any(tr.get("marker", {}).get("showscale") for tr in map_specs(at)[0]["data"])
