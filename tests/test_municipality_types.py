"""Kommunetyper and similar municipalities (issue 13): the comparison rule, the charts, the pages.

The page tests recompute what a page must say from the KPI tables (``kpi.kpi_table``, the numbers
``python -m tracker kpi`` prints) and ``difference_from``, and the list of similar municipalities
straight from the demo survey files, so a page that shows other numbers, or claims a difference
its interval does not support, fails here.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from support.app import assert_page_frame, cli_rows, open_page, unwrapped

from tracker.app.contract import (
    COUNTY,
    LANG,
    MEASURE,
    MUNICIPALITIES,
    MUNICIPALITY,
    MUNICIPALITY_TYPES,
    PEERS,
    SEARCH,
    WAVE,
    url_path,
    widget_key,
)
from tracker.data.db import Snapshot, open_snapshot
from tracker.data.settings import PROJECT_ROOT, load_settings
from tracker.present import format as fmt
from tracker.present import group_charts, group_views
from tracker.present.chart_parts import ChartContext
from tracker.present.groups import group_name
from tracker.present.i18n import t
from tracker.present.markdown import escape_markdown
from tracker.stats import kpi
from tracker.stats.uncertainty import Z95, difference_from

SHOWN = ("centrality", "size")  # the groupings Kommunetyper shows, in page order
REFERENCE = PROJECT_ROOT / "data" / "reference"


def row(code: str, share: float, se: float, wave: int = 2024, n: int = 50) -> dict:
    """A KPI row whose 95 % interval is share ± 1.959964·se, so its se reads back exactly."""
    return {
        "area_code": code,
        "area_name": code,
        "wave_year": wave,
        "n": n,
        "share": share,
        "ci_low": share - Z95 * se,
        "ci_high": share + Z95 * se,
    }


def hidden(code: str, wave: int = 2024, n: int = 3) -> dict:
    return {"area_code": code, "area_name": code, "wave_year": wave, "n": n}


# --- the comparison rule -------------------------------------------------------------------------


def test_highest_vs_lowest_by_hand() -> None:
    table = pd.DataFrame([row("1", 0.30, 0.02), row("2", 0.40, 0.03), row("3", 0.20, 0.04)])
    table = pd.concat([table, pd.DataFrame([hidden("4")])], ignore_index=True)
    gap = group_views.highest_vs_lowest(table)
    assert gap is not None
    # 0.40 − 0.20 = 0.20; se = √(0.03² + 0.04²) = 0.05; half width 1.959964 × 0.05 = 0.0979982.
    # Group 4 is suppressed (no share): it takes no part.
    assert (gap.high_code, gap.low_code) == ("2", "3")
    assert (gap.high_share, gap.low_share) == (pytest.approx(0.40), pytest.approx(0.20))
    assert gap.difference == pytest.approx(0.20)
    assert (gap.low, gap.high) == (pytest.approx(0.1020018), pytest.approx(0.2979982))
    assert gap.clear
    text = group_views.gap_sentence(gap, "centrality", 2024, "nb")
    assert text == t("types_clear", "nb", **placeholders_of(gap, "centrality", "nb"))
    assert "(+10,2\u00a0p.p. til +29,8\u00a0p.p.)" in text


def placeholders_of(gap: group_views.GroupGap, grouping: str, lang: str) -> dict:
    return {
        "wave": 2024,
        "high": group_name(grouping, gap.high_code, lang),
        "high_share": fmt.share(gap.high_share, lang),
        "low": group_name(grouping, gap.low_code, lang),
        "low_share": fmt.share(gap.low_share, lang),
        "difference": fmt.pp(100 * gap.difference, lang),
        "diff_low": fmt.pp(100 * gap.low, lang),
        "diff_high": fmt.pp(100 * gap.high, lang),
    }


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_a_gap_whose_interval_includes_zero_is_never_called_clear(lang: str) -> None:
    table = pd.DataFrame([row("1", 0.25, 0.03), row("2", 0.20, 0.04)])
    gap = group_views.highest_vs_lowest(table)
    assert gap is not None
    # 0.05 ± 0.0979982 → (−0.0479982, 0.1479982): includes 0.
    assert (gap.low, gap.high) == (pytest.approx(-0.0479982), pytest.approx(0.1479982))
    assert not gap.clear
    text = group_views.gap_sentence(gap, "kostra_group", 2024, lang)
    assert text == t("types_no_clear", lang, **placeholders_of(gap, "kostra_group", lang))
    assert text != t("types_clear", lang, **placeholders_of(gap, "kostra_group", lang))


def test_ties_and_too_few_groups() -> None:
    # Equal shares: the highest is the first and the lowest the last, never the same group.
    tied = pd.DataFrame([row("1", 0.2, 0.03), row("2", 0.2, 0.03), row("3", 0.2, 0.03)])
    gap = group_views.highest_vs_lowest(tied)
    assert gap is not None and (gap.high_code, gap.low_code) == ("1", "3")
    assert gap.difference == 0 and not gap.clear
    one = pd.DataFrame([row("1", 0.2, 0.03), hidden("2")])
    assert group_views.highest_vs_lowest(one) is None
    assert group_views.gap_sentence(None, "size", 2020, "en") == t("types_too_few", "en", wave=2020)


def test_versus_sentence_names_groups_clearly_above_and_below() -> None:
    latest = pd.DataFrame([row("1", 0.40, 0.03), row("2", 0.20, 0.03), row("3", 0.10, 0.02)])
    latest = pd.concat([latest, pd.DataFrame([hidden("4")])], ignore_index=True)
    national = pd.DataFrame([row("NO", 0.20, 0.01)])
    versus = kpi.versus_national(latest, national)
    # 1: +0.20 ± 1.96·√(0.03² + 0.01²) → clearly above; 2: 0 → no clear; 3: −0.10 ± 0.044 → below
    assert list(versus["verdict"]) == ["above", "no_clear", "below", None]
    text = group_views.versus_sentence(latest, versus, national, "centrality", 2024, "en", 5)
    name = {code: group_name("centrality", code, "en") for code in "1234"}
    summary = " ".join(
        [
            t("summary_versus_above", "en", areas=name["1"]),
            t("summary_versus_below", "en", areas=name["3"]),
            t("types_versus_no_clear", "en", count=1, total=3),
            t("summary_hidden", "en", min_n=5, areas=name["4"]),
        ]
    )
    assert text == t("types_versus", "en", wave=2024, share="20.0%", summary=summary)


# --- the chart -----------------------------------------------------------------------------------


def numbers(value: object) -> list[float]:
    """A Plotly array from a figure's JSON (plain list, or base64-encoded typed array)."""
    if isinstance(value, dict):
        return list(np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]))
    return [float(v) for v in value]


