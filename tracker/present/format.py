"""Number formatting per language; one formatter per column suffix (guide §3.7).

Bokmål uses a decimal comma, a (non-breaking) space before % and a true minus sign: "15,3 %".
English uses "15.3%".
"""

from __future__ import annotations

import math

LANGUAGES = ("nb", "en")
NBSP = "\u00a0"
MINUS = "\u2212"

#: Plotly's ``separators`` layout value: decimal mark then thousands separator.
PLOTLY_SEPARATORS = {"nb": ", ", "en": ".,"}


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(value: float, lang: str, decimals: int = 1) -> str:
    text = f"{value:,.{decimals}f}"
    if lang == "nb":
        text = text.replace(",", NBSP).replace(".", ",").replace("-", MINUS)
    return text


def share(value: float | None, lang: str, decimals: int = 1) -> str:
    """A 0–1 share as a percentage: '15,3 %' (nb) or '15.3%' (en); '–' when missing."""
    if value is None or _missing(value):
        return "–"
    text = number(100 * value, lang, decimals)
    return f"{text}{NBSP}%" if lang == "nb" else f"{text}%"


def share_range(low: float | None, high: float | None, lang: str, decimals: int = 0) -> str:
    """An interval such as '18–31 %' (nb) or '18–31%' (en)."""
    if low is None or high is None or _missing(low) or _missing(high):
        return "–"
    low_text = number(100 * low, lang, decimals)
    high_text = share(high, lang, decimals)
    return f"{low_text}–{high_text}"


def pp(value: float | None, lang: str, decimals: int = 1, signed: bool = True) -> str:
    """Percentage points: '+3,2 pp' / '−1,0 pp'."""
    if value is None or _missing(value):
        return "–"
    text = number(value, lang, decimals)
    if signed and value > 0:
        text = "+" + text
    return f"{text}{NBSP}pp" if lang == "nb" else f"{text} pp"


def count(value: int | None, lang: str) -> str:
    if value is None or _missing(value):
        return "–"
    return number(float(value), lang, 0)


def year(value: int | float | None) -> str:
    return "–" if value is None or _missing(value) else str(int(value))
