"""Finding a municipality by what people type: letters folded so "alesund" finds Ålesund.

Kommuner's search is a selectbox whose options Streamlit filters in the browser as people type
(``filter_mode="contains"``: a case-insensitive substring). That filter knows nothing of
Norwegian letters, so an option whose name has æ, ø, å or an accent carries its folded spelling
too ("Ålesund (1508, Møre og Romsdal) · alesund"): typing on a keyboard without those letters,
or on a phone, still finds it, while the name itself is shown as written.
"""

from __future__ import annotations

import unicodedata

import pandas as pd

#: Letters that Unicode decomposition leaves alone: the Norwegian ones as Norwegians write them
#: without the letter (æ → ae, ø → o, å → a), and Sámi letters with a stroke or hook.
_FOLDED = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "đ": "d", "ŧ": "t", "ŋ": "n"})


def fold(text: str) -> str:
    """``text`` in lower case with æ/ø/å as ae/o/a and accents removed ('Tromsø' → 'tromso')."""
    lowered = text.casefold().translate(_FOLDED)
    # NFKD splits é into e + a combining accent (and á, š, ü …); the accents are then dropped.
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def option_label(name: str, code: str, county: str) -> str:
    """A search option: 'Voss (4621, Vestland)', plus ' · alesund' when folding changes the name.

    The code is in the label so that typing a number finds the municipality too.
    """
    label = f"{name} ({code}, {county})"
    folded = fold(name)
    return label if folded == name.casefold() else f"{label} · {folded}"


def option_labels(municipalities: pd.DataFrame) -> dict[str, str]:
    """Municipality code → its search option label, for every row of ``municipalities_by_code``."""
    return {
        str(row.municipality_code): option_label(
            str(row.municipality_name), str(row.municipality_code), str(row.county_name)
        )
        for row in municipalities.itertuples()
    }


def matches(label: str, typed: str) -> bool:
    """Whether Streamlit's ``contains`` filter keeps ``label`` when ``typed`` is typed.

    The browser compares lower-cased text; this mirrors it, so tests can check the labels.
    """
    return typed.strip().lower() in label.lower()
