"""Kommuner's search folding, county neighbours, default county and the never lists (issue 15,
items 6–8): pure functions against hand-checked facts and the hand-made fixture database."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tracker.data.county_neighbours import county_neighbours, neighbours_by_border, shared_borders
from tracker.data.db import open_snapshot
from tracker.data.geo import CountyShape, county_shapes
from tracker.data.profiles import municipality_profiles
from tracker.present import county_defaults, search
from tracker.stats import kpi

# --- folding and search labels ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Ålesund", "alesund"),
        ("Bærum", "baerum"),
        ("Tromsø", "tromso"),
        ("ÆRØ", "aero"),  # upper case folds too
        ("Unjárga - Nesseby", "unjarga - nesseby"),  # Sámi accent
        ("Porsáŋgu", "porsangu"),  # a letter Unicode does not decompose
        ("Kárášjohka", "karasjohka"),
        ("Café Élan", "cafe elan"),
        ("Voss", "voss"),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert search.fold(text) == folded


def test_labels_carry_the_folded_name_only_when_it_differs() -> None:
    assert search.option_label("Voss", "4621", "Vestland") == "Voss (4621, Vestland)"
    label = search.option_label("Ålesund", "1508", "Møre og Romsdal")
    assert label == "Ålesund (1508, Møre og Romsdal) · alesund"


@pytest.mark.parametrize(
    ("typed", "code"),
    [("alesund", "1508"), ("baerum", "3201"), ("tromso", "5501"), ("TROMSØ", "5501")],
)
def test_typed_text_finds_the_municipality(fixture_db, typed: str, code: str) -> None:
    snap = open_snapshot(fixture_db)
    try:
        labels = search.option_labels(snap.query("municipalities_by_code"))
    finally:
        snap.close()
    found = [c for c, label in labels.items() if search.matches(label, typed)]
    assert code in found, (typed, found)
    assert len(labels) == 357
    # Without the folded spelling in the label, the browser's filter would not find it.
    plain = {c: label.split(" · ")[0] for c, label in labels.items()}
    if typed.isascii():
        assert code not in [c for c, label in plain.items() if search.matches(label, typed)]


def test_a_three_digit_code_finds_oslo(fixture_db) -> None:
    snap = open_snapshot(fixture_db)
    try:
        labels = search.option_labels(snap.query("municipalities_by_code"))
    finally:
        snap.close()
    found = [c for c, label in labels.items() if search.matches(label, "301")]
    assert found == ["0301", "3301"]  # Oslo ("301" as a spreadsheet writes 0301) and Drammen


# --- neighbours from the boundaries -------------------------------------------------------------


def test_neighbours_from_the_shipped_boundaries() -> None:
    neighbours = county_neighbours()
    assert set(neighbours) == set(county_shapes())
    # Checked against the map: Oslo borders Akershus and (in Nordmarka, Ringerike) Buskerud.
    assert set(neighbours["03"]) == {"32", "33"}
    assert neighbours["03"][0] == "32", "the longer border first"
    assert set(neighbours["46"]) == {"11", "15", "33", "34", "40"}  # Vestland
    assert set(neighbours["32"]) == {"03", "31", "33", "34"}  # Akershus: not Vestfold (fjord)
    assert neighbours["31"] == ("32",)  # Østfold: Akershus only (and Sweden)
    assert neighbours["56"] == ("55",)  # Finnmark: Troms only
    assert set(neighbours["50"]) == {"15", "18", "34"}  # Trøndelag
    for code, others in neighbours.items():  # symmetric, never itself
        assert code not in others
        assert all(code in neighbours[other] for other in others)


def square(code: str, x: float, y: float, size: float = 1.0) -> CountyShape:
    ring = np.array([(x, y), (x + size, y), (x + size, y + size), (x, y + size), (x, y)])
    return CountyShape(code=code, name=code, parts=(ring,))


def test_a_shared_corner_is_not_a_border() -> None:
    shapes = {
        "A": square("A", 0, 0),
        "B": square("B", 1, 0),  # shares A's right edge
        "C": square("C", 1, 1),  # touches A at the corner (1, 1) only
    }
    borders = shared_borders(shapes)
    assert set(borders["A"]) == {"B"}
    assert set(borders["C"]) == {"B"}
    assert borders["A"]["B"] == pytest.approx(111.2, rel=1e-3)  # one degree of latitude


def test_longest_border_first() -> None:
    # A has a vertex halfway up its right edge, so B (half as tall) shares the lower half of it;
    # C shares A's whole left edge.
    a_ring = np.array([(0, 0), (1, 0), (1, 0.5), (1, 1), (0, 1), (0, 0)])
    half = np.array([(1, 0), (2, 0), (2, 0.5), (1, 0.5), (1, 0)])
    shapes = {
        "A": CountyShape(code="A", name="A", parts=(a_ring,)),
        "B": CountyShape(code="B", name="B", parts=(half,)),
        "C": square("C", -1, 0),
    }
    assert neighbours_by_border(shapes)["A"] == ("C", "B")


# --- the default county and peers ---------------------------------------------------------------


def test_most_populous_county_is_computed_from_ssb() -> None:
    populations = county_defaults.county_populations(municipality_profiles())
    assert populations.sum() == 5_550_203  # SSB table 07459, 1 January 2024
    assert populations["03"] == 717_710  # Oslo, one municipality
    top = populations.idxmax()
    assert county_defaults.default_county(sorted(populations.index)) == top == "32"  # Akershus


def test_most_populous_of_a_given_list() -> None:
    populations = pd.Series({"a": 5, "b": 9, "c": 9})
    assert county_defaults.most_populous(["a", "b", "c"], populations) == "b"  # first on a tie
    assert county_defaults.most_populous(["a", "c"], populations) == "c"
    assert county_defaults.most_populous(["x"], populations) == "x"  # unknown: the first
    assert county_defaults.most_populous([], populations) == ""


def test_default_peers_are_the_neighbours_capped() -> None:
    options = [c for c in county_shapes() if c != "33"]
    assert county_defaults.default_peers("32", [c for c in county_shapes() if c != "32"], 5) == [
        "34",
        "31",
        "33",
        "03",
    ]
    peers = county_defaults.default_peers("33", options, 5)
    assert len(peers) == 5 and "03" not in peers, "Buskerud: six neighbours, Oslo's border shortest"
    assert county_defaults.neighbour_peers("A", {"A": ("B", "C")}, ["C"], 5) == ["C"]


# --- never collaborated vs never answered (fixture database) ------------------------------------


def split(db, county: str, measure: str) -> tuple[dict[str, int], set[str]]:
    snap = open_snapshot(db)
    try:
        matrix = kpi.answer_matrix(snap.query, county, measure)
    finally:
        snap.close()
    never = kpi.never_collaborated(matrix)
    silent = kpi.never_answered(matrix)
    assert set(never["municipality_code"]).isdisjoint(silent["municipality_code"])
    return dict(zip(never["municipality_code"], never["waves_answered"], strict=True)), set(
        silent["municipality_code"]
    )


def test_never_collaborated_leaves_out_the_silent_chief_executives(fixture_db) -> None:
    never, silent = split(fixture_db, "46", "municipalities")
    # Chief executives in Vestland answered from 4601–4617 only; 4601 (C18-01, C24-01), 4602
    # (C20-02) and 4611 (C24-03) collaborated. 4614 said "don't know" in 2018 and no in 2024.
    assert never == {"4612": 3, "4613": 3, "4614": 2, "4615": 2, "4616": 2, "4617": 1}
    assert len(silent) == 43 - 9
    assert {"4601", "4617"}.isdisjoint(silent) and "4621" in silent  # Voss never answered


def test_never_collaborated_units(fixture_db) -> None:
    never, silent = split(fixture_db, "46", "units")
    # Unit leaders: 4601 (U18-01, U20-01) and 4602 (U18-04, U20-03) collaborated; 4611 said no
    # (U18-05, U18-06, U20-05); 4612's only answer is U18-07, innovated with a blank.
    assert never == {"4611": 2, "4612": 1}
    assert len(silent) == 43 - 4


def test_oslo_collaborated_and_nobody_is_silent(fixture_db) -> None:
    never, silent = split(fixture_db, "03", "municipalities")
    assert never == {} and silent == set()
