"""The method page's model-based county estimates (issue 13, item 4): the section, the fit per
wave, the σ²_u = 0 sentence exactly when it applies, and the model tables in the data pack.

Expectations come from :mod:`tracker.stats.model_kpi`'s tables computed here on the same
database, and the page's figures are parsed back out of its table, so a page that showed another
measure's fit, a wrongly scaled figure or a hard-coded sentence fails. Two databases: the demo
(σ²_u = 0 for the municipality measure in every wave, > 0 for the unit measure) and a small
survey built here whose first wave has large county differences (σ²_u > 0) and whose second has
none (σ²_u = 0), so the sentence must name the one wave and not the other.
"""

from __future__ import annotations

import csv
import io
import math
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from support.app import open_page

from tracker.app.contract import LANG, MEASURE, METHOD
from tracker.data.db import open_snapshot
from tracker.data.importer import import_files
from tracker.data.profiles import CENTRAL_CLASSES
from tracker.data.reference import municipalities
from tracker.data.settings import load_settings
from tracker.present import data_pack, model_view, page_data, wording
from tracker.present.format import MINUS, NBSP
from tracker.present.i18n import t
from tracker.stats import kpi, model_kpi
from tracker.stats.kpi import QueryFn
from tracker.stats.small_area import BASES

CLASSES = f"{CENTRAL_CLASSES[0]}–{CENTRAL_CLASSES[-1]}"
#: The survey with a wave of large county differences and a wave of none: county → share yes,
#: every municipality of the county answering as chief executive.
SPREAD_PLAN = {
    2018: {"46": 0.9, "50": 0.05, "34": 0.8, "18": 0.0, "15": 0.5},
    2024: {"46": 0.2, "50": 0.2, "34": 0.2, "18": 0.2, "15": 0.2},
}


@pytest.fixture(scope="module")
def demo_query(demo_db: Path) -> Iterator[QueryFn]:
    snapshot = open_snapshot(demo_db)
    yield snapshot.query
    snapshot.close()


@pytest.fixture(scope="module")
def spread_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rows = [
        "wave_year,respondent_id,municipality_code,respondent_role,innovated,research_collaboration"
    ]
    table = municipalities()
    for wave, plan in SPREAD_PLAN.items():
        for county, share in plan.items():
            codes = sorted(table.loc[table["county_code"] == county, "municipality_code"])
            yes = round(share * len(codes))
            for i, code in enumerate(codes):
                answer = "ja" if i < yes else "nei"
                rows.append(f"{wave},R{wave}-{code},{code},chief_executive,ja,{answer}")
    folder = tmp_path_factory.mktemp("spread")
    survey = folder / "survey.csv"
    survey.write_text("\n".join(rows) + "\n", encoding="utf-8")
    db = folder / "spread.duckdb"
    import_files([survey], db)
    return db


def fit_of(db: Path, measure: str) -> pd.DataFrame:
    snapshot = open_snapshot(db)
    try:
        return model_kpi.model_fit_table(snapshot.query, measure, load_settings({}))
    finally:
        snapshot.close()


def parse(text: str, lang: str) -> float | None:
    """A figure as the page formats it ('0,004767', '6,9 pp', '22,5 %', '–') back to a float."""
    if text == "–":
        return None
    text = text.replace(NBSP, "").replace(" ", "").replace(MINUS, "-")
    text = text.removesuffix("p.p.").removesuffix("pp").removesuffix("%")
    text = text.replace(",", ".") if lang == "nb" else text.replace(",", "")
    return float(text)


def run_method(db: Path, monkeypatch: pytest.MonkeyPatch, lang: str, measure: str) -> AppTest:
    monkeypatch.setenv("TRACKER_DB", str(db))
    at = open_page(METHOD, {LANG: lang, MEASURE: measure})
    assert t("method_model_heading", lang) in [s.value for s in at.subheader]
    return at


def shown_fit(at: AppTest, lang: str) -> pd.DataFrame:
    column = t("method_model_col_sigma2", lang)
    tables = [d.value for d in at.dataframe if column in d.value.columns]
    assert len(tables) == 1, "the page shows the fit table once"
    return tables[0]


def assert_table_is_the_fit(table: pd.DataFrame, fit: pd.DataFrame, lang: str) -> None:
    """Every figure of the page's table equals model_fit_table's to the decimals shown."""
    assert list(table[t("col_wave", lang)]) == [str(y) for y in fit["wave_year"]]
    checks = {
        "method_model_col_sigma2": ("sigma2_u", 1, 5e-7),
        "method_model_col_sigma": ("sigma2_u", "sd", 0.05),
        "method_model_col_beta0": ("beta_intercept", 1, 5e-5),
        "method_model_col_beta1": ("beta_central_share", 1, 5e-5),
        "method_model_col_counties": ("counties_used", 1, 0),
        "method_model_col_national": ("national_share", 100, 0.05),
        "method_model_col_factor": ("benchmark_factor", 1, 5e-5),
    }
    for key, (column, scale, tolerance) in checks.items():
        shown = [parse(text, lang) for text in table[t(key, lang)]]
        for value, expected in zip(shown, fit[column], strict=True):
            if pd.isna(expected):
                assert value is None, (key, value)
                continue
            want = 100 * math.sqrt(expected) if scale == "sd" else float(scale) * expected
            assert value == pytest.approx(want, abs=tolerance), (key, value, want)