CTX = ChartContext(lang="nb", demo=True, subtitle="Definisjon", source="Kilde: test.")


def test_grouping_chart_marks_waves_and_suppressed_groups() -> None:
    kpis = pd.DataFrame(
        [
            row("1", 0.10, 0.02, 2018),
            row("2", 0.20, 0.02, 2018),
            row("1", 0.30, 0.02, 2024),
            hidden("2", 2024),
        ]
    )
    fig = group_charts.grouping_chart(kpis, "centrality", ctx=CTX, min_n=5, national_share=0.2)
    spec = json.loads(fig.to_json())
    markers = {tr["name"]: tr for tr in spec["data"] if tr.get("mode") == "markers"}
    assert list(markers) == ["2018", "2024"]
    assert numbers(markers["2018"]["x"]) == pytest.approx([10.0, 20.0])
    assert numbers(markers["2024"]["x"]) == pytest.approx([30.0])
    # Rows 0 and 1 (first group on top); 2018 above 2024 within a row.
    assert numbers(markers["2018"]["y"]) == pytest.approx([-0.3, 0.7])
    assert numbers(markers["2024"]["y"]) == pytest.approx([0.3])
    assert markers["2018"]["marker"]["symbol"] != markers["2024"]["marker"]["symbol"]
    texts = [tr for tr in spec["data"] if tr.get("mode") == "text"]
    assert [tr["text"] for tr in texts] == [["2024: " + t("suppressed", "nb", min_n=5)]]
    assert numbers(texts[0]["y"]) == pytest.approx([1.3])
    layout = spec["layout"]
    assert layout["yaxis"]["ticktext"][:2] == [t("group_centrality_1", "nb"), "Sentralitet 2"]
    assert t("chart_types_title_centrality", "nb") in layout["title"]["text"]
    notes = [a["text"] for a in layout["annotations"]]
    assert "Kilde: test. " + t("types_source", "nb") in notes
    assert any(t("demo_mark", "nb") in note for note in notes)


def test_similar_chart_escapes_names_from_the_data() -> None:
    shares = pd.DataFrame(
        [row(code, 0.2, 0.02) for code in ("kostra_group", "county", "national")]
    ).assign(area_name=["KOSTRA-gruppe 7", "<b>Vest</b>", "Norge"])
    fig = group_charts.similar_chart(
        shares, group="KOSTRA-gruppe 7", county="<b>Vest</b>", ctx=CTX, min_n=5
    )
    text = json.dumps(json.loads(fig.to_json()), ensure_ascii=False)
    assert "<b>Vest</b>" not in text and "&lt;b&gt;Vest&lt;/b&gt;" in text


