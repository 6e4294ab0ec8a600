"""Published figures as a reality check: the reference file, the comparison, the chart, the page."""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest
from support.app import open_page

from tracker.app.contract import LANG, MEASURE, METHOD, OVERVIEW, WAVE
from tracker.data import reference
from tracker.data.db import open_snapshot
from tracker.data.settings import MEASURES, REFERENCE_DIR, load_settings
from tracker.present import charts, page_data
from tracker.present import format as fmt
from tracker.present.charts import ChartContext
from tracker.present.i18n import t
from tracker.present.published_view import published_display_table, published_share
from tracker.stats import kpi
from tracker.stats.published import compare_published

SHIPPED = REFERENCE_DIR / "published_figures.csv"

# --- the reference file ----------------------------------------------------------------------


def test_shipped_file_holds_the_two_published_figures() -> None:
    figures = reference.published_figures()
    assert list(figures.columns) == ["source", "year", "wave", "measure", "value", "note"]
    assert figures["year"].dtype.kind == "i" and figures["wave"].dtype.kind == "i"
    assert figures["value"].dtype.kind == "f"
    by_measure = {row.measure: row for row in figures.itertuples()}
    assert set(by_measure) == set(MEASURES)
    municipalities, units = by_measure["municipalities"], by_measure["units"]
    assert (municipalities.wave, municipalities.value) == (2018, 0.15)
    assert "Menon" in municipalities.source and "December 2018" in municipalities.source
    assert (units.wave, units.value) == (2020, 0.13)
    assert units.source.startswith("Meld. St. 30 (2019–2020)") and "ch. 12" in units.source
    assert "about" in units.note.lower() and "most likely" in units.note
    # Comma-separated UTF-8 with the fields that hold commas quoted: six fields in every row.
    with SHIPPED.open(encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    assert rows[0] == ["source", "year", "wave", "measure", "value", "note"]
    assert all(len(row) == 6 for row in rows) and len(rows) == len(figures) + 1


@pytest.fixture()
def bad_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    """Write a changed copy of the shipped file where the loader looks, with its cache cleared.

    ``change(row=..., column=..., value=...)`` sets one cell of a data row (0 = first);
    ``change(drop="note")`` removes a column.
    """
    folder = tmp_path / "reference"
    folder.mkdir()
    monkeypatch.setattr(reference, "REFERENCE_DIR", folder)
    reference.published_figures.cache_clear()

    def change(
        row: int = 0, column: str | None = None, value: str = "", drop: str | None = None
    ) -> None:
        table = pd.read_csv(SHIPPED, dtype=str, keep_default_na=False, encoding="utf-8")
        if column is not None:
            table.loc[row, column] = value
        if drop is not None:
            table = table.drop(columns=[drop])
        table.to_csv(folder / "published_figures.csv", index=False, encoding="utf-8")
        reference.published_figures.cache_clear()

    yield change
    reference.published_figures.cache_clear()


def test_an_unchanged_copy_loads(bad_copy: Callable[..., None]) -> None:
    bad_copy()
    assert reference.published_figures().equals(reference.published_figures.__wrapped__())
    assert len(reference.published_figures()) == len(
        pd.read_csv(SHIPPED, dtype=str, keep_default_na=False)
    )


@pytest.mark.parametrize(
    ("row", "column", "value", "message"),
    [
        (
            1,
            "measure",
            "kommuner",
            r"row 3: measure 'kommuner' is not valid.*municipalities, units",
        ),
        (0, "measure", "", r"row 2: measure '' is not valid; use one of"),
        (0, "value", "15", r"row 2: value '15' is not a share between 0 and 1"),
        (1, "value", "-0.01", r"row 3: value '-0.01' is not a share between 0 and 1"),
        (0, "value", "0,15", r"row 2: value '0,15' is not a share"),
        (0, "value", "nan", r"row 2: value 'nan' is not a share"),
        (0, "wave", "2018.0", r"row 2: wave '2018.0' is not a whole year between 2000 and 2100"),
        (1, "wave", "1999", r"row 3: wave '1999' is not a whole year"),
        (0, "year", "2101", r"row 2: year '2101' is not a whole year"),
        (0, "year", "", r"row 2: year '' is not a whole year"),
    ],
)
def test_a_bad_row_is_named_with_what_is_valid(
    bad_copy: Callable[..., None], row: int, column: str, value: str, message: str
) -> None:
    bad_copy(row=row, column=column, value=value)
    with pytest.raises(reference.ReferenceDataError, match=message) as raised:
        reference.published_figures()
    assert "data/reference/published_figures.csv" in str(raised.value)
    assert len(str(raised.value).splitlines()) == 1, "one bad cell, one problem"


def test_every_problem_is_reported_at_once(bad_copy: Callable[..., None]) -> None:
    bad_copy(row=0, column="measure", value="units ")
    table_path = reference.REFERENCE_DIR / "published_figures.csv"
    table = pd.read_csv(table_path, dtype=str, keep_default_na=False)
    table.loc[1, "value"] = "1.5"
    table.to_csv(table_path, index=False)
    reference.published_figures.cache_clear()
    with pytest.raises(reference.ReferenceDataError) as raised:
        reference.published_figures()
    lines = str(raised.value).splitlines()
    assert len(lines) == 2
    assert "row 2: measure 'units '" in lines[0] and "row 3: value '1.5'" in lines[1]


@pytest.mark.parametrize("column", ["measure", "value", "note"])
def test_a_missing_column_is_named(bad_copy: Callable[..., None], column: str) -> None:
    bad_copy(drop=column)
    with pytest.raises(reference.ReferenceDataError, match=rf"lacks the column\(s\) {column};"):
        reference.published_figures()


# --- the comparison ----------------------------------------------------------------------------


def published_rows(*rows: tuple[str, int, float]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "source": f"Source {i}",
                "year": wave,
                "wave": wave,
                "measure": measure,
                "value": value,
                "note": f"note {i}",
            }
            for i, (measure, wave, value) in enumerate(rows)
        ]
    )


