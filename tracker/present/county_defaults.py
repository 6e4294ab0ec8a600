"""What Kommuner shows before anyone has chosen: a county worth opening and its natural peers.

An alphabetical first county (Oslo, one municipality) makes an empty first impression; the most
populous county is where most readers live. Its peers are the counties it borders, the ones a
county official compares with first. Both are computed from reference facts (SSB's populations,
Kartverket's boundaries), so they follow the data rather than a hand-kept list.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from tracker.data.county_neighbours import county_neighbours
from tracker.data.profiles import municipality_profiles


def county_populations(profiles: pd.DataFrame) -> pd.Series:
    """Population on 1 January 2024 per county code (SSB table 07459 summed over municipalities)."""
    return profiles.groupby("county_code")["population_2024"].sum()


def most_populous(counties: Sequence[str], populations: pd.Series) -> str:
    """The county of ``counties`` with the most inhabitants (the first on a tie; '' if none)."""
    known = [code for code in counties if code in populations.index]
    if not known:
        return counties[0] if counties else ""
    return max(known, key=lambda code: (int(populations[code]), -known.index(code)))


def default_county(counties: Sequence[str]) -> str:
    """The most populous of ``counties`` by SSB's 2024 profiles."""
    return most_populous(counties, county_populations(municipality_profiles()))


def neighbour_peers(
    county: str, neighbours: Mapping[str, Sequence[str]], options: Sequence[str], limit: int
) -> list[str]:
    """Up to ``limit`` neighbours of ``county`` that are among ``options``, longest border first."""
    return [code for code in neighbours.get(county, ()) if code in options][:limit]


def default_peers(county: str, options: Sequence[str], limit: int) -> list[str]:
    """The counties bordering ``county`` (from Kartverket's boundaries), as suggested peers."""
    return neighbour_peers(county, county_neighbours(), options, limit)