# --- the Kommunetyper page -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_snapshot(demo_db: Path) -> Iterator[Snapshot]:
    snap = open_snapshot(demo_db)
    yield snap
    snap.close()


def chart_points(spec: dict) -> dict[tuple[str, int], float]:
    """(row label, wave) → plotted share (0–100) of every marker in a shares_by_wave chart."""
    labels = spec["layout"]["yaxis"]["ticktext"]
    points = {}
    for trace in spec["data"]:
        if trace.get("mode") != "markers" or not trace.get("name", "").isdigit():
            continue
        for x, y in zip(numbers(trace["x"]), numbers(trace["y"]), strict=True):
            points[(labels[round(y)], int(trace["name"]))] = x
    return points


def expected_points(kpis: pd.DataFrame, names: dict[str, str]) -> dict[tuple[str, int], float]:
    shown = kpis.dropna(subset=["share"])
    return {
        (names[code], int(wave)): 100 * share
        for code, wave, share in zip(
            shown["area_code"], shown["wave_year"], shown["share"], strict=True
        )
    }


def expected_gap_sentence(latest: pd.DataFrame, grouping: str, wave: int, lang: str) -> str:
    """Highest against lowest, worked out here from the KPI rows with difference_from."""
    shown = latest.dropna(subset=["share"])
    top = shown.loc[shown["share"].idxmax()]
    bottom = shown.loc[shown["share"].idxmin()]
    diff = difference_from(
        np.array([top["share"]]),
        np.array([top["ci_low"]]),
        np.array([top["ci_high"]]),
        bottom["share"],
        bottom["ci_low"],
        bottom["ci_high"],
    )
    low, high = float(diff.low[0]), float(diff.high[0])
    clear = low > 0 or high < 0
    return t(
        "types_clear" if clear else "types_no_clear",
        lang,
        wave=wave,
        high=group_name(grouping, str(top["area_code"]), lang),
        high_share=fmt.share(top["share"], lang),
        low=group_name(grouping, str(bottom["area_code"]), lang),
        low_share=fmt.share(bottom["share"], lang),
        difference=fmt.pp(100 * float(diff.difference[0]), lang),
        diff_low=fmt.pp(100 * low, lang),
        diff_high=fmt.pp(100 * high, lang),
    )


def markdown_text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_page_shows_both_groupings_with_the_kpi_numbers_and_clear_differences(
    use_demo_db: Path, demo_snapshot: Snapshot, lang: str
) -> None:
    at = open_page(MUNICIPALITY_TYPES, {LANG: lang})
    assert_page_frame(at, lang)
    assert at.title[0].value == t("nav_municipality_types", lang)
    headings = [s.value for s in at.subheader]
    assert headings[:2] == [t(f"types_heading_{g}", lang) for g in SHOWN]
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    assert len(charts) == 2
    settings = load_settings()
    wave = max(int(w) for w in demo_snapshot.query("waves_by_year")["wave_year"])
    text = markdown_text(at)
    national = kpi.kpi_table(demo_snapshot.query, "national", "municipalities", settings, wave=wave)
    verdicts = []
    for grouping, spec in zip(SHOWN, charts, strict=True):
        assert t(f"chart_types_title_{grouping}", lang) in unwrapped(
            spec["layout"]["title"]["text"]
        )
        kpis = kpi.kpi_table(demo_snapshot.query, grouping, "municipalities", settings)
        names = {c: group_name(grouping, c, lang) for c in kpis["area_code"]}
        assert chart_points(spec) == pytest.approx(expected_points(kpis, names))
        latest = kpis[kpis["wave_year"] == wave]
        sentence = expected_gap_sentence(latest, grouping, wave, lang)
        assert escape_markdown(sentence) in text
        verdicts.append(sentence.split(".")[0])
        # Against Norway: every group that differs clearly is named, and only those.
        versus = kpi.versus_national(latest, national)
        above = [names[c] for c in versus.loc[versus["verdict"] == "above", "area_code"]]
        if above:
            areas = ", ".join(above)
            assert escape_markdown(t("summary_versus_above", lang, areas=areas)) in text
        unclear = int((versus["verdict"] == "no_clear").sum())
        total = int(versus["verdict"].notna().sum())
        no_clear = t("types_versus_no_clear", lang, count=unclear, total=total)
        assert (escape_markdown(no_clear) in text) == (unclear > 0)
    # The demo has a clear gap by size and none by centrality in the latest wave: both wordings
    # are checked, so a page that always says one of them fails.
    assert len(set(verdicts)) == 2, verdicts