def national(*rows: tuple[int, int, float, float, float]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["wave_year", "n", "share", "ci_low", "ci_high"])


def test_compare_published_difference_interval_missing_and_suppressed() -> None:
    published = published_rows(
        ("municipalities", 2018, 0.15),  # inside [0.12, 0.26]
        ("municipalities", 2020, 0.30),  # above [0.12, 0.25]
        ("municipalities", 2024, 0.20),  # exactly on the lower bound: inside
        ("units", 2020, 0.13),  # suppressed in the database
        ("units", 2022, 0.13),  # no such wave in the database
    )
    nan = math.nan
    kpis = {
        "municipalities": national(
            (2018, 150, 0.18, 0.12, 0.26), (2020, 140, 0.18, 0.12, 0.25), (2024, 90, 0.25, 0.2, 0.3)
        ),
        "units": national((2018, 40, 0.14, 0.1, 0.19), (2020, 3, nan, nan, nan)),
    }
    table = compare_published(published, kpis)
    assert list(table["availability"]) == [
        "compared",
        "compared",
        "compared",
        "suppressed",
        "not_imported",
    ]
    assert table["difference_pp"].iloc[:3].tolist() == pytest.approx([3.0, -12.0, 5.0])
    assert table["inside_interval"].iloc[:3].tolist() == [True, False, True]
    assert table["inside_interval"].iloc[3:].isna().all()
    assert table["n"].tolist()[:4] == [150, 140, 90, 3] and pd.isna(table["n"].iloc[4])
    assert table[["share", "ci_low", "ci_high", "difference_pp"]].iloc[3:].isna().all().all()
    assert list(table["published_share"]) == [0.15, 0.30, 0.20, 0.13, 0.13]
    assert list(table["wave_year"]) == [2018, 2020, 2024, 2020, 2022]
    assert list(table["note"]) == [f"note {i}" for i in range(5)]


def test_a_measure_with_no_estimates_counts_as_not_imported() -> None:
    table = compare_published(published_rows(("units", 2020, 0.13)), {})
    assert list(table["availability"]) == ["not_imported"]
    assert table["inside_interval"].isna().all()


