"""The method page's "How sure is a status?": the explanation and its worked example, in words.

The explanation takes every number that a setting can change (draws, seed, settled threshold,
baseline and target year) from the settings, and its sample wordings from :mod:`statuses`, so the
text cannot drift from what the pages show. The worked example formats one county's figures from
:func:`tracker.present.page_data.uncertainty_example`; it computes nothing of its own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from tracker.data.settings import Settings
from tracker.present import format as fmt
from tracker.present.i18n import status_label, t
from tracker.present.markdown import escape_markdown
from tracker.present.page_data import UncertaintyExample
from tracker.present.statuses import (
    PROJECTION_LIMIT,
    is_uncertain,
    projection_display,
    status_display,
    versus_text,
)


def _value(row: pd.Series, column: str) -> float | None:
    value = row.get(column)
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def explanation(settings: Settings, lang: str) -> str:
    """The plain-language explanation (Markdown), with the settings' values filled in.

    The sample wordings are built by the same functions as the pages' statuses and years, so a
    change of wording there shows here too.
    """
    uncertain = status_display(
        {"status": "on_track", "status_settled": False, "status_probability": 0.62}, lang
    )
    projected = {"status": "on_track", "projected_year": 2030, "projected_year_low": 2026}
    return t(
        "method_uncertainty",
        lang,
        draws=fmt.count(settings.simulation_draws, lang),
        seed=settings.simulation_seed,
        settled=fmt.probability(settings.settled_probability, lang),
        baseline=settings.baseline_year,
        target_year=settings.target_year,
        limit=PROJECTION_LIMIT,
        uncertain_example=uncertain,
        projection_example=projection_display({**projected, "projected_year_high": 2041}, lang),
        projection_open_example=projection_display(projected, lang),
        above=versus_text("above", lang),
        below=versus_text("below", lang),
        no_clear=versus_text("no_clear", lang),
    )


@dataclass(frozen=True)
class WorkedExample:
    """The worked example ready to lay out: a sentence, a table of waves, numbered steps."""

    intro: str  # Markdown: which county, and why that one
    table: pd.DataFrame  # its shown waves: wave, n, share, 95 % interval, se_i in pp
    steps: list[str]  # Markdown sentences, one per step of the computation

    def steps_markdown(self) -> str:
        """The steps as a numbered Markdown list."""
        return "\n".join(f"{number}. {step}" for number, step in enumerate(self.steps, start=1))


def waves_table(example: UncertaintyExample, lang: str) -> pd.DataFrame:
    """The county's shown waves with the standard error each contributes (percentage points)."""
    waves = example.waves
    return pd.DataFrame(
        {
            t("col_wave", lang): [str(int(y)) for y in waves["wave_year"]],
            t("col_n", lang): [fmt.count(int(n), lang) for n in waves["n"]],
            t("col_share", lang): [fmt.share(s, lang, 1) for s in waves["share"]],
            t("col_ci", lang): [
                fmt.share_range(lo, hi, lang, 1)
                for lo, hi in zip(waves["ci_low"], waves["ci_high"], strict=True)
            ],
            t("col_se", lang): [fmt.pp(100 * se, lang, 1, signed=False) for se in waves["se"]],
        }
    )


def _projection_step(row: pd.Series, lang: str) -> str:
    """The projected year with its interval, or why it has none (too few draws reach it)."""
    low = _value(row, "projected_year_low")
    if low is None or low > PROJECTION_LIMIT:
        return t(
            "method_example_projection_none",
            lang,
            display=projection_display(row, lang),
            limit=PROJECTION_LIMIT,
        )
    return t("method_example_projection", lang, display=projection_display(row, lang))


def _steps(example: UncertaintyExample, settings: Settings, lang: str) -> list[str]:
    row = example.progress
    probability = fmt.probability(_value(row, "status_probability"), lang)
    ratio = _value(row, "pace_ratio")
    difference = {
        column: fmt.pp(None if (v := _value(example.versus, column)) is None else 100 * v, lang)
        for column in ("difference", "difference_low", "difference_high")
    }
    return [
        t(
            "method_example_pace",
            lang,
            count=len(example.waves),
            pace=fmt.pp(_value(row, "pace_pp_per_year"), lang),
            se=fmt.pp(_value(row, "pace_se_pp_per_year"), lang, signed=False),
        ),
        t(
            "method_example_required",
            lang,
            required=fmt.pp(_value(row, "required_pp_per_year"), lang),
            baseline_share=fmt.share(_value(row, "baseline_share"), lang, 1),
            baseline=settings.baseline_year,
            target=fmt.share(_value(row, "target_share"), lang, 1),
            target_year=settings.target_year,
            ratio="–" if ratio is None else fmt.number(ratio, lang, 2),
            status=status_label(str(row["status"]), lang),
        ),
        t(
            "method_example_uncertain" if is_uncertain(row) else "method_example_settled",
            lang,
            draws=fmt.count(settings.simulation_draws, lang),
            probability=probability,
            settled=fmt.probability(settings.settled_probability, lang),
            display=status_display(row, lang),
        ),
        t(
            "method_example_better",
            lang,
            better=fmt.probability(_value(row, "probability_on_track_or_better"), lang),
        ),
        _projection_step(row, lang),
        t(
            "method_example_versus",
            lang,
            wave=example.wave,
            share=fmt.share(_value(example.waves.iloc[-1], "share"), lang, 1),
            national=fmt.share(_value(example.national, "share"), lang, 1),
            difference=difference["difference"],
            low=difference["difference_low"],
            high=difference["difference_high"],
            verdict=versus_text(example.versus.get("verdict"), lang),
        ),
    ]


def worked_example(
    example: UncertaintyExample | None, measure: str, settings: Settings, lang: str
) -> WorkedExample | str:
    """The example laid out in words, or the one sentence that says there is none."""
    if example is None:
        return t("method_example_none", lang)
    intro = t(
        "method_example_intro",
        lang,
        area=escape_markdown(example.area_name),
        measure=t(f"measure_{measure}", lang),
        mode=t(f"target_mode_{settings.target_mode}", lang),
        wave=example.wave,
        n=fmt.count(example.n, lang),
    )
    return WorkedExample(
        intro=intro, table=waves_table(example, lang), steps=_steps(example, settings, lang)
    )
