"""Names of the structure groups (centrality class, size band, KOSTRA group) in each language.

The queries and KPI tables carry only group codes ('1'–'6', '2000_4999', '1'–'17'); the CLI and
the pages name them here: "Sentralitet 1 (mest sentral)", "2 000–4 999 innbyggere",
"KOSTRA-gruppe 12".
"""

from __future__ import annotations

import pandas as pd

from tracker.data.profiles import CENTRALITY_CLASSES, SIZE_BANDS, group_codes
from tracker.present import format as fmt
from tracker.present.i18n import t


def group_name(grouping: str, code: str, lang: str) -> str:
    """The name of one group in ``lang``."""
    if code not in group_codes(grouping):
        raise ValueError(f"{code!r} is not a group of {grouping}")
    if grouping == "centrality":
        if code in (CENTRALITY_CLASSES[0], CENTRALITY_CLASSES[-1]):
            return t(f"group_centrality_{code}", lang)
        return t("group_centrality", lang, code=code)
    if grouping == "kostra_group":
        return t("group_kostra", lang, code=code)
    lows = [low for _, low in SIZE_BANDS]
    index = [band for band, _ in SIZE_BANDS].index(code)
    low = fmt.count(lows[index], lang)
    if index == 0:
        return t("group_size_under", lang, high=fmt.count(lows[1], lang))
    if index == len(lows) - 1:
        return t("group_size_plus", lang, low=low)
    return t("group_size_range", lang, low=low, high=fmt.count(lows[index + 1] - 1, lang))


def name_groups(table: pd.DataFrame, grouping: str, lang: str) -> pd.DataFrame:
    """``table`` with area_name set to each group's name in ``lang`` (area_code is the code)."""
    names = {code: group_name(grouping, code, lang) for code in group_codes(grouping)}
    return table.assign(area_name=table["area_code"].map(names))