def test_display_table_says_why_a_figure_has_nothing_to_compare_with() -> None:
    nan = math.nan
    table = compare_published(
        published_rows(
            ("municipalities", 2018, 0.15), ("units", 2020, 0.13), ("units", 2022, 0.153)
        ),
        {
            "municipalities": national((2018, 150, 0.18, 0.12, 0.26)),
            "units": national((2020, 3, nan, nan, nan)),
        },
    )
    for lang in ("nb", "en"):
        shown = published_display_table(table, lang, min_n=5)
        inside = list(shown[t("col_inside", lang)])
        assert inside == [
            t("published_inside_yes", lang),
            t("published_suppressed", lang, min_n=5),
            t("published_not_imported", lang),
        ]
        assert list(shown[t("col_measure", lang)]) == [
            t("measure_municipalities", lang),
            t("measure_units", lang),
            t("measure_units", lang),
        ]
        assert list(shown[t("col_estimate", lang)]) == [fmt.share(0.18, lang), "–", "–"]
        assert list(shown[t("col_difference", lang)]) == [fmt.pp(3.0, lang), "–", "–"]
        assert list(shown[t("col_n", lang)]) == ["150", "3", "–"]
        # As published: no decimal the source did not give.
        assert list(shown[t("col_published", lang)]) == [
            fmt.share(0.15, lang, 0),
            fmt.share(0.13, lang, 0),
            fmt.share(0.153, lang, 1),
        ]


# --- the national trend ------------------------------------------------------------------------


def trend(published: pd.DataFrame | None, lang: str = "nb", baseline: int = 2018):
    kpis = pd.DataFrame(
        {
            "wave_year": [2018, 2020, 2024],
            "share": [0.15, 0.18, 0.22],
            "ci_low": [0.1, 0.12, 0.17],
            "ci_high": [0.2, 0.25, 0.3],
            "n": [140, 130, 160],
        }
    )
    ctx = ChartContext(lang=lang, demo=True, subtitle="Definisjon", source="Kilde")
    return charts.national_trend(
        kpis,
        target_share=0.3,
        baseline_year=baseline,
        target_year=2030,
        ctx=ctx,
        published=published,
    )


def published_traces(fig, lang: str) -> list:
    return [tr for tr in fig.data if tr.name == t("legend_published", lang)]


@pytest.mark.parametrize("lang", ["nb", "en"])
@pytest.mark.parametrize("measure", MEASURES)
def test_trend_marks_the_published_figures_of_its_measure(measure: str, lang: str) -> None:
    figures = page_data.published_figures(measure)
    expected = reference.published_figures()
    expected = expected[expected["measure"] == measure].sort_values("wave")
    assert not expected.empty
    traces = published_traces(trend(figures, lang), lang)
    assert len(traces) == 1
    trace = traces[0]
    assert list(trace.x) == list(expected["wave"])
    assert list(trace.y) == pytest.approx([100 * v for v in expected["value"]])
    assert trace.marker.symbol == "diamond-open"
    for hover, row in zip(trace.hovertext, expected.itertuples(), strict=True):
        assert published_share(row.value, lang) in hover
        assert str(row.wave) in hover
        assert row.source.replace("'", "&#x27;") in hover  # HTML-escaped for Plotly


def test_trend_draws_no_published_point_outside_its_range() -> None:
    figures = published_rows(
        ("municipalities", 2010, 0.1),  # before baseline − 1
        ("municipalities", 2017, 0.12),  # the range's first year: drawn
        ("municipalities", 2018, 0.15),
        ("municipalities", 2031, 0.25),  # the range's last year: drawn
        ("municipalities", 2032, 0.25),  # after target year + 1
    )
    (trace,) = published_traces(trend(figures), "nb")
    assert list(trace.x) == [2017, 2018, 2031]
    assert list(trace.y) == pytest.approx([12.0, 15.0, 25.0])
    outside = published_rows(("units", 2010, 0.1), ("units", 2040, 0.1))
    assert published_traces(trend(outside), "nb") == []


def test_trend_without_published_figures_is_unchanged() -> None:
    plain = trend(None)
    assert published_traces(plain, "nb") == []
    empty = trend(reference.published_figures().iloc[:0])
    assert published_traces(empty, "nb") == []
    assert plain.to_dict() == empty.to_dict()


def test_page_data_keeps_the_chosen_measure_and_waves_up_to_the_chosen_one() -> None:
    for measure in MEASURES:
        everything = page_data.published_figures(measure)
        assert set(everything["measure"]) == {measure}
        assert list(page_data.published_figures(measure, until_wave=2100)["wave"]) == list(
            everything["wave"]
        )
        first = int(everything["wave"].min())
        assert page_data.published_figures(measure, until_wave=first - 1).empty