def test_table_alternative_equals_the_kpi_table(use_demo_db: Path, demo_snapshot: Snapshot) -> None:
    at = open_page(MUNICIPALITY_TYPES, {MEASURE: "units"})
    tables = [d.value for d in at.dataframe]
    assert len(tables) == 2
    settings = load_settings()
    for grouping, table in zip(SHOWN, tables, strict=True):
        kpis = kpi.kpi_table(demo_snapshot.query, grouping, "units", settings)
        assert list(table[t("col_group", "nb")]) == [
            group_name(grouping, c, "nb") for c in kpis["area_code"]
        ]
        assert list(table[t("col_n", "nb")]) == list(kpis["n"])
        assert list(table[t("col_share", "nb")]) == [fmt.share(s, "nb") for s in kpis["share"]]


@pytest.mark.parametrize("measure", ["municipalities", "units"])
def test_page_numbers_equal_the_cli(use_demo_db: Path, measure: str) -> None:
    """What the page plots and tabulates is what ``python -m tracker kpi --by GROUPING`` prints."""
    at = open_page(MUNICIPALITY_TYPES, {MEASURE: measure})
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    tables = [d.value for d in at.dataframe]
    for grouping, spec, table in zip(SHOWN, charts, tables, strict=True):
        rows = cli_rows("kpi", "--by", grouping, "--measure", measure, db=use_demo_db)
        assert [r["area_name"] for r in rows] == list(table[t("col_group", "nb")])
        assert [int(r["n"]) for r in rows] == list(table[t("col_n", "nb")])
        plotted = {
            (r["area_name"], int(r["wave_year"])): 100 * float(r["share"])
            for r in rows
            if r["share"]
        }
        assert chart_points(spec) == pytest.approx(plotted, abs=1e-3)  # the CLI rounds to 1e-6
        suppressed = {r["area_name"] for r in rows if r["suppressed"] == "true"}
        texts = [tr for tr in spec["data"] if tr.get("mode") == "text"]
        assert bool(texts) == bool(suppressed), "suppressed groups are marked in the chart"


def test_deep_link_keeps_measure_and_wave(use_demo_db: Path, demo_snapshot: Snapshot) -> None:
    assert url_path(MUNICIPALITY_TYPES) == "/kommunetyper"
    at = open_page(MUNICIPALITY_TYPES, {MEASURE: "units", WAVE: "2020", LANG: "en"})
    assert at.sidebar.radio(key=widget_key(MEASURE)).value == "units"
    assert at.sidebar.selectbox(key=widget_key(WAVE)).value == "2020"
    assert at.query_params[MEASURE] == "units" and at.query_params[WAVE] == "2020"
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    waves = [tr["name"] for tr in spec["data"] if tr.get("mode") == "markers"]
    assert waves == ["2018", "2020"], "the page shows the waves up to the chosen one"
    kpis = kpi.kpi_table(demo_snapshot.query, "centrality", "units", load_settings())
    kpis = kpis[kpis["wave_year"] <= 2020]
    names = {c: group_name("centrality", c, "en") for c in kpis["area_code"]}
    assert chart_points(spec) == pytest.approx(expected_points(kpis, names))
    latest = kpis[kpis["wave_year"] == 2020]
    assert escape_markdown(expected_gap_sentence(latest, "centrality", 2020, "en")) in (
        markdown_text(at)
    )


def test_a_bad_wave_in_the_link_is_ignored_with_a_notice(use_demo_db: Path) -> None:
    at = open_page(MUNICIPALITY_TYPES, {WAVE: "1999"})
    assert any(f"«{WAVE}»" in notice.body for notice in at.info)
    assert len(at.get("plotly_chart")) == 2


# --- similar municipalities on Kommuner ---------------------------------------------------------


def collaborating_in_demo_files(code: str, role: str, wave: int) -> set[tuple[str, str]]:
    """(name, county) of the other municipalities of ``code``'s KOSTRA group with a yes in the
    demo survey file of ``wave``, read from the files themselves, not through the database."""
    profiles = pd.read_csv(REFERENCE / "municipality_profiles_2024.csv", dtype=str)
    group = profiles.set_index("municipality_code").loc[code, "kostra_group"]
    members = set(profiles.loc[profiles["kostra_group"] == group, "municipality_code"]) - {code}
    survey = pd.read_csv(PROJECT_ROOT / "data" / "demo" / f"demo_survey_{wave}.csv", dtype=str)
    municipalities = pd.read_csv(REFERENCE / "municipalities.csv", dtype=str)
    assert set(survey["municipality_code"]) <= set(municipalities["municipality_code"])
    yes = survey[
        (survey["respondent_role"] == role)
        & (survey["innovated"] == "1")
        & (survey["research_collaboration"] == "1")
        & survey["municipality_code"].isin(members)
    ]
    counties = pd.read_csv(REFERENCE / "counties.csv", dtype=str).set_index("county_code")
    named = municipalities.set_index("municipality_code").loc[sorted(set(yes["municipality_code"]))]
    return {
        (name, counties.loc[county, "county_name"])
        for name, county in zip(named["municipality_name"], named["county_code"], strict=True)
    }


