"""Published national figures beside the database's own estimates, ready for a page.

Kept apart from :mod:`views` so that the method page's reality check reads as one piece: its
number format, its table and the words that say why a figure has nothing to compare with.
"""

from __future__ import annotations

import pandas as pd

from tracker.present import format as fmt
from tracker.present.i18n import t


def published_share(value: float, lang: str) -> str:
    """A published share with the decimals it was published with: 0.15 → '15 %', 0.153 →
    '15,3 %'. '15,0 %' would claim a precision the publication never had."""
    hundred = 100 * value
    decimals = 0 if abs(hundred - round(hundred)) < 1e-9 else 1
    return fmt.share(value, lang, decimals)


def _inside_text(availability: str, inside: object, lang: str, min_n: int) -> str:
    if availability == "not_imported":
        return t("published_not_imported", lang)
    if availability == "suppressed":
        return t("published_suppressed", lang, min_n=min_n)
    return t("published_inside_yes" if inside else "published_inside_no", lang)


def published_display_table(comparison: pd.DataFrame, lang: str, min_n: int) -> pd.DataFrame:
    """The rows of :func:`tracker.stats.published.compare_published`, translated and formatted.

    Missing numbers show '–'; the last-but-one column says why (wave not imported, or too few
    answers). The note is the reference file's own text, shown as written.
    """
    counts = [None if pd.isna(n) else int(n) for n in comparison["n"]]
    return pd.DataFrame(
        {
            t("col_source", lang): comparison["source"],
            t("col_wave", lang): comparison["wave_year"],
            t("col_measure", lang): [t(f"measure_{m}", lang) for m in comparison["measure"]],
            t("col_published", lang): [
                published_share(v, lang) for v in comparison["published_share"]
            ],
            t("col_estimate", lang): [fmt.share(s, lang) for s in comparison["share"]],
            t("col_ci", lang): [
                fmt.share_range(lo, hi, lang, 1)
                for lo, hi in zip(comparison["ci_low"], comparison["ci_high"], strict=True)
            ],
            t("col_n", lang): [fmt.count(n, lang) for n in counts],
            t("col_difference", lang): [fmt.pp(d, lang) for d in comparison["difference_pp"]],
            t("col_inside", lang): [
                _inside_text(a, i, lang, min_n)
                for a, i in zip(
                    comparison["availability"], comparison["inside_interval"], strict=True
                )
            ],
            t("col_note", lang): comparison["note"],
        }
    )