def chart_traces(spec: str, name: str) -> list[dict]:
    return [tr for tr in json.loads(spec)["data"] if tr.get("name") == name]


def test_overview_trend_carries_the_published_points(use_demo_db: Path) -> None:
    figures = reference.published_figures()
    units_wave = int(figures.loc[figures["measure"] == "units", "wave"].iloc[0])
    at = open_page(OVERVIEW, {LANG: "en", MEASURE: "units"})
    (trace,) = chart_traces(at.get("plotly_chart")[0].proto.spec, t("legend_published", "en"))
    assert trace["x"] == [units_wave]
    # The trend as it stood at an earlier wave has no point from a later one.
    at = open_page(OVERVIEW, {LANG: "en", MEASURE: "units", WAVE: str(units_wave - 2)})
    spec = at.get("plotly_chart")[0].proto.spec
    assert chart_traces(spec, t("legend_share", "en")), "the trend chart is the first chart"
    assert chart_traces(spec, t("legend_published", "en")) == []


# --- the method page ---------------------------------------------------------------------------


def published_table(at, lang: str) -> pd.DataFrame:
    found = [d.value for d in at.dataframe if t("col_published", lang) in d.value.columns]
    assert len(found) == 1, "one table of published figures"
    return found[0]


def national_estimates(db: Path) -> dict[str, pd.DataFrame]:
    snapshot = open_snapshot(db)
    try:
        settings = load_settings({})
        return {m: kpi.kpi_table(snapshot.query, "national", m, settings) for m in MEASURES}
    finally:
        snapshot.close()


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_method_page_compares_with_the_demo_database(use_demo_db: Path, lang: str) -> None:
    at = open_page(METHOD, {LANG: lang})
    assert t("published_heading", lang) in [s.value for s in at.subheader]
    captions = [c.value for c in at.caption]
    assert t("published_caption_demo", lang) in captions
    assert t("published_caption_survey", lang) not in captions
    shown = published_table(at, lang)
    estimates = national_estimates(use_demo_db)
    figures = reference.published_figures()
    assert len(shown) == len(figures)
    for (_, row), figure in zip(shown.iterrows(), figures.itertuples(), strict=True):
        kpis = estimates[figure.measure]
        own = kpis[kpis["wave_year"] == figure.wave].iloc[0]
        assert row[t("col_measure", lang)] == t(f"measure_{figure.measure}", lang)
        assert row[t("col_estimate", lang)] == fmt.share(own["share"], lang)
        assert row[t("col_n", lang)] == fmt.count(int(own["n"]), lang)
        assert row[t("col_difference", lang)] == fmt.pp(100 * (own["share"] - figure.value), lang)
        inside = own["ci_low"] <= figure.value <= own["ci_high"]
        key = "published_inside_yes" if inside else "published_inside_no"
        assert row[t("col_inside", lang)] == t(key, lang)


def test_method_page_on_survey_data_shows_suppressed_and_missing_waves(
    fixture_db: Path, wave_2024_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The fixture has four eligible unit leaders in 2020 (fewer than five: suppressed) and eleven
    # chief executives in 2018; the wave-2024 database has neither published wave.
    monkeypatch.setenv("TRACKER_DB", str(fixture_db))
    at = open_page(METHOD)
    assert t("published_caption_survey", "nb") in [c.value for c in at.caption]
    shown = published_table(at, "nb")
    by_measure = dict(zip(reference.published_figures()["measure"], range(len(shown)), strict=True))
    units = shown.iloc[by_measure["units"]]
    assert units[t("col_inside", "nb")] == t("published_suppressed", "nb", min_n=5)
    assert units[t("col_estimate", "nb")] == "–" and units[t("col_n", "nb")] == "4"
    municipalities = shown.iloc[by_measure["municipalities"]]
    assert municipalities[t("col_n", "nb")] == "11"
    assert municipalities[t("col_estimate", "nb")] == fmt.share(3 / 11, "nb")

    monkeypatch.setenv("TRACKER_DB", str(wave_2024_db))
    shown = published_table(open_page(METHOD, {LANG: "en"}), "en")
    assert set(shown[t("col_inside", "en")]) == {t("published_not_imported", "en")}
    assert set(shown[t("col_estimate", "en")]) == {"–"}
