"""SSB's municipality profiles and the structure groups built on them (guide §6, issue 13).

``data/reference/municipality_profiles_2024.csv`` holds, per municipality (2024 codes), its
population on 1 January 2024 (SSB table 07459), its centrality class 1–6 (SSB's
sentralitetsindeks; 1 = most central) and its KOSTRA group 1–17. Source: Statistics Norway (SSB),
CC BY 4.0. Peers by structure, KPIs by group and the model-based county estimates all read it
from here.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from tracker.data import reference

#: Ways to group municipalities by structure, as ``--by`` values and query parameters.
GROUPINGS = ("centrality", "size", "kostra_group")
CENTRALITY_CLASSES = tuple(str(c) for c in range(1, 7))
KOSTRA_GROUPS = tuple(str(g) for g in range(1, 18))
#: Size bands by population on 1 January 2024: (code, lowest population in the band).
SIZE_BANDS = (
    ("under_2000", 0),
    ("2000_4999", 2_000),
    ("5000_9999", 5_000),
    ("10000_19999", 10_000),
    ("20000_49999", 20_000),
    ("50000_plus", 50_000),
)
#: Centrality classes counted as "central" in the model's covariate (issue 13).
CENTRAL_CLASSES = (1, 2, 3)
PROFILE_FILE = "municipality_profiles_2024.csv"


def group_codes(grouping: str) -> tuple[str, ...]:
    """Every area code of a grouping, in display order."""
    if grouping == "centrality":
        return CENTRALITY_CLASSES
    if grouping == "size":
        return tuple(code for code, _ in SIZE_BANDS)
    if grouping == "kostra_group":
        return KOSTRA_GROUPS
    raise ValueError(f"grouping {grouping!r} is not valid; use one of: {', '.join(GROUPINGS)}")


def size_band(population: np.ndarray) -> np.ndarray:
    """The size band code of each population."""
    lows = np.array([low for _, low in SIZE_BANDS])
    codes = np.array([code for code, _ in SIZE_BANDS])
    return codes[np.searchsorted(lows, population, side="right") - 1]


@functools.cache
def municipality_profiles() -> pd.DataFrame:
    """municipality_code, population_2024, centrality_class, kostra_group, size_band, county_code.

    Raises :class:`reference.ReferenceDataError` when the file does not cover exactly the 357
    municipalities of the 2024 structure or holds a value outside its range.
    """
    frame = reference.read_reference(PROFILE_FILE)
    where = f"data/reference/{PROFILE_FILE}"
    try:
        typed = frame.astype({"population_2024": int, "centrality_class": int, "kostra_group": int})
    except (KeyError, ValueError) as exc:
        raise reference.ReferenceDataError(
            f"{where}: needs whole numbers in population_2024, centrality_class and "
            f"kostra_group ({exc})"
        ) from None
    known = reference.municipalities()[["municipality_code", "county_code"]]
    if set(typed["municipality_code"]) != set(known["municipality_code"]):
        raise reference.ReferenceDataError(
            f"{where} must list every 2024 municipality code exactly once"
        )
    if not typed["centrality_class"].between(1, 6).all():
        raise reference.ReferenceDataError(f"{where}: centrality_class must be 1–6")
    if not typed["kostra_group"].between(1, 17).all():
        raise reference.ReferenceDataError(f"{where}: kostra_group must be 1–17")
    typed["size_band"] = size_band(typed["population_2024"].to_numpy())
    return typed.merge(known, on="municipality_code", how="left")


def group_of(grouping: str) -> pd.Series:
    """Each municipality's area code in a grouping (indexed by municipality code)."""
    group_codes(grouping)  # refuses an unknown grouping
    profiles = municipality_profiles().set_index("municipality_code")
    column = {"centrality": "centrality_class", "size": "size_band", "kostra_group": "kostra_group"}
    return profiles[column[grouping]].astype(str)


@functools.cache
def central_population_share() -> pd.Series:
    """Per county: the share of its population living in centrality classes 1–3 (0–1)."""
    profiles = municipality_profiles()
    central = profiles["population_2024"].where(
        profiles["centrality_class"].isin(CENTRAL_CLASSES), 0
    )
    by_county = (
        profiles.assign(central=central)
        .groupby("county_code")[["central", "population_2024"]]
        .sum()
    )
    return (by_county["central"] / by_county["population_2024"]).rename("central_share")
