"""Model-based county estimates as tables, beside the direct ones (issue 13, item 4).

The statistics are in :mod:`tracker.stats.small_area`; this module feeds it the county and
national counts of the usual queries (through :func:`tracker.stats.kpi.measure_counts`, so the
pages can pass their cached query runner) and the covariate from the municipality profiles, one
fit per wave and measure, and lays the results out next to the direct KPI rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tracker.data.profiles import central_population_share
from tracker.data.settings import Settings
from tracker.stats import kpi
from tracker.stats.small_area import WaveFit, fit_wave, model_basis

#: Columns model_table adds to the KPI columns: the benchmarked EBLUP, its root MSE, γ (the
#: weight of the county's own direct share), the 95 % interval and what the estimate rests on.
MODEL_COLUMNS = (
    "model_share",
    "model_rmse",
    "model_weight",
    "model_low",
    "model_high",
    "model_basis",
)
#: What ``python -m tracker kpi --by county --estimate model`` appends to the KPI columns.
CLI_MODEL_COLUMNS = ("model_share", "model_rmse", "model_weight")
FIT_COLUMNS = (
    "wave_year",
    "measure",
    "sigma2_u",
    "beta_intercept",
    "beta_central_share",
    "counties_used",
    "national_share",
    "benchmark_factor",
)


def model_table(
    query: kpi.QueryFn, measure: str, settings: Settings, *, wave: int | None = None
) -> pd.DataFrame:
    """County KPI rows (kpi.KPI_COLUMNS) plus :data:`MODEL_COLUMNS`; the model columns are
    empty in a wave the model cannot be fitted for (see :func:`small_area.fit_wave`)."""
    return model_estimates(query, measure, settings, wave=wave)[0]


def model_fit_table(
    query: kpi.QueryFn, measure: str, settings: Settings, *, wave: int | None = None
) -> pd.DataFrame:
    """One row per wave (:data:`FIT_COLUMNS`): σ̂²_u, β̂, how many counties had answers, the
    national direct share the estimates are benchmarked to and the overall benchmark factor.
    σ̂²_u and β̂ are empty in a wave the model cannot be fitted for."""
    return model_estimates(query, measure, settings, wave=wave)[1]


def model_estimates(
    query: kpi.QueryFn, measure: str, settings: Settings, *, wave: int | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(:func:`model_table`, :func:`model_fit_table`) from one pair of count queries."""
    counties = kpi.measure_counts(query, "county", measure)
    national = kpi.measure_counts(query, "national", measure)
    if wave is not None:
        counties = counties[counties["wave_year"] == wave]
        national = national[national["wave_year"] == wave]
    kpis = kpi.estimates(counties, measure, settings)
    covariate = central_population_share()
    national_shares = _direct_shares(national, measure)
    per_wave, fits = [], []
    for year, group in counties.groupby("wave_year", sort=True):
        fit = _fit(group, measure, covariate, national_shares.get(int(year), np.nan))
        per_wave.append(_model_rows(group, fit, settings.min_n))
        fits.append(_fit_row(int(year), measure, fit))
    columns = ["area_code", "wave_year", *MODEL_COLUMNS]
    model = pd.concat(per_wave, ignore_index=True) if per_wave else pd.DataFrame(columns=columns)
    table = kpis.merge(model, on=["area_code", "wave_year"], how="left", validate="one_to_one")
    return table, pd.DataFrame(fits, columns=list(FIT_COLUMNS))


def _direct_shares(counts: pd.DataFrame, measure: str) -> dict[int, float]:
    """Direct share per wave, unsuppressed (NaN without answers): yes/n, or Σw·y/Σw."""
    numerator, denominator = ("yes_weight", "weight_sum") if measure == "units" else ("yes_n", "n")
    top = counts[numerator].to_numpy(dtype=float)
    bottom = counts[denominator].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = np.where(bottom > 0, top / bottom, np.nan)
    return dict(zip(counts["wave_year"].astype(int), shares.tolist(), strict=True))


def _fit(group: pd.DataFrame, measure: str, covariate: pd.Series, national: float) -> WaveFit:
    n = group["n"].to_numpy(dtype=float)
    weighted = measure == "units"
    return fit_wave(
        n,
        group["yes_weight" if weighted else "yes_n"].to_numpy(dtype=float),
        group["weight_sum"].to_numpy(dtype=float) if weighted else n,
        group["weight_square_sum"].to_numpy(dtype=float) if weighted else n,
        covariate.reindex(group["area_code"].astype(str)).to_numpy(dtype=float),
        national_share=national,
    )


def _model_rows(group: pd.DataFrame, fit: WaveFit, min_n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_code": group["area_code"].to_numpy(),
            "wave_year": group["wave_year"].astype(int).to_numpy(),
            "model_share": fit.estimate,
            "model_rmse": fit.rmse,
            "model_weight": fit.gamma,
            "model_low": fit.low,
            "model_high": fit.high,
            "model_basis": model_basis(group["n"].to_numpy(dtype=float), fit.gamma, min_n),
        }
    )


def _fit_row(year: int, measure: str, fit: WaveFit) -> dict[str, object]:
    return {
        "wave_year": year,
        "measure": measure,
        "sigma2_u": fit.sigma2_u,
        "beta_intercept": float(fit.beta[0]),
        "beta_central_share": float(fit.beta[1]),
        "counties_used": fit.counties_used,
        "national_share": fit.national_share,
        "benchmark_factor": fit.benchmark_factor,
    }


def as_kpi_rows(model: pd.DataFrame) -> pd.DataFrame:
    """Model rows shaped as KPI rows (share, ci_low, ci_high = the model's estimate and 95 %
    interval), so that the county charts can draw either estimate; n stays the direct n."""
    shown = model.assign(
        share=model["model_share"],
        ci_low=model["model_low"],
        ci_high=model["model_high"],
        suppressed=model["model_share"].isna(),
    )
    return shown[list(kpi.KPI_COLUMNS)]
