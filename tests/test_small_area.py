"""Model-based county estimates (tracker.stats.small_area, model_kpi and ``kpi --estimate model``).

Hand-worked examples use three counties and two covariates (intercept, central share x), so
m − p = 1 and the model has a closed form, a different route from the library's Fisher scoring:

- Take a ⟂ both columns of X: a = (x2 − x3, x3 − x1, x1 − x2). The data's only information on
  σ²_u beyond Xβ is the contrast a'y ~ N(0, a'Va), V = diag(σ²_u + ψ). REML (and the FH moment
  equation y'Py = m − p = 1, since y'Py = (a'y)²/a'Va) solve a'Va = (a'y)², so
      σ²_u = ((a'y)² − Σ a_d² ψ_d) / Σ a_d²,   truncated at 0.
- The WLS residual r = y − Xβ̂ has X'V⁻¹r = 0, so V⁻¹r ∥ a: r = V·a·(a'y)/(a'Va), which at the
  REML solution is V·a/(a'y). Hence synthetic_d = y_d − V_d·a_d/(a'y) and
  EBLUP_d = y_d − (1 − γ_d)·r_d = y_d − ψ_d·a_d/(a'y).

Prasad–Rao MSE: g1 = γψ; g2 = (1 − γ)²·q_d with q_d = x_d'(X'V⁻¹X)⁻¹x_d
= (Sxx − 2x_d·Sx + x_d²·S)/(S·Sxx − Sx²), S = Σ1/V, Sx = Σx/V, Sxx = Σx²/V;
g3 = ψ²/V³ · 2/Σ V⁻². Shares are carried to 6 decimals.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from support.cli import run_cli

from tracker.data.db import open_snapshot
from tracker.data.profiles import central_population_share
from tracker.data.settings import MEASURES, Settings
from tracker.stats import kpi, model_kpi
from tracker.stats import small_area as sa

ABS = 1e-6
N = np.array([10, 20, 40])
X = np.array([0.2, 0.5, 0.8])  # a = (−0.3, 0.6, −0.3) ∥ (1, −2, 1)


def fit(yes, *, n=N, x=X, national=0.2, weights=None):
    """fit_wave for the unweighted measure (weights None) or with (Σw, Σw²)."""
    total, squares = weights if weights is not None else (n, n)
    return sa.fit_wave(n, yes, total, squares, x, national_share=national)


# --- hand-worked: three counties -----------------------------------------------------------------


def test_three_counties_with_county_variation():
    # yes 2/10, 8/20, 4/40 → y = (0.2, 0.4, 0.1); p̄ = 14/70 = 0.2, p̄(1 − p̄) = 0.16
    # ψ = 0.16/n = (0.016, 0.008, 0.004)
    # a = (1, −2, 1): a'y = 0.2 − 0.8 + 0.1 = −0.5, (a'y)² = 0.25; Σa² = 6;
    # Σa²ψ = 0.016 + 4·0.008 + 0.004 = 0.052 → σ²_u = (0.25 − 0.052)/6 = 0.033
    # V = σ² + ψ = (0.049, 0.041, 0.037); γ = 0.033/V = (0.673469, 0.804878, 0.891892)
    # r = V·a/(a'y) = (0.049, −0.082, 0.037)/(−0.5) = (−0.098, 0.164, −0.074)
    #   check WLS normal equations: r/V = a/(a'y) = (−2, 4, −2): Σ = 0, Σx·(…) = −0.4+2−1.6 = 0 ✓
    # synthetic = y − r = (0.298, 0.236, 0.174): slope (0.236 − 0.298)/0.3 = −0.206667,
    #   intercept 0.298 + 0.2·0.206667 = 0.339333
    # EBLUP = y − ψ·a/(a'y) = (0.2 + 0.032, 0.4 − 0.032, 0.1 + 0.008) = (0.232, 0.368, 0.108)
    result = fit([2, 8, 4])
    assert result.fitted and result.counties_used == 3
    assert result.sigma2_u == pytest.approx(0.033, abs=1e-9)
    assert result.beta == pytest.approx([0.339333, -0.206667], abs=ABS)
    assert result.psi == pytest.approx([0.016, 0.008, 0.004])
    assert result.gamma == pytest.approx([0.673469, 0.804878, 0.891892], abs=ABS)
    assert result.synthetic == pytest.approx([0.298, 0.236, 0.174], abs=ABS)
    assert result.eblup == pytest.approx([0.232, 0.368, 0.108], abs=ABS)
    # Benchmark: Σn·EBLUP = 2.32 + 7.36 + 4.32 = 14 = 70·0.2 already, so the factor is 1 (see
    # test_unweighted_eblup_needs_no_benchmarking) and model = EBLUP.
    assert result.benchmark_factor == pytest.approx(1.0)
    assert result.estimate == pytest.approx([0.232, 0.368, 0.108], abs=ABS)
    # S = 1/0.049 + 1/0.041 + 1/0.037 = 20.408163 + 24.390244 + 27.027027 = 71.825434
    # Sx = 4.081633 + 12.195122 + 21.621622 = 37.898376;
    # Sxx = 0.816327 + 6.097561 + 17.297297 = 24.211185; S·Sxx − Sx² = 302.691940
    # q = (24.211185 − 15.159350 + 2.873017, 24.211185 − 37.898376 + 17.956359,
    #      24.211185 − 60.637402 + 45.968278)/302.691940 = (0.039396, 0.014104, 0.031524)
    # g1 = γψ = (0.010776, 0.006439, 0.003568)
    # g2 = (1 − γ)²q = (0.326531²·0.039396, 0.195122²·0.014104, 0.108108²·0.031524)
    #    = (0.004200, 0.000537, 0.000368)
    # ΣV⁻² = 416.493128 + 594.883998 + 730.460190 = 1741.837316 → 2/ΣV⁻² = 0.00114821
    # g3 = ψ²/V³·0.00114821 = (2.175964, 0.928599, 0.315874)·0.00114821
    #    = (0.002498, 0.001066, 0.000363)
    # MSE = g1 + g2 + 2g3 = (0.019973, 0.009108, 0.004661)
    assert result.mse == pytest.approx([0.019973, 0.009108, 0.004661], abs=ABS)
    assert result.rmse == pytest.approx(np.sqrt([0.019973, 0.009108, 0.004661]), abs=1e-5)
    # 95 %: 0.232 ± 1.959964·0.141326 → (−0.045, 0.509) → low clipped to 0
    assert result.low[0] == 0.0
    assert result.high[0] == pytest.approx(0.232 + 1.959964 * math.sqrt(0.019973), abs=1e-5)


def test_three_counties_where_sigma2_truncates_to_zero():
    # yes 1/10, 4/20, 9/40 → y = (0.1, 0.2, 0.225); p̄ = 14/70 = 0.2, ψ = (0.016, 0.008, 0.004)
    # a'y = 0.1 − 0.4 + 0.225 = −0.075, (a'y)² = 0.005625 < Σa²ψ = 0.052 →
    # (0.005625 − 0.052)/6 < 0 → σ²_u = 0, γ = 0, EBLUP = synthetic
    # WLS with weights 1/ψ = (62.5, 125, 250) ∝ (1, 2, 4):
    #   S = 7, Sx = 0.2 + 1.0 + 3.2 = 4.4, Sxx = 0.04 + 0.5 + 2.56 = 3.1,
    #   Sy = 0.1 + 0.4 + 0.9 = 1.4, Sxy = 0.02 + 0.2 + 0.72 = 0.94
    #   slope = (7·0.94 − 4.4·1.4)/(7·3.1 − 4.4²) = 0.42/2.34 = 0.179487
    #   intercept = (1.4 − 4.4·0.179487)/7 = 0.610256/7 = 0.087179
    # synthetic = 0.087179 + 0.179487·x = (0.123077, 0.176923, 0.230769)
    result = fit([1, 4, 9])
    assert result.sigma2_u == 0.0
    assert result.beta == pytest.approx([0.087179, 0.179487], abs=ABS)
    assert result.gamma == pytest.approx([0.0, 0.0, 0.0])
    assert result.eblup == pytest.approx([0.123077, 0.176923, 0.230769], abs=ABS)
    assert result.estimate == pytest.approx(result.synthetic)
    # MSE: g1 = 0; X'Ψ⁻¹X = 62.5·[[7, 4.4], [4.4, 3.1]], 62.5·2.34 = 146.25:
    #   q = (3.1 − 8.8x + 7x²)/146.25 = (1.62, 0.45, 0.54)/146.25 = (0.011077, 0.003077, 0.003692)
    #   g3 = ψ²/ψ³·2/Σψ⁻² = 2/(ψ·82031.25) = (0.001524, 0.003048, 0.006095)
    #   MSE = q + 2g3 = (0.014125, 0.009172, 0.015883)
    assert result.mse == pytest.approx([0.014125, 0.009172, 0.015883], abs=ABS)
    assert list(sa.model_basis(N, result.gamma, 5)) == ["synthetic"] * 3


def test_county_without_answers_gets_the_synthetic_estimate():
    # The first example plus a county with n = 0 and x = 0.35: it does not enter the fit, so
    # σ²_u = 0.033 and β̂ are unchanged. Synthetic: 0.339333 − 0.206667·0.35 = 0.267;
    # MSE = g2 + σ²_u with γ = 0: q = (24.211185 − 2·0.35·37.898376 + 0.1225·71.825434)/302.691940
    #     = (24.211185 − 26.528863 + 8.798616)/302.691940 = 0.021411 → 0.021411 + 0.033 = 0.054411
    n = np.array([10, 20, 40, 0])
    result = fit([2, 8, 4, 0], n=n, x=np.array([0.2, 0.5, 0.8, 0.35]))
    assert result.sigma2_u == pytest.approx(0.033, abs=1e-9)
    assert result.counties_used == 3
    assert result.gamma[3] == 0.0
    assert np.isnan(result.direct[3])
    assert result.estimate[3] == pytest.approx(0.267, abs=ABS)
    assert result.mse[3] == pytest.approx(0.054411, abs=ABS)
    assert result.estimate[:3] == pytest.approx([0.232, 0.368, 0.108], abs=ABS)
    assert list(sa.model_basis(n, result.gamma, 5)) == [
        "direct_and_model",
        "direct_and_model",
        "direct_and_model",
        "synthetic",
    ]


def test_model_basis_marks_counties_below_the_suppression_limit():
    # γ 0.9 on 3 answers: below min_n 5 → mostly_model although γ ≥ 0.5; γ 0.4 → mostly_model
    basis = sa.model_basis([3, 12, 12, 0, 12], [0.9, 0.4, 0.6, 0.0, np.nan], 5)
    assert list(basis) == ["mostly_model", "mostly_model", "direct_and_model", "synthetic", None]


@pytest.mark.parametrize(
    ("n", "x", "national", "why"),
    [
        (np.array([10, 20, 0]), X, 0.2, "two counties with answers < covariates + 1"),
        (N, np.array([0.5, 0.5, 0.5]), 0.2, "the covariate does not vary"),
        (N, X, 0.0, "p̄ = 0 makes every ψ 0"),
        (N, X, float("nan"), "no national share"),
    ],
)
def test_wave_that_cannot_be_fitted_has_no_estimates(n, x, national, why):
    result = fit([2, 8, 0], n=n, x=x, national=national)
    assert not result.fitted, why
    assert np.isnan(result.estimate).all() and np.isnan(result.mse).all()
    assert np.isnan(result.sigma2_u) and np.isnan(result.beta).all()


# --- REML beyond the closed form ------------------------------------------------------------------


def test_reml_solves_the_score_equation_on_fifteen_counties():
    # At an interior REML solution tr P = y'PPy, P = V⁻¹ − V⁻¹X(X'V⁻¹X)⁻¹X'V⁻¹ (built here
    # directly, independent of the library's code).
    rng = np.random.default_rng(7)
    x = np.column_stack([np.ones(15), rng.uniform(0, 1, 15)])
    psi = 0.16 / rng.integers(6, 41, 15)
    y = x @ [0.1, 0.2] + rng.normal(0, 0.08, 15) + rng.normal(0, np.sqrt(psi))
    sigma2 = sa.reml_variance(y, psi, x)
    assert sigma2 > 0
    v_inv = np.diag(1 / (sigma2 + psi))
    p = v_inv - v_inv @ x @ np.linalg.inv(x.T @ v_inv @ x) @ x.T @ v_inv
    assert np.trace(p) == pytest.approx(y @ p @ p @ y, rel=1e-8)


# --- benchmarking ---------------------------------------------------------------------------------


def test_ratio_benchmark_hand_values_with_a_cap():
    # target 0.8 on n (10, 10, 0): goal 0.8·20 = 16; Σn·v = 5 + 9 = 14 → factor 16/14:
    # (0.571429, 1.028571, 0.228571): the second passes 1 → 1; the rest must give 16 − 10 = 6
    # from 5.714286 → factor 1.05: (0.6, 1, 0.24); Σn·v = 6 + 10 = 16 ✓
    result = sa.ratio_benchmark(np.array([0.5, 0.9, 0.2]), np.array([10, 10, 0]), 0.8)
    assert result == pytest.approx([0.6, 1.0, 0.24])


def test_unweighted_eblup_needs_no_benchmarking():
    # With ψ_d = c/n_d: Σ n_d(EBLUP_d − p_d) = Σ n_d(1 − γ_d)(x_d'β̂ − p_d) = c·Σ (x_d'β̂ − p_d)/V_d
    # = 0 by the WLS normal equation of the intercept, so Σn·EBLUP/Σn = Σyes/Σn = the national
    # share already (when no EBLUP is clipped).
    rng = np.random.default_rng(3)
    n = rng.integers(6, 41, 15)
    yes = rng.binomial(n, 0.2)
    result = fit(yes, n=n, x=rng.uniform(0, 1, 15), national=yes.sum() / n.sum())
    assert result.benchmark_factor == pytest.approx(1.0)
    assert result.estimate == pytest.approx(result.eblup)


def test_weighted_benchmark_identity_and_mse():
    # Weighted: ψ uses Kish's n, the benchmark the unweighted n and the weighted national share,
    # so the factor is not 1; Σn·model/Σn must still equal the national share, and the MSE gains
    # the squared adjustment (model − EBLUP)².
    rng = np.random.default_rng(11)
    for _ in range(20):
        n = rng.integers(1, 60, 15).astype(float)
        n[rng.integers(0, 15)] = 0
        w = [rng.uniform(0.3, 3, int(k)) for k in n]
        yes = np.array([float((wi * (rng.uniform(size=wi.size) < 0.2)).sum()) for wi in w])
        total = np.array([wi.sum() for wi in w])
        squares = np.array([(wi * wi).sum() for wi in w])
        national = rng.uniform(0.1, 0.3)
        x = rng.uniform(0, 1, 15)
        result = fit(yes, n=n, x=x, national=national, weights=(total, squares))
        assert result.benchmark_factor != pytest.approx(1.0, abs=1e-6)
        assert (n * result.estimate).sum() / n.sum() == pytest.approx(national, abs=1e-12)
        assert ((result.estimate >= 0) & (result.estimate <= 1)).all()
        used = n > 0
        model = sa.fay_herriot(
            result.direct[used], result.psi[used], np.column_stack([np.ones(used.sum()), x[used]])
        )
        adjustment = (result.estimate - result.eblup)[used] ** 2
        assert result.mse[used] == pytest.approx(model.mse + adjustment, rel=1e-12)


# --- γ and n_eff ---------------------------------------------------------------------------------


def test_gamma_increases_with_effective_n():
    # Same n = 20 everywhere, shares spread enough that σ̂²_u > 0; the weights differ, so
    # n_eff = (Σw)²/Σw² falls as the weights spread: γ = σ²/(σ² + p̄(1 − p̄)/n_eff) must rise
    # with n_eff (σ² and p̄ are common to the wave).
    n = np.full(6, 20.0)
    spreads = [0.0, 0.2, 0.5, 1.0, 1.5, 2.5]
    weights = [np.linspace(1 - s / 3, 1 + s, 20) for s in spreads]
    yes = np.array([w[::4].sum() for w in weights]) * np.array([0.5, 1.6, 0.8, 2.0, 0.6, 1.4])
    total = np.array([w.sum() for w in weights])
    squares = np.array([(w * w).sum() for w in weights])
    x = np.array([0.1, 0.3, 0.4, 0.6, 0.7, 0.9])
    result = fit(yes, n=n, x=x, national=0.25, weights=(total, squares))
    assert result.sigma2_u > 0
    order = np.argsort(result.n_eff)
    assert np.all(np.diff(result.gamma[order]) > 0)
    assert np.all(np.diff(result.n_eff) < 0)  # the spreads above were chosen in that order
    # and unweighted: the first example's γ rises with n = 10, 20, 40
    assert np.all(np.diff(fit([2, 8, 4]).gamma) > 0)


# --- simulation -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("sigma_u", "most_ratio"), [(0.03, 0.35), (0.08, 0.7)])
def test_model_beats_direct_over_repeated_surveys(sigma_u, most_ratio):
    # 15 counties, n 6–40, true shares 0.12 + 0.12·x + u (u ~ N(0, σ_u²)), fixed; 200 surveys
    # drawn binomially (seed 2030). Mean over surveys of the mean squared error over counties:
    #   σ_u = 0.03: model 0.00204, direct 0.00973 (ratio 0.21); mean estimated MSE 0.00340
    #   σ_u = 0.08: model 0.00396, direct 0.00877 (ratio 0.45); mean estimated MSE 0.00432
    rng = np.random.default_rng(2030)
    x = rng.uniform(0, 1, 15)
    n = rng.integers(6, 41, 15)
    truth = np.clip(0.12 + 0.12 * x + rng.normal(0, sigma_u, 15), 0.02, 0.6)
    model_error, direct_error = [], []
    for _ in range(200):
        yes = rng.binomial(n, truth)
        result = fit(yes, n=n, x=x, national=yes.sum() / n.sum())
        model_error.append(np.mean((result.estimate - truth) ** 2))
        direct_error.append(np.mean((yes / n - truth) ** 2))
    model_mse, direct_mse = float(np.mean(model_error)), float(np.mean(direct_error))
    print(f"σ_u {sigma_u}: model MSE {model_mse:.5f}, direct MSE {direct_mse:.5f}")
    assert model_mse < most_ratio * direct_mse


# --- tables on the demo database ------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_query(demo_db):
    snapshot = open_snapshot(demo_db)
    yield snapshot.query
    snapshot.close()


@pytest.mark.parametrize("measure", MEASURES)
def test_demo_benchmarking_identity_every_wave(demo_query, measure):
    settings = Settings()
    table, fits = model_kpi.model_estimates(demo_query, measure, settings)
    national = kpi.kpi_table(demo_query, "national", measure, settings).set_index("wave_year")
    assert list(fits["wave_year"]) == list(national.index)
    assert fits["sigma2_u"].notna().all()  # the demo has answers in most counties every wave
    for year, wave in table.groupby("wave_year"):
        counted = wave[wave["n"] > 0]
        assert wave["model_share"].notna().all(), year  # suppressed and n = 0 included
        benchmarked = (counted["n"] * counted["model_share"]).sum() / counted["n"].sum()
        assert benchmarked == pytest.approx(national.loc[year, "share"], abs=1e-12)
        no_answers = wave[wave["n"] == 0]
        assert (no_answers["model_weight"] == 0).all()
        assert (no_answers["model_basis"] == "synthetic").all()
        below = wave[(wave["n"] > 0) & wave["suppressed"]]
        assert below["model_basis"].isin(["mostly_model", "synthetic"]).all()
    assert ((table["model_low"] <= table["model_share"]) & (table["model_share"] <= 1)).all()


def test_demo_model_table_keeps_the_direct_estimates(demo_query):
    settings = Settings()
    table = model_kpi.model_table(demo_query, "units", settings, wave=2024)
    direct = kpi.kpi_table(demo_query, "county", "units", settings, wave=2024)
    assert list(table.columns) == [*kpi.KPI_COLUMNS, *model_kpi.MODEL_COLUMNS]
    assert table[list(kpi.KPI_COLUMNS)].equals(direct)
    fits = model_kpi.model_fit_table(demo_query, "units", settings, wave=2024)
    assert list(fits.columns) == list(model_kpi.FIT_COLUMNS)
    assert len(fits) == 1 and fits.loc[0, "counties_used"] == 15


# --- command line on the fixture database --------------------------------------------------------

MODEL_HEADER = (
    "area_code,area_name,wave_year,measure,n,share,ci_low,ci_high,suppressed,"
    "model_share,model_rmse,model_weight"
)


def cli(*args, db):
    return run_cli(*args, env={"TRACKER_DB": str(db)})


def test_cli_model_columns_and_closed_form(fixture_db):
    done = cli("kpi", "--by", "county", "--estimate", "model", "--format", "csv", db=fixture_db)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == MODEL_HEADER
    rows = {(r[0], r[2]): r for r in (line.split(",") for line in lines[1:])}
    # 2018 (fixture table): 03 1 of 1, 31 1 of 5, 46 1 of 5; p̄ = 3/11; ψ = (24/121)/n.
    central = central_population_share()
    x = np.array([central["03"], central["31"], central["46"]])
    y, n = np.array([1.0, 0.2, 0.2]), np.array([1.0, 5.0, 5.0])
    psi = (3 / 11) * (8 / 11) / n
    a = np.array([x[1] - x[2], x[2] - x[0], x[0] - x[1]])
    ay = a @ y
    sigma2 = (ay**2 - (a * a) @ psi) / (a @ a)  # closed form (module docstring), 0.185133
    assert sigma2 > 0
    v = sigma2 + psi
    synthetic = y - v * a / ay
    slope = (synthetic[1] - synthetic[0]) / (x[1] - x[0])
    intercept = synthetic[0] - slope * x[0]
    eblup = y - psi * a / ay
    for code, value, gamma in zip(["03", "31", "46"], eblup, sigma2 / v, strict=True):
        row = rows[(code, "2018")]
        assert float(row[9]) == pytest.approx(value, abs=2e-6)
        assert float(row[11]) == pytest.approx(gamma, abs=2e-6)
    # Rogaland (11) has no answers: synthetic estimate, γ = 0, RMSE √(q + σ²)
    s, sx, sxx = (1 / v).sum(), (x / v).sum(), (x * x / v).sum()
    x11 = central["11"]
    q = (sxx - 2 * x11 * sx + x11 * x11 * s) / (s * sxx - sx * sx)
    rogaland = rows[("11", "2018")]
    assert rogaland[4] == "0" and rogaland[5] == ""
    assert float(rogaland[9]) == pytest.approx(intercept + slope * x11, abs=2e-6)
    assert float(rogaland[10]) == pytest.approx(math.sqrt(q + sigma2), abs=2e-6)
    assert float(rogaland[11]) == 0.0
    # 2020: only 31 and 46 answered (2 < 3): the model columns are empty, not an error
    assert all(rows[(code, "2020")][9:] == ["", "", ""] for code in ("03", "11", "31", "46"))


def test_cli_direct_is_the_default(fixture_db):
    plain = cli("kpi", "--by", "county", "--format", "csv", db=fixture_db)
    direct = cli("kpi", "--by", "county", "--estimate", "direct", "--format", "csv", db=fixture_db)
    assert plain.returncode == direct.returncode == 0
    assert plain.stdout == direct.stdout
    assert plain.stdout.splitlines()[0] == MODEL_HEADER.rsplit(",", 3)[0]


@pytest.mark.parametrize("level", ["national", "municipality"])
def test_cli_model_needs_county(fixture_db, level):
    done = cli("kpi", "--by", level, "--estimate", "model", db=fixture_db)
    assert done.returncode == 2
    assert "--by county" in done.stderr
    assert done.stdout == ""


def test_cli_refuses_an_unknown_estimate(fixture_db):
    done = cli("kpi", "--by", "county", "--estimate", "synthetic", db=fixture_db)
    assert done.returncode == 2
    assert "direct" in done.stderr and "model" in done.stderr
