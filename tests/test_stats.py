"""tracker.stats against hand-computed values (guide §6). Arithmetic is written out in comments.

z = 1.959964 (95 %), z² = 3.841459. The Wilson interval in closed form for x yes of n:
    (2x + z² ± z·√(z² + 4x(n − x)/n)) / (2(n + z²))
which is a different arrangement from the one in tracker.stats, so the two check each other.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.stats import estimates
from tracker.stats import progress as rules

Z2 = 3.841459
ABS = 1e-5  # the hand arithmetic below is carried to 6 decimals


def progress(points, *, mode="absolute", target_share=0.30, baseline_year=2018, target_year=2030):
    return rules.progress(
        points,
        baseline_year=baseline_year,
        target_year=target_year,
        target_share=target_share,
        mode=mode,
    )


# --- Wilson interval ------------------------------------------------------------------------------


def test_wilson_two_of_six():
    # 2x + z² = 4 + 3.841459 = 7.841459
    # z·√(z² + 4·2·4/6) = 1.959964·√(3.841459 + 5.333333) = 1.959964·3.029025 = 5.936781
    # 2(n + z²) = 2·9.841459 = 19.682918
    # low = (7.841459 − 5.936781)/19.682918 = 0.096771; high = 13.778240/19.682918 = 0.700007
    low, high = estimates.wilson_interval(2 / 6, 6)
    assert low == pytest.approx(0.096771, abs=ABS)
    assert high == pytest.approx(0.700007, abs=ABS)


def test_wilson_zero_of_five():
    # x = 0: low = (z² − z·√z²)/(…) = 0; high = 2z²/(2(n + z²)) = 3.841459/8.841459 = 0.434482
    low, high = estimates.wilson_interval(0.0, 5)
    assert low == pytest.approx(0.0, abs=1e-12)
    assert low >= 0.0
    assert high == pytest.approx(0.434482, abs=ABS)


def test_wilson_five_of_five():
    # x = n: low = (2n + z² − z²)/(2(n + z²)) = 5/8.841459 = 0.565518; high = 1
    low, high = estimates.wilson_interval(1.0, 5)
    assert low == pytest.approx(0.565518, abs=ABS)
    assert high == pytest.approx(1.0, abs=1e-12)
    assert high <= 1.0


def test_wilson_textbook_value():
    # p = 0.15, n = 100 (x = 15): 2x + z² = 33.841459;
    # z·√(z² + 4·15·85/100) = 1.959964·√54.841459 = 1.959964·7.405502 = 14.514516;
    # 2(n + z²) = 207.682918 → (19.326943/207.682918, 48.355975/207.682918) = (0.093060, 0.232836)
    low, high = estimates.wilson_interval(0.15, 100)
    assert low == pytest.approx(0.0931, abs=1e-4)
    assert high == pytest.approx(0.2328, abs=1e-4)


def test_wilson_fractional_effective_n():
    # Kish n = 25/6.5 = 3.846154, p = 0.5: centre = 0.5 exactly (symmetric);
    # half = z·√(0.25/3.846154 + z²/(4·3.846154²)) / (1 + z²/3.846154)
    #      = 1.959964·√(0.065 + 0.064920)/(1.998779) = 1.959964·0.360444/1.998779 = 0.353446
    low, high = estimates.wilson_interval(0.5, 25 / 6.5)
    assert low == pytest.approx(0.5 - 0.353446, abs=ABS)
    assert high == pytest.approx(0.5 + 0.353446, abs=ABS)


@pytest.mark.parametrize("n", [0, -1])
def test_wilson_refuses_non_positive_n(n):
    with pytest.raises(ValueError):
        estimates.wilson_interval(0.5, n)


@given(
    n=st.integers(min_value=1, max_value=5000),
    data=st.data(),
)
def test_wilson_contains_the_share_and_stays_in_unit_interval(n, data):
    yes = data.draw(st.integers(min_value=0, max_value=n))
    share = yes / n
    low, high = estimates.wilson_interval(share, n)
    assert 0.0 <= low <= share + 1e-12
    assert share - 1e-12 <= high <= 1.0
    assert high - low > 0


def test_wilson_narrows_as_n_grows():
    widths = [
        (lambda lo_hi: lo_hi[1] - lo_hi[0])(estimates.wilson_interval(0.2, n)) for n in (5, 50)
    ]
    assert widths[0] > widths[1]


# --- Kish effective n -----------------------------------------------------------------------------


def test_kish_effective_n_hand_values():
    # weights 2, 1, 1, 0.5, 0.5: Σw = 5, Σw² = 4 + 1 + 1 + 0.25 + 0.25 = 6.5 → 25/6.5 = 3.846154
    assert estimates.kish_effective_n(5.0, 6.5) == pytest.approx(3.846154, abs=ABS)
    # equal weights: (n·w)²/(n·w²) = n
    assert estimates.kish_effective_n(4 * 1.7, 4 * 1.7**2) == pytest.approx(4.0)
    # weights 1.5, 1, 2, 1: Σw = 5.5, Σw² = 8.25 → 30.25/8.25 = 3.666667
    assert estimates.kish_effective_n(5.5, 8.25) == pytest.approx(3.666667, abs=ABS)


def test_kish_effective_n_without_weights_is_zero():
    assert estimates.kish_effective_n(0.0, 0.0) == 0.0


# --- estimate() -----------------------------------------------------------------------------------


def test_estimate_unweighted_uses_n_not_weights():
    # 2 of 6 unweighted: share 1/3 and the 2/6 interval above
    est = estimates.estimate(6, 2, 6, 6, weighted=False, min_n=5)
    assert est.n == 6
    assert est.share == pytest.approx(1 / 3)
    assert est.ci_low == pytest.approx(0.096771, abs=ABS)
    assert est.ci_high == pytest.approx(0.700007, abs=ABS)
    assert not est.suppressed


def test_estimate_weighted_uses_kish_n():
    # weights 2(y), 1, 1, 0.5(y), 0.5: yes weight 2.5 / 5 = 0.5, Kish n 3.846154 (see above)
    est = estimates.estimate(5, 2.5, 5.0, 6.5, weighted=True, min_n=5)
    assert est.n == 5
    assert est.share == pytest.approx(0.5)
    assert est.ci_low == pytest.approx(0.146554, abs=ABS)
    assert est.ci_high == pytest.approx(0.853446, abs=ABS)


def test_estimate_suppressed_below_min_n():
    # 4 < 5: suppressed, n is still reported
    est = estimates.estimate(4, 2, 4, 4, weighted=False, min_n=5)
    assert est.suppressed
    assert est.n == 4
    assert (est.share, est.ci_low, est.ci_high) == (None, None, None)


def test_estimate_at_min_n_is_shown():
    est = estimates.estimate(5, 0, 5, 5, weighted=False, min_n=5)
    assert not est.suppressed
    assert est.share == 0.0
    assert est.ci_high == pytest.approx(0.434482, abs=ABS)


def test_estimate_with_no_answers_is_suppressed():
    est = estimates.estimate(0, 0, 0, 0, weighted=True, min_n=1)
    assert est.suppressed
    assert est.n == 0


def test_estimate_weighted_suppression_counts_responses_not_effective_n():
    # Kish n 3.85 < 5, but 5 responses: the guide reports n unweighted and suppresses on it
    est = estimates.estimate(5, 2.5, 5.0, 6.5, weighted=True, min_n=5)
    assert not est.suppressed


# --- slope ----------------------------------------------------------------------------------------


def test_slope_of_exact_line():
    # 0.15, 0.17, 0.21 at 2018, 2020, 2024: one point per year apart of 0.01 → 1.0 pp/year
    assert rules.slope_pp_per_year([2018, 2020, 2024], [0.15, 0.17, 0.21]) == pytest.approx(1.0)


def test_slope_least_squares_hand_value():
    # years 2018, 2020, 2024: mean 2020.6667, deviations −8/3, −2/3, 10/3, Sxx = 56/3.
    # Sxy = (−8·0.2 − 2·0.2 + 10·0.25)/3 = 0.5/3 → slope = 0.5/56 = 0.0089286/yr = 0.892857 pp
    slope = rules.slope_pp_per_year([2018, 2020, 2024], [0.2, 0.2, 0.25])
    assert slope == pytest.approx(0.892857, abs=ABS)


def test_slope_two_points_falling():
    # (0.10 − 0.20)/(2024 − 2018) = −0.016667/yr = −1.666667 pp
    assert rules.slope_pp_per_year([2018, 2024], [0.20, 0.10]) == pytest.approx(-1.666667, abs=ABS)


def test_slope_needs_two_distinct_years():
    with pytest.raises(ValueError):
        rules.slope_pp_per_year([2018], [0.1])
    with pytest.raises(ValueError):
        rules.slope_pp_per_year([2018, 2018], [0.1, 0.2])
    with pytest.raises(ValueError):
        rules.slope_pp_per_year([2018, 2020], [0.1])


# --- classify_ratio at the boundaries -------------------------------------------------------------


@pytest.mark.parametrize(
    ("ratio", "status"),
    [
        (3.0, "on_track"),
        (0.95, "on_track"),
        (0.9499, "acceleration_needed"),
        (0.60, "acceleration_needed"),
        (0.5999, "limited_progress"),
        (0.0, "limited_progress"),
        (-0.0001, "moving_away"),
        (-2.0, "moving_away"),
    ],
)
def test_classify_ratio(ratio, status):
    assert rules.classify_ratio(ratio) == status


# --- progress(): every status ---------------------------------------------------------------------


def test_status_achieved_when_latest_reaches_target_exactly():
    # latest 0.30 ≥ target 0.30
    result = progress([(2018, 0.15), (2024, 0.30)])
    assert result.status == "achieved"


def test_status_on_track_at_ratio_095():
    # required = (0.30 − 0.15)/12 = 1.25 pp/yr; pace = (0.17375 − 0.15)/2 = 1.1875 pp/yr;
    # R = 1.1875/1.25 = 0.95 exactly (on the on_track side of the boundary)
    result = progress([(2018, 0.15), (2020, 0.17375)])
    assert result.required_pp_per_year == pytest.approx(1.25)
    assert result.pace_pp_per_year == pytest.approx(1.1875)
    assert result.pace_ratio == pytest.approx(0.95)
    assert result.status == "on_track"


def test_status_acceleration_needed_at_ratio_060():
    # pace = (0.165 − 0.15)/2 = 0.75 pp/yr; R = 0.75/1.25 = 0.60 exactly
    result = progress([(2018, 0.15), (2020, 0.165)])
    assert result.pace_ratio == pytest.approx(0.60)
    assert result.status == "acceleration_needed"


def test_status_acceleration_needed_just_below_095():
    # pace = (0.1735 − 0.15)/2 = 1.175 pp; R = 1.175/1.25 = 0.94
    result = progress([(2018, 0.15), (2020, 0.1735)])
    assert result.pace_ratio == pytest.approx(0.94)
    assert result.status == "acceleration_needed"


def test_status_limited_progress_just_below_060():
    # pace = (0.1645 − 0.15)/2 = 0.725 pp; R = 0.725/1.25 = 0.58
    result = progress([(2018, 0.15), (2020, 0.1645)])
    assert result.pace_ratio == pytest.approx(0.58)
    assert result.status == "limited_progress"


def test_status_limited_progress_when_flat():
    # 0.2 in every wave: pace 0, R = 0 → limited_progress (0 ≤ R < 0.60), no projection
    result = progress([(2018, 0.2), (2020, 0.2), (2024, 0.2)])
    assert result.pace_pp_per_year == pytest.approx(0.0)
    assert result.pace_ratio == pytest.approx(0.0)
    assert result.status == "limited_progress"
    assert result.projected_year is None


def test_status_moving_away():
    # pace = (0.12 − 0.18)/6 = −1.0 pp; required = 0.12/12 = 1.0 pp; R = −1
    result = progress([(2018, 0.18), (2024, 0.12)])
    assert result.pace_pp_per_year == pytest.approx(-1.0)
    assert result.required_pp_per_year == pytest.approx(1.0)
    assert result.pace_ratio == pytest.approx(-1.0)
    assert result.status == "moving_away"
    assert result.projected_year is None


def test_baseline_above_target_and_falling_is_moving_away():
    # Baseline 0.36 is above the target, latest 0.24 is below it. required = (0.30 − 0.36)/12
    # = −0.5 pp; pace = −2.0 pp. A naive R = −2/−0.5 = 4 would say "on track"; the county is
    # falling away from the target, so the status must be moving_away.
    result = progress([(2018, 0.36), (2024, 0.24)])
    assert result.required_pp_per_year == pytest.approx(-0.5)
    assert result.pace_pp_per_year == pytest.approx(-2.0)
    assert result.status == "moving_away"
    assert result.pace_ratio is None


def test_baseline_at_target_then_below_but_rising_is_limited_progress():
    # 0.32 → 0.10 → 0.29: slope = (−8·0.32 − 2·0.10 + 10·0.29)/56 = 0.14/56 = 0.25 pp > 0;
    # required (0.30 − 0.32)/12 < 0: no meaningful R, latest below target → limited_progress
    result = progress([(2018, 0.32), (2020, 0.10), (2024, 0.29)])
    assert result.pace_pp_per_year == pytest.approx(0.25)
    assert result.status == "limited_progress"


@pytest.mark.parametrize(
    "points",
    [
        [],
        [(2018, 0.2)],  # one wave
        [(2018, None), (2020, 0.2), (2024, 0.25)],  # baseline suppressed
        [(2018, 0.2), (2020, 0.22), (2024, None)],  # latest suppressed
        [(2020, 0.2), (2024, 0.25)],  # no baseline wave
    ],
)
def test_status_insufficient_data(points):
    result = progress(points)
    assert result.status == "insufficient_data"
    # Nothing is assessed, so nothing derived is reported (issue 15, item 9): no "0,0 pp" pace
    # through the shown waves beside "For lite data".
    assert result.pace_pp_per_year is None
    assert result.required_pp_per_year is None
    assert result.needed_from_now_pp_per_year is None
    assert result.pace_ratio is None
    assert result.projected_year is None


def test_evaluate_blanks_every_derived_figure_of_an_unassessed_row():
    # Relative mode: row 1 doubles 0.15; row 2 has a baseline of 0, which cannot be doubled
    # (no target, insufficient data), although its shares rise steeply.
    result = rules.evaluate(
        [2018, 2020, 2024],
        np.array([[0.15, 0.18, 0.24], [0.0, 0.10, 0.30]]),
        baseline_year=2018,
        target_year=2030,
        target_share=0.30,
        mode="relative",
    )
    assert rules.STATUSES[int(result.status[1])] == "insufficient_data"
    assert not np.isnan(result.pace[0]) and not np.isnan(result.projected[0])
    for values in (result.pace, result.required, result.ratio, result.projected):
        assert np.isnan(values[1])


def test_every_status_is_reachable():
    cases = {
        "achieved": [(2018, 0.15), (2024, 0.31)],
        "on_track": [(2018, 0.15), (2024, 0.25)],
        "acceleration_needed": [(2018, 0.15), (2024, 0.20)],
        "limited_progress": [(2018, 0.15), (2024, 0.16)],
        "moving_away": [(2018, 0.15), (2024, 0.10)],
        "insufficient_data": [(2018, 0.15)],
    }
    assert set(cases) == set(rules.STATUSES)
    for status, points in cases.items():
        assert progress(points).status == status, points


def test_progress_full_record_three_waves():
    # Fixture county 46: 1/5, 1/5, 2/8. pace 0.892857 pp (slope test above);
    # required = (0.30 − 0.20)/12 = 0.833333 pp; R = 0.892857/0.833333 = 1.071429 → on_track.
    # needed from now = (0.30 − 0.25)/(2030 − 2024) = 0.833333 pp/yr.
    # Line: mean share (0.2 + 0.2 + 0.25)/3 = 0.216667 at mean year 2020.666667;
    # reaches 0.30 after (0.30 − 0.216667)/0.0089286 = 9.333333 years → 2030.0 exactly → 2030.
    result = progress([(2018, 0.2), (2020, 0.2), (2024, 0.25)])
    assert result.baseline_year == 2018
    assert result.baseline_share == pytest.approx(0.2)
    assert result.latest_year == 2024
    assert result.latest_share == pytest.approx(0.25)
    assert result.target_share == pytest.approx(0.30)
    assert result.pace_pp_per_year == pytest.approx(0.892857, abs=ABS)
    assert result.required_pp_per_year == pytest.approx(0.833333, abs=ABS)
    assert result.pace_ratio == pytest.approx(1.071429, abs=ABS)
    assert result.needed_from_now_pp_per_year == pytest.approx(0.833333, abs=ABS)
    assert result.status == "on_track"
    assert result.projected_year == 2030


def test_progress_sorts_points():
    unsorted = progress([(2024, 0.25), (2018, 0.2), (2020, 0.2)])
    assert unsorted.latest_year == 2024
    assert unsorted.baseline_share == pytest.approx(0.2)
    assert unsorted.status == "on_track"


def test_suppressed_middle_wave_is_skipped_in_the_pace():
    # pace from 2018 and 2024 only: (0.26 − 0.20)/6 = 1.0 pp
    result = progress([(2018, 0.20), (2020, None), (2024, 0.26)])
    assert result.pace_pp_per_year == pytest.approx(1.0)
    assert result.status != "insufficient_data"


# --- relative target mode -------------------------------------------------------------------------


def test_relative_mode_target_is_double_the_baseline():
    # baseline 0.10 → target 0.20; required = 0.10/12 = 0.833333 pp; pace = 0.06/6 = 1.0 pp;
    # R = 1.2 → on_track; needed from now = (0.20 − 0.16)/6 = 0.666667 pp;
    # line 0.10 + 0.01·(year − 2018) reaches 0.20 in 2028.0 → 2028
    result = progress([(2018, 0.10), (2024, 0.16)], mode="relative")
    assert result.target_share == pytest.approx(0.20)
    assert result.required_pp_per_year == pytest.approx(0.833333, abs=ABS)
    assert result.pace_ratio == pytest.approx(1.2)
    assert result.status == "on_track"
    assert result.needed_from_now_pp_per_year == pytest.approx(0.666667, abs=ABS)
    assert result.projected_year == 2028


def test_same_points_in_absolute_mode():
    # target 0.30: required = 0.20/12 = 1.666667 pp; R = 1.0/1.666667 = 0.60 → acceleration_needed;
    # line reaches 0.30 in 2038.0 → 2038
    result = progress([(2018, 0.10), (2024, 0.16)], mode="absolute")
    assert result.target_share == pytest.approx(0.30)
    assert result.pace_ratio == pytest.approx(0.60)
    assert result.status == "acceleration_needed"
    assert result.projected_year == 2038


def test_relative_mode_achieved_when_doubled():
    # baseline 0.12 → target 0.24; latest 0.25 ≥ 0.24 (absolute mode would not be achieved)
    assert progress([(2018, 0.12), (2024, 0.25)], mode="relative").status == "achieved"
    assert progress([(2018, 0.12), (2024, 0.25)], mode="absolute").status != "achieved"


def test_relative_mode_without_baseline_has_no_target():
    result = progress([(2018, None), (2024, 0.25)], mode="relative")
    assert result.target_share is None
    assert result.status == "insufficient_data"


def test_target_for():
    assert rules.target_for(0.12, "absolute", 0.30) == 0.30
    assert rules.target_for(None, "absolute", 0.30) == 0.30
    assert rules.target_for(0.12, "relative", 0.30) == pytest.approx(0.24)
    assert rules.target_for(None, "relative", 0.30) is None
    with pytest.raises(ValueError):
        rules.target_for(0.12, "double", 0.30)


def test_unknown_mode_is_refused():
    with pytest.raises(ValueError):
        progress([(2018, 0.1), (2024, 0.2)], mode="double")


# --- projected_year -------------------------------------------------------------------------------


def test_projection_at_2029_9_gives_2030():
    # slope 0.01/yr through 0.30 at 2029.9: 2018 → 0.30 − 0.119 = 0.181, 2024 → 0.241
    assert rules.projected_year([(2018, 0.181), (2024, 0.241)], 0.30) == 2030


def test_projection_exactly_2030_gives_2030():
    # slope 0.01/yr: 0.18 in 2018, 0.24 in 2024 → 0.30 in 2030.0
    assert rules.projected_year([(2018, 0.18), (2024, 0.24)], 0.30) == 2030


def test_projection_just_after_2030_gives_2031():
    # 0.179 in 2018, 0.239 in 2024 → 0.30 in 2030.1 → first whole year at or above is 2031
    assert rules.projected_year([(2018, 0.179), (2024, 0.239)], 0.30) == 2031


def test_projection_none_for_flat_or_falling():
    assert rules.projected_year([(2018, 0.2), (2024, 0.2)], 0.30) is None
    assert rules.projected_year([(2018, 0.2), (2024, 0.1)], 0.30) is None


def test_progress_projection_none_when_pace_not_positive():
    assert progress([(2018, 0.2), (2024, 0.2)]).projected_year is None
    assert progress([(2018, 0.2), (2024, 0.15)]).projected_year is None


def test_fitted_line():
    # through (2018, 0.18) and (2024, 0.24): slope 0.01, intercept 0.18 − 0.01·2018 = −20.0
    intercept, slope = rules.fitted_line([(2018, 0.18), (2024, 0.24)])
    assert slope == pytest.approx(0.01)
    assert intercept == pytest.approx(-20.0)


# --- needed from now ------------------------------------------------------------------------------


def test_needed_from_now():
    # (0.30 − 0.16)/(2030 − 2024) = 0.14/6 = 2.333333 pp/yr
    result = progress([(2018, 0.10), (2024, 0.16)])
    assert result.needed_from_now_pp_per_year == pytest.approx(2.333333, abs=ABS)


def test_needed_from_now_with_other_target_year():
    # target year 2026: (0.30 − 0.16)/2 = 7.0 pp/yr; required = 0.20/8 = 2.5 pp/yr
    result = progress([(2018, 0.10), (2024, 0.16)], target_year=2026)
    assert result.needed_from_now_pp_per_year == pytest.approx(7.0)
    assert result.required_pp_per_year == pytest.approx(2.5)


def test_needed_from_now_undefined_at_or_after_target_year():
    assert (
        progress([(2018, 0.10), (2024, 0.16)], target_year=2024).needed_from_now_pp_per_year is None
    )


def test_needed_from_now_negative_when_above_target():
    # (0.30 − 0.36)/6 = −1.0 pp/yr
    result = progress([(2018, 0.10), (2024, 0.36)])
    assert result.status == "achieved"
    assert result.needed_from_now_pp_per_year == pytest.approx(-1.0)


@given(
    base=st.integers(min_value=1, max_value=29),
    step=st.integers(min_value=-20, max_value=40),
)
def test_status_agrees_with_hand_rule(base, step):
    # Two waves, shares in whole per cents: the status follows the guide's rule directly.
    b, latest = base / 100, (base + step) / 100
    if latest < 0 or latest > 1:
        return
    result = progress([(2018, b), (2024, latest)])
    pace = 100 * (latest - b) / 6
    required = 100 * (0.30 - b) / 12
    r = pace / required
    if latest >= 0.30 - 1e-12:
        expected = "achieved"
    elif r >= 0.95 - 1e-9:
        expected = "on_track"
    elif r >= 0.60 - 1e-9:
        expected = "acceleration_needed"
    elif r >= -1e-12:
        expected = "limited_progress"
    else:
        expected = "moving_away"
    assert result.status == expected
    assert math.isclose(result.pace_pp_per_year, pace, abs_tol=1e-9)


def test_relative_target_of_a_zero_baseline_is_undefined():
    # Doubling 0 % is 0 %: "achieved" would be wrong, so there is no relative target at all.
    assert rules.target_for(0.0, "relative", 0.30) is None
    result = rules.progress(
        [(2018, 0.0), (2020, 0.05), (2024, 0.10)],
        baseline_year=2018,
        target_year=2030,
        target_share=0.30,
        mode="relative",
    )
    assert result.status == "insufficient_data"
    assert result.target_share is None and result.projected_year is None
