"""Number formatting per language; one formatter per column suffix (guide §3.7).

Bokmål uses a decimal comma, a (non-breaking) space before % and a true minus sign: "15,3 %".
English uses "15.3%".

One rounding rule everywhere: half up (away from zero), as readers and spreadsheets round, on
the value as written (0.145 is 14,5 %, not 14.499999999999998), never Python's round-half-to-even
nor the float's binary expansion. One precision per kind of number, so that a headline, a chart
label and a sentence show the same figure: shares and percentage points with one decimal
(:data:`SHARE_DECIMALS`), probabilities as whole percent (:data:`PROBABILITY_DECIMALS`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

LANGUAGES = ("nb", "en")
NBSP = "\u00a0"
MINUS = "\u2212"

SHARE_DECIMALS = 1
PP_DECIMALS = 1
PROBABILITY_DECIMALS = 0
#: Arithmetic before formatting leaves float noise (100 · (0.2 − 0.155) = 4.500000000000001,
#: 0.145 · 100 = 14.499999999999998); rounding to this many places first removes it, so that the
#: half-up rule decides on the intended value. Far finer than any precision shown.
_NOISE_PLACES = 9

#: Plotly's ``separators`` layout value: decimal mark then thousands separator.
PLOTLY_SEPARATORS = {"nb": ", ", "en": ".,"}

#: The unit of percentage points: short in tables and charts, written out in sentences. Bokmål
#: abbreviates it "p.p." ("pp" is English).
PP_UNITS = {
    ("nb", False): f"{NBSP}p.p.",
    ("en", False): " pp",
    ("nb", True): f"{NBSP}prosentpoeng",
    ("en", True): " percentage points",
}


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def rounded(value: float, decimals: int, scale: int = 1) -> Decimal:
    """``value × scale`` rounded half up to ``decimals`` places, from the value as written.

    ``repr`` gives the shortest text that reads back as the same float ("0.145"), so scaling
    that in decimal arithmetic keeps 0.145 at 14.5 exactly, where 0.145 * 100 in floats is
    14.499999999999998 and would round down.
    """
    exact = Decimal(repr(float(value))) * scale
    clean = exact.quantize(Decimal(1).scaleb(-_NOISE_PLACES), rounding=ROUND_HALF_EVEN)
    result = clean.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return abs(result) if result == 0 else result  # no "−0,0"


def _text(value: Decimal, lang: str, decimals: int) -> str:
    text = f"{value:,.{decimals}f}"
    if lang == "nb":
        text = text.replace(",", NBSP).replace(".", ",").replace("-", MINUS)
    return text


def number(value: float, lang: str, decimals: int = 1) -> str:
    """'12 345,7' (nb) or '12,345.7' (en), rounded half up."""
    return _text(rounded(value, decimals), lang, decimals)


def _percent(text: str, lang: str) -> str:
    return f"{text}{NBSP}%" if lang == "nb" else f"{text}%"


def share(value: float | None, lang: str, decimals: int = SHARE_DECIMALS) -> str:
    """A 0–1 share as a percentage: '15,3 %' (nb) or '15.3%' (en); '–' when missing."""
    if value is None or _missing(value):
        return "–"
    return _percent(_text(rounded(value, decimals, 100), lang, decimals), lang)


def probability(value: float | None, lang: str) -> str:
    """A probability (0–1) as a whole percent, '62 %' (nb) or '62%' (en); '–' when missing."""
    return share(value, lang, PROBABILITY_DECIMALS)


def target(value: float | None, lang: str) -> str:
    """A target share: like :func:`share`, but a whole target reads '30 %', not '30,0 %'.

    Targets are set, not estimated: the fixed 30 % is a round number, a doubled baseline
    (29,6 %) keeps its decimal.
    """
    if value is None or _missing(value):
        return "–"
    value_rounded = rounded(value, SHARE_DECIMALS, 100)
    decimals = 0 if value_rounded == value_rounded.to_integral_value() else SHARE_DECIMALS
    return _percent(_text(value_rounded, lang, decimals), lang)


def share_range(
    low: float | None, high: float | None, lang: str, decimals: int = SHARE_DECIMALS
) -> str:
    """An interval such as '18,2–31,0 %' (nb) or '18.2–31.0%' (en)."""
    if low is None or high is None or _missing(low) or _missing(high):
        return "–"
    low_text = _text(rounded(low, decimals, 100), lang, decimals)
    return f"{low_text}–{share(high, lang, decimals)}"


def pp(
    value: float | None,
    lang: str,
    decimals: int = PP_DECIMALS,
    signed: bool = True,
    *,
    words: bool = False,
) -> str:
    """Percentage points: '+3,2 pp' / '−1,0 pp'; with ``words`` '+3,2 prosentpoeng'.

    The sign follows the rounded value, so 0.04 reads '0,0 pp', never '+0,0 pp'.
    """
    if value is None or _missing(value):
        return "–"
    value_rounded = rounded(value, decimals)
    text = _text(value_rounded, lang, decimals)
    if signed and value_rounded > 0:
        text = "+" + text
    return text + PP_UNITS[(lang, words)]


def count(value: int | None, lang: str) -> str:
    if value is None or _missing(value):
        return "–"
    return number(float(value), lang, 0)


def year(value: int | float | None) -> str:
    return "–" if value is None or _missing(value) else str(int(value))


# --- Lists and dates ---------------------------------------------------------------------------

#: The word before a list's last item: "2018, 2020 og 2024", "2018, 2020 and 2024".
LIST_AND = {"nb": "og", "en": "and"}
#: Month names: bokmål writes them in lower case ("28. november 2026").
MONTHS = {
    "nb": [
        "januar",
        "februar",
        "mars",
        "april",
        "mai",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "desember",
    ],
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
}
#: Times are stored in UTC and shown as the clock reads in Norway (summer time included).
LOCAL_TIME = ZoneInfo("Europe/Oslo")


def join_list(items: Iterable[object], lang: str) -> str:
    """'2018, 2020 og 2024' (nb) or '2018, 2020 and 2024' (en): commas, then the language's
    "and" before the last item (no Oxford comma: bokmål has none, and en mirrors it)."""
    words = [str(item) for item in items]
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} {LIST_AND[lang]} {words[-1]}"


def _local(value: object) -> dt.datetime | None:
    """``value`` (ISO text such as '2026-11-28T05:18:00Z', a datetime or a pandas Timestamp;
    naive means UTC, as the database stores it) in Norwegian local time; None if unreadable."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    if not isinstance(value, dt.datetime):  # pandas.Timestamp is a datetime; NaT is not valid
        return None
    try:
        moment = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return moment.astimezone(LOCAL_TIME)
    except (ValueError, OverflowError):  # NaT, or a year out of range
        return None


def date(value: object, lang: str) -> str:
    """'28. november 2026' (nb) or '28 November 2026' (en); '–' when missing or unreadable."""
    moment = _local(value)
    if moment is None:
        return "–"
    month = MONTHS[lang][moment.month - 1]
    day = f"{moment.day}." if lang == "nb" else str(moment.day)
    return f"{day} {month} {moment.year}"


def date_time(value: object, lang: str) -> str:
    """'28. november 2026 kl. 06.18' (nb) or '28 November 2026, 06:18' (en), Norwegian time."""
    moment = _local(value)
    if moment is None:
        return "–"
    if lang == "nb":
        return f"{date(moment, lang)} kl. {moment:%H.%M}"
    return f"{date(moment, lang)}, {moment:%H:%M}"
