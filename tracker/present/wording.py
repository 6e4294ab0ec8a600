"""Small phrases built from several values, in the page language.

Kept apart from :mod:`format` (numbers and dates, below the translations) because these need the
string table: "bølge 2024" but "bølgene 2018, 2020 og 2024".
"""

from __future__ import annotations

from collections.abc import Iterable

from tracker.present import format as fmt
from tracker.present.i18n import t


def waves(years: Iterable[object], lang: str) -> str:
    """'bølge 2024' / 'bølgene 2018, 2020 og 2024' ('wave 2024' / 'waves 2018, 2020 and 2024')."""
    listed = [str(year) for year in years]
    key = "waves_one" if len(listed) == 1 else "waves_many"
    return t(key, lang, waves=fmt.join_list(listed, lang))