def zero_sentence(lang: str, waves: str) -> str:
    """The sentence for ``waves`` ("2018, 2024"), which it names as "bølgene 2018 og 2024"."""
    named = wording.waves(waves.split(", "), lang)
    return t("method_model_sigma_zero", lang, waves=named, classes=CLASSES)


def unfitted_sentence(lang: str, waves: str) -> str:
    return t("method_model_unfitted", lang, waves=wording.waves(waves.split(", "), lang))


def zero_lead(lang: str) -> str:
    """The sentence's bold lead up to the wave list, to find it whichever waves it names."""
    return t("method_model_sigma_zero", lang, waves="\0", classes=CLASSES).split("\0")[0]


# --- the page on the demo database ---------------------------------------------------------------


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_demo_municipalities_fit_and_the_synthetic_sentence(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    fit = fit_of(demo_db, "municipalities")
    # What the data show: REML puts σ²_u at 0 in every wave of the municipality measure.
    assert list(fit["sigma2_u"]) == [0.0] * len(fit) and len(fit) == 3
    at = run_method(demo_db, monkeypatch, lang, "municipalities")
    texts = [m.value for m in at.markdown]

    table = shown_fit(at, lang)
    assert_table_is_the_fit(table, fit, lang)
    assert set(table[t("method_model_col_sigma2", lang)]) == {"0"}
    # σ²_u = 0: every county's weight on its own answers is 0.
    assert set(table[t("method_model_col_gamma", lang)]) == {"0,00" if lang == "nb" else "0.00"}
    heading = t("method_model_fit_heading", lang, measure=t("measure_municipalities", lang))
    assert f"**{heading}**" in texts

    waves = ", ".join(str(y) for y in fit["wave_year"])
    assert [text for text in texts if text.startswith(zero_lead(lang))] == [
        zero_sentence(lang, waves)
    ]
    assert not any(
        text.startswith(t("method_model_unfitted", lang, waves="")[:12]) for text in texts
    )

    explanation = next(text for text in texts if "EBLUP" in text)
    settings = load_settings({})
    for part in (
        "REML",
        "ψ_d = p̄(1 − p̄) / n_eff,d",
        "γ_d = σ²_u / (σ²_u + ψ_d)",
        "g1 + g2 + 2 × g3",
    ):
        assert part in explanation, part
    assert f"{settings.min_n} " in explanation and CLASSES in explanation
    assert ("«modellbasert»" if lang == "nb" else '"model-based"') in explanation
    assert "{" not in explanation and "}" not in explanation
    assert t("method_model_fit_caption", lang, classes=CLASSES) in [c.value for c in at.caption]


def test_demo_units_fit_and_no_synthetic_sentence(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fit = fit_of(demo_db, "units")
    assert (fit["sigma2_u"] > 0).all()  # the unit measure's counties differ beyond chance
    at = run_method(demo_db, monkeypatch, "en", "units")
    table = shown_fit(at, "en")
    assert_table_is_the_fit(table, fit, "en")
    # The page follows the measure: these are not the municipality measure's figures.
    assert "0" not in set(table[t("method_model_col_sigma2", "en")])
    assert not any(m.value.startswith(zero_lead("en")) for m in at.markdown)


def test_min_n_setting_reaches_the_explanation(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKER_MIN_N", "8")
    at = run_method(demo_db, monkeypatch, "en", "municipalities")
    explanation = next(m.value for m in at.markdown if "EBLUP" in m.value)
    assert "fewer than 8 answers" in explanation and "at least 8 answers" in explanation
    assert "fewer than 5 answers" not in explanation


# --- the page on a survey with a wave of large county differences --------------------------------


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_the_sentence_names_exactly_the_waves_with_zero_variance(
    spread_db: Path, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    fit = fit_of(spread_db, "municipalities").set_index("wave_year")
    assert fit.loc[2018, "sigma2_u"] > 0.01 and fit.loc[2024, "sigma2_u"] == 0.0
    at = run_method(spread_db, monkeypatch, lang, "municipalities")
    assert_table_is_the_fit(shown_fit(at, lang), fit.reset_index(), lang)
    sentences = [m.value for m in at.markdown if m.value.startswith(zero_lead(lang))]
    assert sentences == [zero_sentence(lang, "2024")]
    gamma = dict(
        zip(
            shown_fit(at, lang)[t("col_wave", lang)],
            shown_fit(at, lang)[t("method_model_col_gamma", lang)],
            strict=True,
        )
    )
    # With σ²_u > 0 and every municipality answering, the counties' own answers weigh a lot.
    lowest = parse(gamma["2018"].split("–")[0], lang)
    assert lowest is not None and lowest > 0.5


def test_a_measure_without_a_fit_says_so_and_claims_nothing(
    spread_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fit = fit_of(spread_db, "units")
    assert fit["sigma2_u"].isna().all()  # no unit leaders answered
    at = run_method(spread_db, monkeypatch, "nb", "units")
    table = shown_fit(at, "nb")
    assert set(table[t("method_model_col_sigma2", "nb")]) == {"–"}
    assert_table_is_the_fit(table, fit, "nb")
    texts = [m.value for m in at.markdown]
    assert unfitted_sentence("nb", "2018, 2024") in texts
    assert not any(text.startswith(zero_lead("nb")) for text in texts)


# --- the notes and figures on their own ----------------------------------------------------------


def fit_frame(sigmas: dict[int, float]) -> pd.DataFrame:
    return pd.DataFrame({"wave_year": list(sigmas), "sigma2_u": list(sigmas.values())})


def test_notes_follow_the_fit() -> None:
    assert model_view.notes(fit_frame({2018: 0.002, 2024: 1e-9}), "en") == []
    assert model_view.notes(fit_frame({2018: 0.0, 2020: 0.01, 2024: 0.0}), "en") == [
        zero_sentence("en", "2018, 2024")
    ]
    assert model_view.notes(fit_frame({2018: math.nan, 2024: 0.0}), "nb") == [
        zero_sentence("nb", "2024"),
        unfitted_sentence("nb", "2018"),
    ]
    assert model_view.notes(fit_frame({}), "nb") == []


def test_a_tiny_variance_is_not_shown_as_zero() -> None:
    assert model_view.variance_text(0.0, "nb") == "0"
    assert model_view.variance_text(1e-9, "nb") == "< 0,000001"
    assert model_view.variance_text(0.004767, "en") == "0.004767"
    assert model_view.deviation_text(0.0025, "nb") == f"5,0{NBSP}p.p."
    assert model_view.variance_text(math.nan, "en") == model_view.deviation_text(None, "en") == "–"


# --- the data pack -------------------------------------------------------------------------------


@pytest.mark.parametrize("measure", ["municipalities", "units"])
def test_data_pack_has_the_model_tables(demo_query: QueryFn, measure: str) -> None:
    settings = load_settings({})
    tables = page_data.data_pack_tables(demo_query, measure, settings, page_data.method(demo_query))
    model_name, fit_name = f"kpi_county_model_{measure}", f"model_fit_{measure}"
    assert {model_name, fit_name} <= set(tables)
    model, fit = tables[model_name](), tables[fit_name]()
    assert list(model.columns) == [*kpi.KPI_COLUMNS, *model_kpi.MODEL_COLUMNS]
    assert list(fit.columns) == list(model_kpi.FIT_COLUMNS)
    pd.testing.assert_frame_equal(fit, model_kpi.model_fit_table(demo_query, measure, settings))
    direct = kpi.kpi_table(demo_query, "county", measure, settings)
    pd.testing.assert_frame_equal(model[list(kpi.KPI_COLUMNS)], direct)  # beside, not instead
    assert model["model_share"].notna().all()

    packed = data_pack.data_pack({name: make() for name, make in tables.items()}, "README")
    with zipfile.ZipFile(io.BytesIO(packed)) as pack:
        for name, columns in (
            (model_name, [*kpi.KPI_COLUMNS, *model_kpi.MODEL_COLUMNS]),
            (fit_name, model_kpi.FIT_COLUMNS),
        ):
            text = pack.read(f"{name}.csv").decode("utf-8-sig")
            assert next(csv.reader(io.StringIO(text))) == list(columns)


def test_method_page_lists_the_model_files(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run_method(demo_db, monkeypatch, "en", "units")
    files = [d.value for d in at.dataframe if t("col_file", "en") in d.value.columns][-1]
    listed = set(files[t("col_file", "en")])
    assert {"kpi_county_model_units.csv", "model_fit_units.csv"} <= listed


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_readme_describes_every_model_column(lang: str) -> None:
    text = model_view.readme(load_settings({}), lang)
    for column in (*model_kpi.MODEL_COLUMNS, *model_kpi.FIT_COLUMNS[2:]):
        assert column in text, column
    for basis in BASES:
        assert basis in text
    assert "{" not in text and t("method_model_heading", lang) in text
