"""The database's own national estimates beside the figures that were actually published.

After the first import of real survey data this is the check an analyst looks at: a published
figure far outside the database's 95 % interval for the same wave and measure points at a wrong
file, a wrong eligibility rule or a different weighting, not at sampling noise.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

#: Why a published figure has, or has no, estimate to compare with.
AVAILABILITY = ("compared", "suppressed", "not_imported")

COMPARISON_COLUMNS = (
    "source",
    "published_year",
    "wave_year",
    "measure",
    "published_share",
    "n",
    "share",
    "ci_low",
    "ci_high",
    "difference_pp",
    "inside_interval",
    "availability",
    "note",
)


def compare_published(
    published: pd.DataFrame, national_kpis_by_measure: Mapping[str, pd.DataFrame]
) -> pd.DataFrame:
    """One row per published figure with the database's national estimate for its wave.

    ``published`` has the columns of :func:`tracker.data.reference.published_figures` (source,
    year, wave, measure, value, note); ``national_kpis_by_measure`` maps a measure to its national
    KPI rows (wave_year, n, share, ci_low, ci_high; a suppressed share is NaN). A measure absent
    from the mapping counts as not imported.

    ``difference_pp`` is database minus published, in percentage points. ``inside_interval`` is
    whether the published value lies within the database's 95 % interval (bounds included), and
    missing (pd.NA) when there is nothing to compare: ``availability`` then says why, either
    ``suppressed`` (the wave is there but rests on too few answers) or ``not_imported``.
    """
    rows = []
    for figure in published.itertuples(index=False):
        kpis = national_kpis_by_measure.get(str(figure.measure))
        match = (
            kpis[kpis["wave_year"] == figure.wave]
            if kpis is not None
            else pd.DataFrame(columns=["n", "share", "ci_low", "ci_high"])
        )
        row = {
            "source": figure.source,
            "published_year": int(figure.year),
            "wave_year": int(figure.wave),
            "measure": figure.measure,
            "published_share": float(figure.value),
            "n": pd.NA,
            "share": np.nan,
            "ci_low": np.nan,
            "ci_high": np.nan,
            "difference_pp": np.nan,
            "inside_interval": pd.NA,
            "availability": "not_imported",
            "note": figure.note,
        }
        if not match.empty:
            estimate = match.iloc[0]
            row["n"] = int(estimate["n"])
            row["availability"] = "suppressed"
            if not pd.isna(estimate["share"]):
                share, low, high = (float(estimate[c]) for c in ("share", "ci_low", "ci_high"))
                row.update(
                    share=share,
                    ci_low=low,
                    ci_high=high,
                    difference_pp=100 * (share - float(figure.value)),
                    inside_interval=bool(low <= figure.value <= high),
                    availability="compared",
                )
        rows.append(row)
    table = pd.DataFrame(rows, columns=list(COMPARISON_COLUMNS))
    return table.astype(
        {
            "published_year": int,
            "wave_year": int,
            "n": "Int64",
            "share": float,
            "ci_low": float,
            "ci_high": float,
            "difference_pp": float,
            "inside_interval": "boolean",
            "published_share": float,
        }
    )
