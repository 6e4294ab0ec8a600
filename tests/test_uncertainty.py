"""How sure a status is (issue 12), against hand-worked cases. Arithmetic is in the comments.

Most cases pass their own standard normals (``normals``), so every draw can be classified by hand;
the seeded cases check the simulation against closed-form normal probabilities.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from tracker.stats import uncertainty as u
from tracker.stats.estimates import Z95

RULES = u.SimulationRules()


def bounds(shares, se):
    """Symmetric 95 % bounds p ± 1.959964·se, so that standard_errors() gives ``se`` back."""
    shares, se = np.asarray(shares, dtype=float), np.asarray(se, dtype=float)
    return shares - Z95 * se, shares + Z95 * se


def sureness(years, shares, se, *, status, normals=None, mode="absolute", rules=RULES, code="46"):
    low, high = bounds(shares, se)
    return u.status_uncertainty(
        years,
        shares,
        low,
        high,
        point_status=status,
        area_code=code,
        baseline_year=2018,
        target_year=2030,
        target_share=0.30,
        mode=mode,
        rules=rules,
        normals=None if normals is None else np.asarray(normals, dtype=float),
    )


def normal_cdf(x):
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


# --- standard errors and the pace's standard error -----------------------------------------------


def test_standard_error_from_wilson_bounds():
    # (0.30 − 0.10) / (2 · 1.959964) = 0.20 / 3.919928 = 0.051021
    assert u.standard_errors(np.array([0.10]), np.array([0.30]))[0] == pytest.approx(0.051021, 1e-5)


def test_pace_se_two_waves():
    # x̄ = 2021, x − x̄ = ∓3, Σ(x − x̄)² = 18, w = ∓1/6
    # 100·√((1/36)·0.04² + (1/36)·0.03²) = 100·√(0.0025/36) = 100·0.05/6 = 0.833333
    assert u.pace_standard_error([2018, 2024], [0.04, 0.03]) == pytest.approx(0.833333, abs=1e-6)


def test_pace_se_three_uneven_waves():
    # x̄ = 2020.6667; x − x̄ = −2.6667, −0.6667, 3.3333; Σ(x − x̄)² = 18.6667
    # w = −0.142857, −0.035714, 0.178571
    # Σw²se² = 0.020408·0.05² + 0.001276·0.04² + 0.031888·0.06²
    #        = 0.00005102 + 0.00000204 + 0.00011480 = 0.00016786 → 100·√ = 1.295607
    se = [0.05, 0.04, 0.06]
    assert u.pace_standard_error([2018, 2020, 2024], se) == pytest.approx(1.29561, abs=2e-5)


def test_pace_se_with_equal_errors_is_se_over_root_sxx():
    # Σw² = 1/Σ(x − x̄)², so equal errors s give 100·s/√Sxx = 100·0.05/√18.6667 = 1.157275
    assert u.pace_standard_error([2018, 2020, 2024], [0.05] * 3) == pytest.approx(1.157275, 1e-6)


# --- status probabilities from hand-made draws ----------------------------------------------------


def test_two_waves_absolute_each_draw_by_hand():
    # p = (0.15, 0.25), se = 0.05 for both; required = 100·(0.30 − 0.15)/12 = 1.25 pp only when the
    # drawn baseline is 0.15 (it moves with the draw).
    normals = [
        [0, 0],  # (0.15, 0.25): pace 1.6667, R = 1.333 → on_track; line hits 0.30 at 2027.0 → 2027
        [0, 1],  # (0.15, 0.30): latest reaches 0.30 → achieved; slope 0.025 → hits it in 2024
        [1, -1],  # (0.20, 0.20): pace 0, required 0.8333, R = 0 → limited_progress; no projection
        [2, -2],  # (0.25, 0.15): pace −1.6667, required 0.4167, R = −4 → moving_away; none
        [
            -1,
            -0.4,
        ],  # (0.10, 0.23): pace 2.1667, required 1.6667, R = 1.3 → on_track; 2027.23 → 2028
    ]
    result = sureness([2018, 2024], [0.15, 0.25], [0.05, 0.05], status="on_track", normals=normals)
    assert result.status_probability == pytest.approx(2 / 5)
    assert result.probability_on_track_or_better == pytest.approx(3 / 5)
    assert result.status_settled is False
    # projected years sorted: 2024, 2027, 2028, never, never.
    # 10 %: ⌈0.5⌉ = 1 draw → 2024; 90 %: ⌈4.5⌉ = 5 draws → the 5th is "never" → empty
    assert result.projected_year_low == 2024
    assert result.projected_year_high is None
    assert result.pace_se_pp_per_year == pytest.approx(100 * math.sqrt(2 * 0.05**2) / 6)


def test_three_waves_each_draw_by_hand():
    # p = (0.15, 0.18, 0.24), se 0.05 each; x − x̄ = −2.6667, −0.6667, 3.3333; Sxx = 18.6667
    normals = [
        [0, 0, 0],  # Σ(x − x̄)y = 0.28 → pace 1.5, required 1.25, R 1.2 → on_track; 2028.0 → 2028
        [0, 0, 1],  # (.., 0.29): 0.446667 → pace 2.3929, R 1.914 → on_track; 2024.57 → 2025
        [0, 0, 2],  # (.., 0.34): latest above 0.30 → achieved
        [0, 0, -2],  # (.., 0.14): −0.053333 → pace −0.2857, R < 0 → moving_away; no projection
    ]
    result = sureness(
        [2018, 2020, 2024], [0.15, 0.18, 0.24], [0.05] * 3, status="on_track", normals=normals
    )
    assert result.status_probability == pytest.approx(0.5)
    assert result.probability_on_track_or_better == pytest.approx(0.75)
    # achieved draw: (0.15, 0.18, 0.34): Σ(x − x̄)y = 0.613333, slope 0.032857, ȳ = 0.223333,
    # hits 0.30 at 2020.6667 + 2.3333 = 2023.0 → 2023. Years: 2023, 2025, 2028, never.
    # 10 %: ⌈0.4⌉ = 1 → 2023; 90 %: ⌈3.6⌉ = 4 → never → empty
    assert (result.projected_year_low, result.projected_year_high) == (2023, None)


def test_relative_mode_where_the_drawn_baseline_reaches_zero():
    # p = (0.05, 0.12), se 0.05; relative target = double the drawn baseline
    normals = [
        [0, 0],  # (0.05, 0.12): target 0.10, latest above → achieved (the point status)
        [-1, 0],  # baseline 0.05 − 0.05 = 0 → no target → insufficient_data
        [-2, 0],  # baseline −0.05 clipped to 0 → insufficient_data
        [0, -1],  # (0.05, 0.07): target 0.10, pace 0.3333, required 0.4167, R 0.8 → acceleration
    ]
    result = sureness(
        [2018, 2024],
        [0.05, 0.12],
        [0.05, 0.05],
        status="achieved",
        normals=normals,
        mode="relative",
    )
    assert result.status_probability == pytest.approx(1 / 4)
    assert result.probability_on_track_or_better == pytest.approx(1 / 4)


def test_same_draws_in_absolute_mode_differ():
    # The baseline of 0 means nothing special against the fixed 30 %: every draw is below it.
    normals = [[0, 0], [-1, 0], [-2, 0], [0, -1]]
    result = sureness(
        [2018, 2024], [0.05, 0.12], [0.05, 0.05], status="limited_progress", normals=normals
    )
    # (0.05, 0.12): pace 1.1667, required 2.0833, R 0.56 → limited_progress (the point status)
    # (0, 0.12) twice (−0.05 is clipped to 0): pace 2.0, required 2.5, R 0.8 → acceleration_needed
    # (0.05, 0.07): pace 0.3333, R 0.16 → limited_progress
    assert result.status_probability == pytest.approx(2 / 4)
    assert result.probability_on_track_or_better == 0.0


def test_area_above_target_matches_the_normal_probability():
    # Baseline 0.35 already above 30 %; latest 0.40 with se 0.05. The status is achieved exactly
    # when the drawn latest is ≥ 0.30: P = Φ((0.40 − 0.30)/0.05) = Φ(2) = 0.97725.
    # With 20 000 draws the simulation's standard error is √(0.977·0.023/20000) = 0.0011.
    result = sureness([2018, 2024], [0.35, 0.40], [0.05, 0.05], status="achieved")
    assert result.status_probability == pytest.approx(normal_cdf(2.0), abs=0.004)
    assert result.status_settled is True
    assert result.probability_on_track_or_better == pytest.approx(normal_cdf(2.0), abs=0.004)


def test_two_wave_on_track_probability_matches_a_closed_form():
    # Absolute mode, baseline se 0 (a census-like baseline of 0.15): R ≥ 0.95 and latest < 0.30
    # ⇔ pace ≥ 0.95·1.25 = 1.1875 pp ⇔ latest ≥ 0.15 + 6·0.011875 = 0.22125, and latest < 0.30.
    # latest ~ N(0.25, 0.04): P = Φ((0.30 − 0.25)/0.04) − Φ((0.22125 − 0.25)/0.04)
    #                           = Φ(1.25) − Φ(−0.71875) = 0.894350 − 0.236140 = 0.658210
    result = sureness([2018, 2024], [0.15, 0.25], [0.0, 0.04], status="on_track")
    expected = normal_cdf(1.25) - normal_cdf(-0.71875)
    assert result.status_probability == pytest.approx(expected, abs=0.01)
    assert result.probability_on_track_or_better == pytest.approx(
        1 - normal_cdf(-0.71875), abs=0.01
    )
    assert result.status_settled is False


def test_insufficient_data_has_every_column_empty():
    result = sureness([2024], [0.2], [0.05], status="insufficient_data")
    assert result == u.StatusUncertainty()
    assert all(getattr(result, c) is None for c in u.UNCERTAINTY_COLUMNS)


def test_settled_threshold_is_a_setting():
    normals = [[0, 0]] * 4 + [[2, -2]]  # 4 of 5 draws on track: probability 0.8
    low = u.SimulationRules(settled_at=0.80)
    high = u.SimulationRules(settled_at=0.81)
    args = ([2018, 2024], [0.15, 0.25], [0.05, 0.05])
    assert sureness(*args, status="on_track", normals=normals, rules=low).status_settled is True
    assert sureness(*args, status="on_track", normals=normals, rules=high).status_settled is False


# --- projection interval --------------------------------------------------------------------------


def test_year_quantile_counts_draws_at_or_before_the_year():
    years = np.array([2030.0] * 5 + [2035.0] * 4 + [np.nan])  # 10 draws, one never
    # 10 %: 1 draw → 2030; 50 %: 5 draws → 2030; 60 %: 6 → 2035; 90 %: 9 → 2035; 100 %: never
    assert [u.year_quantile(years, q) for q in (10, 50, 60, 90, 100)] == [
        2030,
        2030,
        2035,
        2035,
        None,
    ]


def test_year_quantile_when_few_draws_have_a_projection():
    years = np.array([2030.0] + [np.nan] * 19)  # 1 of 20 draws (5 %) has a projection
    assert u.year_quantile(years, 10) is None


# --- reproducibility ------------------------------------------------------------------------------


def test_the_seed_makes_results_reproducible():
    args = ([2018, 2020, 2024], [0.15, 0.18, 0.24], [0.05, 0.04, 0.06])
    first = sureness(*args, status="on_track")
    again = sureness(*args, status="on_track")
    assert first == again
    other = sureness(*args, status="on_track", rules=u.SimulationRules(seed=7))
    assert other.status_probability != first.status_probability
    # Another seed moves the estimate by simulation noise only (sd ≈ 0.0035 at 20 000 draws).
    assert other.status_probability == pytest.approx(first.status_probability, abs=0.02)


def test_each_area_has_its_own_stream():
    args = ([2018, 2024], [0.15, 0.25], [0.05, 0.05])
    assert sureness(*args, status="on_track", code="46") != sureness(
        *args, status="on_track", code="50"
    )


# --- difference from Norway -------------------------------------------------------------------


def test_difference_from_norway_by_hand():
    # county 0.40 ± 1.96·0.05, Norway 0.20 ± 1.96·0.01: diff 0.20 ± 1.96·√(0.0025 + 0.0001)
    # = 0.20 ± 1.96·0.050990 = 0.20 ± 0.099939 → (0.100061, 0.299939): clearly above
    low, high = bounds([0.40, 0.25, 0.05], [0.05, 0.05, 0.05])
    diff = u.difference_from(np.array([0.40, 0.25, 0.05]), low, high, 0.20, *bounds(0.20, 0.01))
    assert diff.difference == pytest.approx([0.20, 0.05, -0.15])
    assert diff.low[0] == pytest.approx(0.100061, abs=1e-5)
    assert diff.high[0] == pytest.approx(0.299939, abs=1e-5)
    # 0.05 ± 0.0999 straddles 0; −0.15 ± 0.0999 lies below it
    assert list(diff.verdict()) == ["above", "no_clear", "below"]
