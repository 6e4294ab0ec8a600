"""The method page's "Model-based county estimates": the model in words, its fit per wave, and
what that fit means for the estimates of the data at hand.

The statistics are in :mod:`tracker.stats.small_area` and the tables in
:mod:`tracker.stats.model_kpi`; :func:`tracker.present.page_data.model_method` loads them. This
module only formats them and picks waves out of the fit table, so the page explains exactly the
estimates that the CLI, the data pack and Fylker show. Numbers that data or a setting can change
(the suppression limit, the estimates, which waves are affected) are filled in, never written
into the texts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from tracker.data.profiles import CENTRAL_CLASSES
from tracker.data.settings import Settings
from tracker.present import format as fmt
from tracker.present import wording
from tracker.present.i18n import t
from tracker.present.page_data import ModelMethodData
from tracker.stats.estimates import Z95

#: Decimals of the table's figures on the 0–1 scale of the shares. σ²_u is small (a county
#: effect of 5 percentage points is 0.0025), so it needs more of them than β.
VARIANCE_DECIMALS = 6
COEFFICIENT_DECIMALS = 4
WEIGHT_DECIMALS = 2


def _missing(value: float | None) -> bool:
    return value is None or math.isnan(value)


def _number(value: float | None, lang: str, decimals: int) -> str:
    """A figure on the 0–1 scale, '–' when the wave has none (the model was not fitted)."""
    return "–" if value is None or _missing(value) else fmt.number(value, lang, decimals)


def variance_text(value: float | None, lang: str) -> str:
    """σ̂²_u: '0' when REML truncated it at 0 (so the table and the note below it agree), a
    positive value too small for the decimals as '< 0,000001' rather than a misleading 0."""
    if value is None or _missing(value):
        return "–"
    number = float(value)
    if number == 0.0:
        return fmt.number(0.0, lang, 0)
    smallest = 10.0**-VARIANCE_DECIMALS
    if number < smallest / 2:
        return f"< {fmt.number(smallest, lang, VARIANCE_DECIMALS)}"
    return fmt.number(number, lang, VARIANCE_DECIMALS)


def deviation_text(value: float | None, lang: str) -> str:
    """σ̂_u = √σ̂²_u in percentage points: the typical distance between a county's true share and
    what its centrality predicts, which reads more easily than a variance on the 0–1 scale."""
    if value is None or _missing(value):
        return "–"
    return fmt.pp(100 * math.sqrt(value), lang, 1, signed=False)


def central_classes() -> str:
    """The centrality classes the covariate counts as central, e.g. '1–3'."""
    return f"{min(CENTRAL_CLASSES)}–{max(CENTRAL_CLASSES)}"


def explanation(settings: Settings, lang: str) -> str:
    """The model in plain words with its formulas (Markdown), the settings' values filled in."""
    return t(
        "method_model",
        lang,
        min_n=settings.min_n,
        classes=central_classes(),
        z=fmt.number(Z95, lang, 2),
    )


def readme(settings: Settings, lang: str) -> str:
    """The data pack README's part on the model: heading, explanation and the model columns."""
    return "\n\n".join(
        [
            t("method_model_heading", lang),
            explanation(settings, lang),
            t(
                "method_model_readme",
                lang,
                min_n=settings.min_n,
                z=fmt.number(Z95, lang, 2),
                classes=central_classes(),
            ),
        ]
    )


def _weight_range(estimates: pd.DataFrame, year: int, lang: str) -> str:
    """γ_d from the smallest to the largest among the wave's counties with answers (those
    without answers have γ_d = 0 by definition and would only hide the range)."""
    rows = estimates[(estimates["wave_year"] == year) & (estimates["n"] > 0)]
    weights = rows["model_weight"].dropna()
    if weights.empty:
        return "–"
    low, high = (
        fmt.number(float(v), lang, WEIGHT_DECIMALS) for v in (weights.min(), weights.max())
    )
    return low if low == high else f"{low}–{high}"


def fit_table(data: ModelMethodData, lang: str) -> pd.DataFrame:
    """One row per wave: counties used, σ̂²_u (also as σ̂_u in pp), β̂, the range of γ_d, the
    national direct share the estimates are benchmarked to and the benchmark factor."""
    fit = data.fit
    return pd.DataFrame(
        {
            t("col_wave", lang): [str(int(y)) for y in fit["wave_year"]],
            t("method_model_col_counties", lang): [
                fmt.count(int(c), lang) for c in fit["counties_used"]
            ],
            t("method_model_col_sigma2", lang): [variance_text(v, lang) for v in fit["sigma2_u"]],
            t("method_model_col_sigma", lang): [deviation_text(v, lang) for v in fit["sigma2_u"]],
            t("method_model_col_beta0", lang): [
                _number(v, lang, COEFFICIENT_DECIMALS) for v in fit["beta_intercept"]
            ],
            t("method_model_col_beta1", lang): [
                _number(v, lang, COEFFICIENT_DECIMALS) for v in fit["beta_central_share"]
            ],
            t("method_model_col_gamma", lang): [
                _weight_range(data.estimates, int(y), lang) for y in fit["wave_year"]
            ],
            t("method_model_col_national", lang): [
                fmt.share(v, lang, 1) for v in fit["national_share"]
            ],
            t("method_model_col_factor", lang): [
                _number(v, lang, COEFFICIENT_DECIMALS) for v in fit["benchmark_factor"]
            ],
        }
    )


def _waves(years: Sequence[int], lang: str) -> str:
    return wording.waves(years, lang)


def zero_variance_waves(fit: pd.DataFrame) -> list[int]:
    """Waves whose model was fitted with σ̂²_u truncated at 0: every estimate there is synthetic."""
    fitted = fit[fit["sigma2_u"].notna()]
    return [int(y) for y in fitted.loc[fitted["sigma2_u"] == 0.0, "wave_year"]]


def unfitted_waves(fit: pd.DataFrame) -> list[int]:
    """Waves the model could not be fitted for (no σ̂²_u): they have no model estimates."""
    return [int(y) for y in fit.loc[fit["sigma2_u"].isna(), "wave_year"]]


def notes(fit: pd.DataFrame, lang: str) -> list[str]:
    """What this data's fit means, in words, for the waves it concerns; none when nothing needs
    saying. σ̂²_u = 0 is the important one: the page must not let a reader take the model
    estimates of such a wave for anything but the covariate's prediction."""
    found = []
    if zero := zero_variance_waves(fit):
        found.append(
            t("method_model_sigma_zero", lang, waves=_waves(zero, lang), classes=central_classes())
        )
    if unfitted := unfitted_waves(fit):
        found.append(t("method_model_unfitted", lang, waves=_waves(unfitted, lang)))
    return found


@dataclass(frozen=True)
class ModelSection:
    """The section ready to lay out, top to bottom."""

    explanation: str  # Markdown: the model, its formulas, model_basis
    table_heading: str
    table: pd.DataFrame  # fit_table
    caption: str  # how to read the table's columns
    notes: list[str]  # Markdown: what the fit means for this data (see :func:`notes`)


def model_section(
    data: ModelMethodData, measure: str, settings: Settings, lang: str
) -> ModelSection:
    """The method page's section on the model-based county estimates of ``measure``."""
    return ModelSection(
        explanation=explanation(settings, lang),
        table_heading=t("method_model_fit_heading", lang, measure=t(f"measure_{measure}", lang)),
        table=fit_table(data, lang),
        caption=t("method_model_fit_caption", lang, classes=central_classes()),
        notes=notes(data.fit, lang),
    )
