"""SSB's municipality profiles, the structure groups and their names (issue 13)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tracker.data import profiles, reference
from tracker.data.db import open_snapshot
from tracker.data.settings import load_settings
from tracker.present import page_data
from tracker.present.groups import group_name, name_groups
from tracker.stats import kpi

NBSP = "\u00a0"


def test_profiles_cover_every_municipality_with_ssb_totals():
    table = profiles.municipality_profiles()
    assert len(table) == 357
    assert table["population_2024"].sum() == 5_550_203  # SSB table 07459, 1 January 2024
    assert set(table["county_code"]) == set(reference.counties()["county_code"])
    oslo = table.set_index("municipality_code").loc["0301"]
    assert (oslo["centrality_class"], oslo["size_band"]) == (1, "50000_plus")


@pytest.mark.parametrize(
    ("population", "band"),
    [
        (0, "under_2000"),
        (1_999, "under_2000"),
        (2_000, "2000_4999"),
        (4_999, "2000_4999"),
        (5_000, "5000_9999"),
        (19_999, "10000_19999"),
        (20_000, "20000_49999"),
        (49_999, "20000_49999"),
        (50_000, "50000_plus"),
        (717_710, "50000_plus"),
    ],
)
def test_size_band_edges(population, band):
    assert profiles.size_band(np.array([population]))[0] == band


def test_central_population_share_by_hand():
    table = profiles.municipality_profiles()
    # Finnmark has no municipality in classes 1–3; Oslo is one class-1 municipality.
    share = profiles.central_population_share()
    assert share["56"] == 0.0
    assert share["03"] == 1.0
    vestland = table[table["county_code"] == "46"]
    central = vestland.loc[vestland["centrality_class"] <= 3, "population_2024"].sum()
    assert share["46"] == pytest.approx(central / vestland["population_2024"].sum())
    assert 0 < share["46"] < 1


def test_bad_profile_file_is_refused(tmp_path, monkeypatch):
    source = reference.read_reference(profiles.PROFILE_FILE)
    broken = source.copy()
    broken.loc[0, "centrality_class"] = "7"
    monkeypatch.setattr(reference, "read_reference", lambda name: broken)
    profiles.municipality_profiles.cache_clear()
    try:
        with pytest.raises(reference.ReferenceDataError, match="centrality_class must be 1–6"):
            profiles.municipality_profiles()
        monkeypatch.setattr(reference, "read_reference", lambda name: source.iloc[1:])
        profiles.municipality_profiles.cache_clear()
        with pytest.raises(reference.ReferenceDataError, match="every 2024 municipality"):
            profiles.municipality_profiles()
    finally:
        profiles.municipality_profiles.cache_clear()


@pytest.mark.parametrize(
    ("grouping", "code", "nb", "en"),
    [
        ("centrality", "1", "Sentralitet 1 (mest sentral)", "Centrality 1 (most central)"),
        ("centrality", "4", "Sentralitet 4", "Centrality 4"),
        ("centrality", "6", "Sentralitet 6 (minst sentral)", "Centrality 6 (least central)"),
        ("size", "under_2000", f"Under 2{NBSP}000 innbyggere", "Under 2,000 inhabitants"),
        ("size", "2000_4999", f"2{NBSP}000–4{NBSP}999 innbyggere", "2,000–4,999 inhabitants"),
        ("size", "50000_plus", f"50{NBSP}000 innbyggere eller flere", "50,000 inhabitants or more"),
        ("kostra_group", "12", "KOSTRA-gruppe 12", "KOSTRA group 12"),
    ],
)
def test_group_names(grouping, code, nb, en):
    assert group_name(grouping, code, "nb") == nb
    assert group_name(grouping, code, "en") == en


def test_unknown_group_is_refused():
    with pytest.raises(ValueError, match="not a group"):
        group_name("kostra_group", "18", "nb")
    with pytest.raises(ValueError, match="use one of"):
        profiles.group_codes("county_size")


def test_name_groups_replaces_codes_with_names():
    table = pd.DataFrame({"area_code": ["1", "6"], "area_name": ["1", "6"]})
    named = name_groups(table, "centrality", "en")
    assert list(named["area_name"]) == [
        "Centrality 1 (most central)",
        "Centrality 6 (least central)",
    ]
    assert list(named["area_code"]) == ["1", "6"]


@pytest.mark.parametrize("grouping", profiles.GROUPINGS)
@pytest.mark.parametrize("measure", ["municipalities", "units"])
def test_groups_partition_the_nation(demo_db, grouping, measure):
    # Every municipality is in exactly one group, so group n adds up to Norway's n in each wave,
    # and the groups come in their own order (KOSTRA 1, 2, …, 17, not 1, 10, 11, …).
    settings = load_settings()
    snapshot = open_snapshot(demo_db)
    try:
        groups = kpi.kpi_table(snapshot.query, grouping, measure, settings)
        nation = kpi.kpi_table(snapshot.query, "national", measure, settings)
    finally:
        snapshot.close()
    assert groups.groupby("wave_year")["n"].sum().to_dict() == dict(
        zip(nation["wave_year"], nation["n"], strict=True)
    )
    assert list(dict.fromkeys(groups["area_code"])) == list(profiles.group_codes(grouping))


def test_data_pack_has_the_structure_groups_named_in_the_page_language(demo_db):
    snapshot = open_snapshot(demo_db)
    try:
        method = page_data.method(snapshot.query)
        tables = page_data.data_pack_tables(snapshot.query, "units", load_settings(), method, "en")
        sizes = tables["kpi_size_units"]()
    finally:
        snapshot.close()
    assert {f"kpi_{g}_units" for g in profiles.GROUPINGS} <= set(tables)
    assert sizes["area_name"].iloc[0] == "Under 2,000 inhabitants"
    assert sizes["area_code"].iloc[0] == "under_2000"