def answered_yes_in_demo_files(code: str, role: str, wave: int) -> bool:
    survey = pd.read_csv(PROJECT_ROOT / "data" / "demo" / f"demo_survey_{wave}.csv", dtype=str)
    mine = survey[(survey["municipality_code"] == code) & (survey["respondent_role"] == role)]
    return bool(((mine["innovated"] == "1") & (mine["research_collaboration"] == "1")).any())


#: (municipality, its name and county, measure, role). Voss did not report collaboration in the
#: latest demo wave (neither measure), Hå did: the list must leave Hå itself out.
SIMILAR_CASES = [
    ("4621", "Voss", "46", "Vestland", "municipalities", "chief_executive", False),
    ("4621", "Voss", "46", "Vestland", "units", "unit_leader", False),
    ("1119", "Hå", "11", "Rogaland", "municipalities", "chief_executive", True),
]


@pytest.mark.parametrize(
    ("code", "name", "county", "county_name", "measure", "role", "itself_yes"), SIMILAR_CASES
)
def test_similar_municipalities(
    use_demo_db: Path,
    demo_snapshot: Snapshot,
    code: str,
    name: str,
    county: str,
    county_name: str,
    measure: str,
    role: str,
    itself_yes: bool,
) -> None:
    at = open_page(MUNICIPALITIES, {COUNTY: county, MUNICIPALITY: code, MEASURE: measure})
    assert t("similar_heading", "nb") in [s.value for s in at.subheader]
    profiles = pd.read_csv(REFERENCE / "municipality_profiles_2024.csv", dtype=str)
    profile = profiles.set_index("municipality_code").loc[code]
    group = group_name("kostra_group", profile["kostra_group"], "nb")
    sentence = t(
        "similar_profile",
        "nb",
        name=name,
        code=code,
        county=county_name,
        kostra=group,
        centrality=group_name("centrality", profile["centrality_class"], "nb"),
        population=fmt.count(int(profile["population_2024"]), "nb"),
    )
    assert escape_markdown(sentence) in markdown_text(at)
    wave = max(int(w) for w in demo_snapshot.query("waves_by_year")["wave_year"])
    assert answered_yes_in_demo_files(code, role, wave) == itself_yes  # the case is what it says
    listed = [d.value for d in at.dataframe if t("col_county", "nb") in d.value.columns]
    assert len(listed) == 1
    table = listed[0]
    shown = set(zip(table[t("col_municipality", "nb")], table[t("col_county", "nb")], strict=True))
    expected = collaborating_in_demo_files(code, role, wave)
    assert shown == expected and len(expected) >= 2
    assert len(shown) == len(table), "each municipality once"
    assert (name, county_name) not in shown
    # The group beside the county and Norway: the KPI table's numbers, every wave.
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert group in unwrapped(spec["layout"]["title"]["text"])
    settings = load_settings()
    expected_shares = {}
    for level, area, label in (
        ("kostra_group", profile["kostra_group"], group),
        ("county", county, county_name),
        ("national", "NO", t("area_national", "nb")),
    ):
        rows = kpi.kpi_table(demo_snapshot.query, level, measure, settings)
        rows = rows[rows["area_code"] == area]
        expected_shares |= expected_points(rows, {area: label})
    assert chart_points(spec) == pytest.approx(expected_shares)


def test_searching_a_municipality_opens_its_similar_municipalities(use_demo_db: Path) -> None:
    at = open_page(MUNICIPALITIES, {COUNTY: "03", LANG: "en", PEERS: ""})  # no peer charts
    assert any(i.body == t("similar_hint", "en") for i in at.info), "a hint before a search"
    assert not at.get("plotly_chart")
    at.selectbox(key=SEARCH).select("4621").run()
    assert not at.exception
    assert any(m.value.startswith("Voss \\(4621, Vestland\\)") for m in at.markdown)
    heading = [m.value for m in at.markdown if m.value.startswith("**")]
    assert any("KOSTRA group" in h for h in heading), heading
    assert len(at.get("plotly_chart")) == 1
