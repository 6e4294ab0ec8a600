"""Every queries/*.sql file against the hand-made fixture database, with expected rows by hand.

The rows of the fixture are in tests/fixtures.py; the comments here say which rows count.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

import pandas as pd
import pytest
from fixtures import SURVEYS, build_fixture_db, file_name

from tracker.data.db import ATTACHED_AS, open_snapshot, query_names, views_sql
from tracker.data.settings import PROJECT_ROOT, QUERIES_DIR

COUNTIES = [
    ("03", "Oslo"),
    ("11", "Rogaland"),
    ("15", "Møre og Romsdal"),
    ("18", "Nordland"),
    ("31", "Østfold"),
    ("32", "Akershus"),
    ("33", "Buskerud"),
    ("34", "Innlandet"),
    ("39", "Vestfold"),
    ("40", "Telemark"),
    ("42", "Agder"),
    ("46", "Vestland"),
    ("50", "Trøndelag"),
    ("55", "Troms"),
    ("56", "Finnmark"),
]
WAVES = (2018, 2020, 2024)
COUNT_COLUMNS = ["n", "yes_n", "weight_sum", "yes_weight", "weight_square_sum"]
ZERO = (0, 0, 0.0, 0.0, 0.0)
ONE_YES = (1, 1, 1.0, 1.0, 1.0)
ONE_NO = (1, 0, 1.0, 0.0, 1.0)


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory):
    db, _ = build_fixture_db(tmp_path_factory.mktemp("queries"))
    snap = open_snapshot(db)
    yield snap
    snap.close()


def records(frame):
    return frame.to_dict("records")


def counts_by_area(frame, key=("area_code", "wave_year")):
    return {tuple(r[k] for k in key): tuple(r[c] for c in COUNT_COLUMNS) for r in records(frame)}


# --- waves_by_year --------------------------------------------------------------------------------


def test_waves_by_year(snapshot):
    # One row per wave imported; fieldwork/source/note come from data/reference/waves.csv.
    rows = records(snapshot.query("waves_by_year"))
    assert [r["wave_year"] for r in rows] == [2018, 2020, 2024]
    assert [(r["fieldwork"], r["source"]) for r in rows] == [
        ("Sep–Oct 2017", "KS Innovasjonsbarometer 2018"),
        ("Oct–Dec 2019", "KS Innovasjonsbarometer 2020"),
        ("2024", "KS Innovasjonsbarometer 2024"),
    ]
    assert rows[0]["note"].startswith("Health/care and education services only")
    assert rows[1]["note"].startswith("Added social, culture and technical services")
    assert pd.isna(rows[2]["note"])  # blank in waves.csv is stored as NULL, not ""


# --- imports_by_time -----------------------------------------------------------------------------


def test_imports_by_time(snapshot):
    # One row per imported file (one import of three files), with its rows and sha256.
    rows = records(snapshot.query("imports_by_time"))
    sources = snapshot.path.parent / "sources"  # files are logged as given to the import
    logged = sorted(r["file_name"] for r in rows)
    assert logged == sorted(str(sources / file_name(w)) for w in SURVEYS)
    for r in rows:
        wave = next(w for w in SURVEYS if str(sources / file_name(w)) == r["file_name"])
        text = SURVEYS[wave]
        assert r["sha256"] == hashlib.sha256(text.encode("utf-8")).hexdigest()
        assert r["rows"] == len(text.strip().splitlines()) - 1
        assert r["wave_years"] == str(wave)
    assert len({r["imported_at"] for r in rows}) == 1


# --- dataset_info_by_key --------------------------------------------------------------------------


def test_dataset_info_by_key(snapshot):
    rows = records(snapshot.query("dataset_info_by_key"))
    info = {r["key"]: r["value"] for r in rows}
    sources = snapshot.path.parent / "sources"
    hashes = {
        f"source_sha256:{sources / file_name(w)}": hashlib.sha256(text.encode("utf-8")).hexdigest()
        for w, text in SURVEYS.items()
    }
    keys = ["build_id", "built_at", "kind", "schema_version", *hashes]
    assert [r["key"] for r in rows] == sorted(keys)
    assert len(info["build_id"]) == 32  # a random id per write (tracker.db.write_database)
    assert info["kind"] == "survey"
    assert info["schema_version"] == "1"
    for key, digest in hashes.items():
        assert info[key] == digest
    built = dt.datetime.strptime(info["built_at"], "%Y-%m-%dT%H:%M:%SZ")
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    assert abs((now - built).total_seconds()) < 600


# --- eligible_response (queries/views): the eligibility rule, stated once -------------------------

RULE_FILE = QUERIES_DIR / "views" / "eligible_response.sql"


def view_rows(snapshot, sql):
    """Rows of ``sql`` over the shared views, set up on a cursor the way run_query does."""
    cursor = snapshot.con.cursor()
    try:
        cursor.execute(f"USE {ATTACHED_AS}")
        cursor.execute(views_sql())
        return cursor.execute(sql).fetchall()
    finally:
        cursor.close()


def test_eligible_response_counts_by_wave_and_role(snapshot):
    # (wave, role, eligible rows, of which collaborated); 52 rows in the fixture, 8 not eligible
    assert view_rows(
        snapshot,
        "SELECT wave_year, respondent_role, count(*), count(*) FILTER (WHERE collaborated) "
        "FROM eligible_response GROUP BY ALL ORDER BY ALL",
    ) == [
        # C18-01..05, C18-11..15, C18-21 (yes: 01, 11, 21); not C18-06 (innovated, blank),
        # C18-07 (not innovated, blank), C18-08 (not innovated, "nei")
        (2018, "chief_executive", 11, 3),
        # U18-01..05 (yes: 01, 04); not U18-06 (not innovated), U18-07 (innovated, blank)
        (2018, "unit_leader", 5, 2),
        # C20-01..05, C20-11..15 (yes: 02, 11); not C20-06 (not innovated), C20-21 (blank)
        (2020, "chief_executive", 10, 2),
        # U20-01..04 (yes: 01, 03); not U20-05, which said "No" but had not innovated
        (2020, "unit_leader", 4, 2),
        # all 14 (yes: C24-01, 03, 13, 21); no unit leaders in 2024, so no row
        (2024, "chief_executive", 14, 4),
    ]
    left_out = {"C18-06", "C18-07", "C18-08", "U18-06", "U18-07", "C20-06", "C20-21", "U20-05"}
    ids = {i for (i,) in view_rows(snapshot, "SELECT respondent_id FROM eligible_response")}
    assert len(ids) == 44
    assert not ids & left_out


def test_eligible_response_columns(snapshot):
    columns = view_rows(
        snapshot, "SELECT column_name, column_type FROM (DESCRIBE eligible_response)"
    )
    assert columns == [
        ("wave_year", "INTEGER"),
        ("respondent_id", "VARCHAR"),
        ("municipality_code", "VARCHAR"),
        ("respondent_role", "VARCHAR"),
        ("sector", "VARCHAR"),
        ("weight", "DOUBLE"),
        ("collaborated", "BOOLEAN"),
        ("research_partner", "VARCHAR"),
    ]
    # U20-03 collaborated but named no partner type; U20-04 did not collaborate
    assert view_rows(
        snapshot,
        "SELECT respondent_id, municipality_code, sector, weight, collaborated, research_partner "
        "FROM eligible_response WHERE respondent_id IN ('U20-03', 'U20-04') ORDER BY 1",
    ) == [
        ("U20-03", "4602", "helse_omsorg", 2.0, True, None),
        ("U20-04", "3101", "oppvekst_utdanning", 1.0, False, None),  # 3001 harmonised
    ]


def test_eligible_response_is_not_stored_in_the_database(snapshot):
    # The file holds no view (it is attached read-only, and files written before the view existed
    # have none either): run_query creates eligible_response as a TEMP view on each query's
    # cursor, so every query above runs on a file like this one.
    stored = snapshot.con.execute(
        "SELECT view_name FROM duckdb_views() WHERE database_name = $db AND NOT internal",
        {"db": ATTACHED_AS},
    ).fetchall()
    assert stored == []


def _sql_without_comments(sql):
    return "\n".join(line.split("--", 1)[0] for line in sql.splitlines())


@pytest.mark.parametrize(
    "path", sorted(QUERIES_DIR.rglob("*.sql")), ids=lambda p: p.relative_to(QUERIES_DIR).as_posix()
)
def test_only_the_view_states_the_eligibility_rule(path):
    # The rule (innovated, with a known yes/no on research collaboration) cannot be written
    # without the raw research_collaboration column, so only the view may read that column;
    # every other query aggregates over eligible_response and its `collaborated`.
    sql = path.read_text(encoding="utf-8")
    body = _sql_without_comments(sql).lower()
    if path == RULE_FILE:
        assert "view: eligible_response" in sql.lower() and "-- rule:" in sql.lower()
        assert "research_collaboration is not null" in body
    else:
        assert "research_collaboration" not in body, (
            f"{path.name} repeats the eligibility rule; select from eligible_response instead"
        )


# --- measure_counts_by_nation_and_wave ------------------------------------------------------------


def test_nation_chief_executives(snapshot):
    frame = snapshot.query(
        "measure_counts_by_nation_and_wave", role="chief_executive", sectors=None
    )
    assert list(frame.columns) == ["area_code", "area_name", "wave_year", *COUNT_COLUMNS]
    assert [(r["area_code"], r["area_name"]) for r in records(frame)] == [("NO", "Norge")] * 3
    assert counts_by_area(frame) == {
        # 2018: 46 (5, 1 yes, C18-02 weight 2 → Σw 6, Σw² 8) + 31 (5, 1 yes) + Oslo (1 yes)
        ("NO", 2018): (11, 3, 12.0, 3.0, 14.0),
        # 2020: 46 (5, 1 yes) + 31 (5, 1 yes, old codes); Oslo said "don't know"
        ("NO", 2020): (10, 2, 10.0, 2.0, 10.0),
        # 2024: 46 (8, 2 yes) + 31 (5, 1 yes) + Oslo "301" (1 yes)
        ("NO", 2024): (14, 4, 14.0, 4.0, 14.0),
    }


def test_nation_unit_leaders(snapshot):
    frame = snapshot.query("measure_counts_by_nation_and_wave", role="unit_leader", sectors=None)
    assert counts_by_area(frame) == {
        # U18-01..05: w 2(y) 1 1 0.5(y) 0.5 → Σw 5, yes 2.5, Σw² 4+1+1+0.25+0.25 = 6.5
        ("NO", 2018): (5, 2, 5.0, 2.5, 6.5),
        # U20-01..04: 1.5(y) 1 2(y) 1 → Σw 5.5, yes 3.5, Σw² 2.25+1+4+1 = 8.25; U20-05 not innovated
        ("NO", 2020): (4, 2, 5.5, 3.5, 8.25),
        # no unit leaders in 2024: the wave is still listed, with zeros (not NULL)
        ("NO", 2024): ZERO,
    }


def test_nation_unit_leaders_in_chosen_sectors(snapshot):
    both = snapshot.query(
        "measure_counts_by_nation_and_wave",
        role="unit_leader",
        sectors=["helse_omsorg", "oppvekst_utdanning"],
    )
    assert counts_by_area(both) == {
        ("NO", 2018): (5, 2, 5.0, 2.5, 6.5),  # all 2018 answers are in these two sectors
        ("NO", 2020): (2, 1, 3.0, 2.0, 5.0),  # U20-03 (2, yes) and U20-04 (1, no)
        ("NO", 2024): ZERO,
    }
    health = snapshot.query(
        "measure_counts_by_nation_and_wave", role="unit_leader", sectors=["helse_omsorg"]
    )
    assert counts_by_area(health) == {
        ("NO", 2018): (3, 1, 3.5, 2.0, 5.25),  # U18-01 (2, yes), U18-03 (1), U18-05 (0.5)
        ("NO", 2020): (1, 1, 2.0, 2.0, 4.0),  # U20-03
        ("NO", 2024): ZERO,
    }


# --- measure_counts_by_county_and_wave ------------------------------------------------------------


def expected_by_county(nonzero):
    return {(code, wave): nonzero.get((code, wave), ZERO) for code, _ in COUNTIES for wave in WAVES}


def test_county_chief_executives(snapshot):
    frame = snapshot.query(
        "measure_counts_by_county_and_wave", role="chief_executive", sectors=None
    )
    assert list(frame.columns) == ["area_code", "area_name", "wave_year", *COUNT_COLUMNS]
    # all 15 counties × 3 waves, ordered by county code then wave
    assert [(r["area_code"], r["area_name"], r["wave_year"]) for r in records(frame)] == [
        (code, name, wave) for code, name in COUNTIES for wave in WAVES
    ]
    assert counts_by_area(frame) == expected_by_county(
        {
            ("03", 2018): ONE_YES,  # C18-21
            ("03", 2024): ONE_YES,  # C24-21 written "301"
            ("31", 2018): (5, 1, 5.0, 1.0, 5.0),  # C18-11..15
            ("31", 2020): (5, 1, 5.0, 1.0, 5.0),  # C20-11..15 under 2020 codes 30xx
            ("31", 2024): (5, 1, 5.0, 1.0, 5.0),  # C24-11..15
            ("46", 2018): (5, 1, 6.0, 1.0, 8.0),  # C18-01..05 (C18-02 weight 2); 06..08 out
            ("46", 2020): (5, 1, 5.0, 1.0, 5.0),  # C20-01..05; C20-06 not innovated
            ("46", 2024): (8, 2, 8.0, 2.0, 8.0),  # C24-01..08
        }
    )


def test_county_unit_leaders(snapshot):
    frame = snapshot.query("measure_counts_by_county_and_wave", role="unit_leader", sectors=None)
    assert counts_by_area(frame) == expected_by_county(
        {
            ("46", 2018): (5, 2, 5.0, 2.5, 6.5),
            # U20-01 1.5(y), U20-02 1, U20-03 2(y): Σw 4.5, yes 3.5, Σw² 2.25+1+4 = 7.25
            ("46", 2020): (3, 2, 4.5, 3.5, 7.25),
            ("31", 2020): ONE_NO,  # U20-04 under old code 3001 → Halden 3101 (Østfold)
        }
    )


def test_county_unit_leaders_in_chosen_sectors(snapshot):
    frame = snapshot.query(
        "measure_counts_by_county_and_wave",
        role="unit_leader",
        sectors=["helse_omsorg", "oppvekst_utdanning"],
    )
    assert counts_by_area(frame) == expected_by_county(
        {
            ("46", 2018): (5, 2, 5.0, 2.5, 6.5),
            ("46", 2020): (1, 1, 2.0, 2.0, 4.0),  # only U20-03 (sosial and kultur left out)
            ("31", 2020): ONE_NO,
        }
    )


# --- measure_counts_by_municipality_and_wave ------------------------------------------------------


MUNICIPALITY_CHIEFS = {
    ("0301", 2018): ONE_YES,
    ("0301", 2024): ONE_YES,
    ("3101", 2018): ONE_YES,
    ("3101", 2020): ONE_YES,  # C20-11 answered as 3001
    ("3101", 2024): ONE_NO,
    ("3103", 2018): ONE_NO,
    ("3103", 2020): ONE_NO,
    ("3103", 2024): ONE_NO,
    ("3105", 2018): ONE_NO,
    ("3105", 2020): ONE_NO,
    ("3105", 2024): ONE_YES,
    ("3107", 2018): ONE_NO,
    ("3107", 2020): ONE_NO,
    ("3107", 2024): ONE_NO,
    ("3110", 2018): ONE_NO,
    ("3110", 2020): ONE_NO,  # answered as 3011
    ("3110", 2024): ONE_NO,
    ("4601", 2018): ONE_YES,
    ("4601", 2020): ONE_NO,
    ("4601", 2024): ONE_YES,
    ("4602", 2018): (1, 0, 2.0, 0.0, 4.0),  # weight 2
    ("4602", 2020): ONE_YES,
    ("4602", 2024): ONE_NO,
    ("4611", 2018): ONE_NO,
    ("4611", 2020): ONE_NO,
    ("4611", 2024): ONE_YES,
    ("4612", 2018): ONE_NO,
    ("4612", 2020): ONE_NO,
    ("4612", 2024): ONE_NO,
    ("4613", 2018): ONE_NO,
    ("4613", 2020): ONE_NO,
    ("4613", 2024): ONE_NO,
    # 4614 said "don't know" in 2018, 4615/4616 had not innovated in 2018: counted only in 2024
    ("4614", 2024): ONE_NO,
    ("4615", 2024): ONE_NO,
    ("4616", 2024): ONE_NO,
}

MUNICIPALITY_UNITS = {
    ("4601", 2018): (2, 1, 3.0, 2.0, 5.0),  # U18-01 2(y), U18-02 1
    ("4602", 2018): (2, 1, 1.5, 0.5, 1.25),  # U18-03 1, U18-04 0.5(y)
    ("4611", 2018): (1, 0, 0.5, 0.0, 0.25),  # U18-05 0.5 (U18-06 not innovated)
    ("4601", 2020): (2, 1, 2.5, 1.5, 3.25),  # U20-01 1.5(y), U20-02 1
    ("4602", 2020): (1, 1, 2.0, 2.0, 4.0),  # U20-03
    ("3101", 2020): ONE_NO,  # U20-04 as 3001
}


@pytest.mark.parametrize(
    ("role", "nonzero"),
    [("chief_executive", MUNICIPALITY_CHIEFS), ("unit_leader", MUNICIPALITY_UNITS)],
)
def test_municipality_counts(snapshot, role, nonzero):
    frame = snapshot.query("measure_counts_by_municipality_and_wave", role=role, sectors=None)
    assert list(frame.columns) == [
        "area_code",
        "area_name",
        "county_code",
        "wave_year",
        *COUNT_COLUMNS,
    ]
    assert len(frame) == 357 * 3  # every 2024 municipality in every wave
    found = counts_by_area(frame)
    assert {key: value for key, value in found.items() if value != ZERO} == nonzero
    keys = list(found)
    assert keys == sorted(keys)  # ordered by municipality code, then wave
    assert not frame["area_code"].str.startswith("30").any()  # old Viken codes never appear


def test_municipality_names_and_counties(snapshot):
    frame = snapshot.query(
        "measure_counts_by_municipality_and_wave", role="chief_executive", sectors=None
    )
    named = {r["area_code"]: (r["area_name"], r["county_code"]) for r in records(frame)}
    assert named["0301"] == ("Oslo", "03")
    assert named["3101"] == ("Halden", "31")
    assert named["3110"] == ("Hvaler", "31")
    assert named["4601"] == ("Bergen", "46")
    assert named["4602"] == ("Kinn", "46")
    assert named["1508"] == ("Ålesund", "15")
    assert named["1580"] == ("Haram", "15")


def test_municipality_counts_add_up_to_county_counts(snapshot):
    by_municipality = snapshot.query(
        "measure_counts_by_municipality_and_wave", role="unit_leader", sectors=None
    )
    by_county = snapshot.query(
        "measure_counts_by_county_and_wave", role="unit_leader", sectors=None
    )
    summed = by_municipality.groupby(["county_code", "wave_year"])[COUNT_COLUMNS].sum()
    for row in records(by_county):
        assert tuple(summed.loc[(row["area_code"], row["wave_year"])]) == pytest.approx(
            tuple(row[c] for c in COUNT_COLUMNS)
        )


@pytest.mark.parametrize("name", ["../tracker/schema", "no_such_query", "Waves_By_Year"])
def test_unknown_query_name_is_refused(snapshot, name):
    with pytest.raises(KeyError):
        snapshot.query(name)


# --- counties_by_code and municipalities_by_code --------------------------------------------------


def test_counties_by_code(snapshot):
    # Municipalities per county in the 2024 structure (Kartverket/SSB); they add up to 357.
    sizes = {"03": 1, "11": 23, "15": 27, "18": 41, "31": 12, "32": 21, "33": 18, "34": 46}
    sizes |= {"39": 6, "40": 17, "42": 25, "46": 43, "50": 38, "55": 21, "56": 18}
    assert sum(sizes.values()) == 357
    official = {
        "18": "Nordland - Nordlánnda",
        "50": "Trøndelag - Trööndelage",
        "55": "Troms - Romsa - Tromssa",
        "56": "Finnmark - Finnmárku - Finmarkku",
    }
    rows = records(snapshot.query("counties_by_code"))
    assert [
        (r["county_code"], r["county_name"], r["official_name"], r["municipalities_n"])
        for r in rows
    ] == [(code, name, official.get(code, name), sizes[code]) for code, name in COUNTIES]


def test_municipalities_by_code(snapshot):
    rows = records(snapshot.query("municipalities_by_code"))
    assert len(rows) == 357
    codes = [r["municipality_code"] for r in rows]
    assert codes == sorted(set(codes))
    by_code = {r["municipality_code"]: r for r in rows}
    for code, name, county, county_name in [
        ("0301", "Oslo", "03", "Oslo"),
        ("1508", "Ålesund", "15", "Møre og Romsdal"),
        ("1580", "Haram", "15", "Møre og Romsdal"),  # re-established in 2024
        ("1867", "Bø", "18", "Nordland"),
        ("3101", "Halden", "31", "Østfold"),
        ("4601", "Bergen", "46", "Vestland"),
        ("4626", "Øygarden", "46", "Vestland"),
    ]:
        assert by_code[code] == {
            "municipality_code": code,
            "municipality_name": name,
            "county_code": county,
            "county_name": county_name,
        }
    assert "1507" not in by_code  # Ålesund's 2020–2023 code
    assert not any(c.startswith("30") for c in codes)  # Viken's codes


# --- answers_by_municipality_and_wave -------------------------------------------------------------

NONE_ = (0, 0, 0, 0)
ANSWER_COLUMNS = ["responses_n", "innovated_n", "eligible_n", "yes_n"]


def answers(snapshot, county_code, role):
    frame = snapshot.query("answers_by_municipality_and_wave", county_code=county_code, role=role)
    assert list(frame.columns) == [
        "municipality_code",
        "municipality_name",
        "wave_year",
        *ANSWER_COLUMNS,
    ]
    rows = records(frame)
    # contiguous per municipality, waves in order within it
    order = [r["municipality_code"] for r in rows]
    assert order == [code for code in dict.fromkeys(order) for _ in WAVES]
    assert [r["wave_year"] for r in rows] == list(WAVES) * (len(rows) // 3)
    return {
        (r["municipality_code"], r["wave_year"]): tuple(r[c] for c in ANSWER_COLUMNS) for r in rows
    }


def test_answers_vestland_chief_executives(snapshot):
    found = answers(snapshot, "46", "chief_executive")
    assert len(found) == 43 * 3
    # (responses, innovated, innovated with yes/no, yes)
    expected = {
        ("4601", 2018): (1, 1, 1, 1),  # C18-01 ja/ja
        ("4601", 2020): (1, 1, 1, 0),
        ("4601", 2024): (1, 1, 1, 1),
        ("4602", 2018): (1, 1, 1, 0),
        ("4602", 2020): (1, 1, 1, 1),  # C20-02
        ("4602", 2024): (1, 1, 1, 0),
        ("4611", 2018): (1, 1, 1, 0),
        ("4611", 2020): (1, 1, 1, 0),
        ("4611", 2024): (1, 1, 1, 1),  # C24-03
        ("4612", 2018): (1, 1, 1, 0),
        ("4612", 2020): (1, 1, 1, 0),
        ("4612", 2024): (1, 1, 1, 0),
        ("4613", 2018): (1, 1, 1, 0),
        ("4613", 2020): (1, 1, 1, 0),
        ("4613", 2024): (1, 1, 1, 0),
        ("4614", 2018): (1, 1, 0, 0),  # C18-06 innovated, "don't know"
        ("4614", 2024): (1, 1, 1, 0),
        ("4615", 2018): (1, 0, 0, 0),  # C18-07 not innovated, blank
        ("4615", 2024): (1, 1, 1, 0),
        ("4616", 2018): (1, 0, 0, 0),  # C18-08 not innovated, "nei"
        ("4616", 2024): (1, 1, 1, 0),
        ("4617", 2020): (1, 0, 0, 0),  # C20-06
    }
    assert {k: v for k, v in found.items() if v != NONE_} == expected


def test_answers_vestland_unit_leaders(snapshot):
    found = answers(snapshot, "46", "unit_leader")
    assert {k: v for k, v in found.items() if v != NONE_} == {
        ("4601", 2018): (2, 2, 2, 1),  # U18-01 yes, U18-02 no
        ("4601", 2020): (2, 2, 2, 1),  # U20-01 yes, U20-02 no
        ("4602", 2018): (2, 2, 2, 1),  # U18-03 no, U18-04 yes
        ("4602", 2020): (1, 1, 1, 1),  # U20-03
        ("4611", 2018): (2, 1, 1, 0),  # U18-05 no; U18-06 not innovated
        ("4611", 2020): (1, 0, 0, 0),  # U20-05 not innovated
        ("4612", 2018): (1, 1, 0, 0),  # U18-07 "don't know"
    }


def test_answers_ostfold_and_oslo_use_2024_codes(snapshot):
    ostfold = answers(snapshot, "31", "chief_executive")
    assert len(ostfold) == 12 * 3
    assert ostfold[("3101", 2020)] == (1, 1, 1, 1)  # C20-11 under 3001
    assert ostfold[("3110", 2020)] == (1, 1, 1, 0)  # C20-15 under 3011
    assert ostfold[("3105", 2024)] == (1, 1, 1, 1)
    assert ostfold[("3112", 2024)] == NONE_  # Råde: no answers
    assert answers(snapshot, "03", "chief_executive") == {
        ("0301", 2018): (1, 1, 1, 1),
        ("0301", 2020): (1, 1, 0, 0),  # innovated, "don't know"
        ("0301", 2024): (1, 1, 1, 1),  # written "301"
    }


def test_answers_unknown_county_is_empty(snapshot):
    assert answers(snapshot, "99", "chief_executive") == {}


# --- measure_counts_by_sector_and_wave ------------------------------------------------------------


def test_sector_counts(snapshot):
    frame = snapshot.query("measure_counts_by_sector_and_wave", sectors=None)
    assert list(frame.columns) == ["area_code", "area_name", "wave_year", *COUNT_COLUMNS]
    assert all(r["area_code"] == r["area_name"] for r in records(frame))
    assert counts_by_area(frame) == {
        # U18-01 2(y), U18-03 1, U18-05 0.5; U18-06 not innovated
        ("helse_omsorg", 2018): (3, 1, 3.5, 2.0, 5.25),
        ("helse_omsorg", 2020): (1, 1, 2.0, 2.0, 4.0),  # U20-03
        ("helse_omsorg", 2024): ZERO,
        ("kultur", 2018): ZERO,
        ("kultur", 2020): ONE_NO,  # U20-02
        ("kultur", 2024): ZERO,
        # U18-02 1, U18-04 0.5(y); U18-07 "don't know"
        ("oppvekst_utdanning", 2018): (2, 1, 1.5, 0.5, 1.25),
        ("oppvekst_utdanning", 2020): ONE_NO,  # U20-04
        ("oppvekst_utdanning", 2024): ZERO,
        ("sosial", 2018): ZERO,
        ("sosial", 2020): (1, 1, 1.5, 1.5, 2.25),  # U20-01
        ("sosial", 2024): ZERO,
        # U20-05 answered (so the sector is listed) but had not innovated
        ("teknisk", 2018): ZERO,
        ("teknisk", 2020): ZERO,
        ("teknisk", 2024): ZERO,
    }
    assert list(counts_by_area(frame)) == sorted(counts_by_area(frame))


def test_sector_counts_in_chosen_sectors(snapshot):
    frame = snapshot.query("measure_counts_by_sector_and_wave", sectors=["helse_omsorg", "kultur"])
    assert counts_by_area(frame) == {
        ("helse_omsorg", 2018): (3, 1, 3.5, 2.0, 5.25),
        ("helse_omsorg", 2020): (1, 1, 2.0, 2.0, 4.0),
        ("helse_omsorg", 2024): ZERO,
        ("kultur", 2018): ZERO,
        ("kultur", 2020): ONE_NO,
        ("kultur", 2024): ZERO,
    }


# --- partners_by_type_and_wave --------------------------------------------------------------------


def partners(snapshot, role, sectors=None):
    frame = snapshot.query("partners_by_type_and_wave", role=role, sectors=sectors)
    assert list(frame.columns) == [
        "wave_year",
        "research_partner",
        "n",
        "weight_sum",
        "weight_share",
    ]
    return [
        (r["wave_year"], r["research_partner"], r["n"], r["weight_sum"], r["weight_share"])
        for r in records(frame)
    ]


def test_partners_of_chief_executives(snapshot):
    assert partners(snapshot, "chief_executive") == [
        # 2018: C18-01 and C18-21 universitet_hogskole, C18-11 forskningsinstitutt
        (2018, "forskningsinstitutt", 1, 1.0, pytest.approx(1 / 3)),
        (2018, "universitet_hogskole", 2, 2.0, pytest.approx(2 / 3)),
        # 2020: C20-02 annet, C20-11 universitet_hogskole
        (2020, "annet", 1, 1.0, pytest.approx(0.5)),
        (2020, "universitet_hogskole", 1, 1.0, pytest.approx(0.5)),
        # 2024: C24-01 and C24-13 universitet_hogskole, C24-03 forskningsinstitutt, C24-21 annet
        (2024, "annet", 1, 1.0, pytest.approx(0.25)),
        (2024, "forskningsinstitutt", 1, 1.0, pytest.approx(0.25)),
        (2024, "universitet_hogskole", 2, 2.0, pytest.approx(0.5)),
    ]


def test_partners_of_unit_leaders_are_weighted(snapshot):
    assert partners(snapshot, "unit_leader") == [
        # 2018: U18-04 forskningsinstitutt w 0.5, U18-01 universitet_hogskole w 2 → 0.2, 0.8
        (2018, "forskningsinstitutt", 1, 0.5, pytest.approx(0.2)),
        (2018, "universitet_hogskole", 1, 2.0, pytest.approx(0.8)),
        # 2020: U20-01 annet w 1.5; U20-03 named no partner, w 2 → 1.5/3.5, 2/3.5
        (2020, "annet", 1, 1.5, pytest.approx(1.5 / 3.5)),
        (2020, "unknown", 1, 2.0, pytest.approx(2 / 3.5)),
    ]
    assert partners(snapshot, "unit_leader", ["helse_omsorg"]) == [
        (2018, "universitet_hogskole", 1, 2.0, pytest.approx(1.0)),  # U18-01
        (2020, "unknown", 1, 2.0, pytest.approx(1.0)),  # U20-03
    ]


# --- measure_counts_by_group_and_wave -------------------------------------------------------------
# Profiles (data/reference/municipality_profiles_2024.csv) of the fixture's municipalities:
# code  centrality  size band      KOSTRA      code  centrality  size band      KOSTRA
# 0301  1           50000_plus     13          3101  3           20000_49999    10
# 4601  2           50000_plus     12          3103  2           50000_plus     11
# 4602  5           10000_19999    7           3105  2           50000_plus     11
# 4611  5           2000_4999      4           3107  2           50000_plus     12
# 4612  4           5000_9999      1           3110  4           2000_4999      2
# 4613  5           10000_19999    8           4614  4           10000_19999    7
# 4615  5           2000_4999      5           4616  5           2000_4999      5

GROUPS = {
    "centrality": [str(c) for c in range(1, 7)],
    "size": ["under_2000", "2000_4999", "5000_9999", "10000_19999", "20000_49999", "50000_plus"],
    "kostra_group": [str(g) for g in range(1, 18)],
}


def group_counts(snapshot, grouping, role="chief_executive", sectors=None):
    frame = snapshot.query(
        "measure_counts_by_group_and_wave", grouping=grouping, role=role, sectors=sectors
    )
    assert list(frame.columns) == ["area_code", "area_name", "wave_year", *COUNT_COLUMNS]
    # every group of the grouping × every wave, also where nobody answered
    assert sorted(zip(frame["area_code"], frame["wave_year"], strict=True)) == sorted(
        (code, wave) for code in GROUPS[grouping] for wave in WAVES
    )
    assert (frame["area_name"] == frame["area_code"]).all()  # names come per language later
    return counts_by_area(frame)


def expected_by_group(grouping, nonzero):
    return {(c, w): nonzero.get((c, w), ZERO) for c in GROUPS[grouping] for w in WAVES}


def test_groups_by_centrality(snapshot):
    counts = group_counts(snapshot, "centrality")
    assert counts == expected_by_group(
        "centrality",
        {
            # 2018: 0301 yes | 4601 yes, 3103, 3105, 3107 | 3101 yes | 4612, 3110 |
            #       4602 (weight 2), 4611, 4613; 4614 gave no yes/no, so it does not count
            ("1", 2018): ONE_YES,
            ("2", 2018): (4, 1, 4.0, 1.0, 4.0),
            ("3", 2018): ONE_YES,
            ("4", 2018): (2, 0, 2.0, 0.0, 2.0),
            ("5", 2018): (3, 0, 4.0, 0.0, 6.0),
            # 2020: 4601 | 3101 yes (as 3001) | 4612 | 4602 yes, 4611, 4613 | 3103, 3105, 3107
            #       (as 3002–3004) under 2 | 3110 (as 3011) under 4; Oslo gave no yes/no
            ("2", 2020): (4, 0, 4.0, 0.0, 4.0),
            ("3", 2020): ONE_YES,
            ("4", 2020): (2, 0, 2.0, 0.0, 2.0),
            ("5", 2020): (3, 1, 3.0, 1.0, 3.0),
            # 2024: 0301 yes | 4601 yes, 3103, 3105 yes, 3107 | 3101 | 4612, 4614, 3110 |
            #       4602, 4611 yes, 4613, 4615, 4616
            ("1", 2024): ONE_YES,
            ("2", 2024): (4, 2, 4.0, 2.0, 4.0),
            ("3", 2024): ONE_NO,
            ("4", 2024): (3, 0, 3.0, 0.0, 3.0),
            ("5", 2024): (5, 1, 5.0, 1.0, 5.0),
        },
    )


def test_groups_by_size_band_and_kostra_group(snapshot):
    sizes = group_counts(snapshot, "size")
    # 2024: 50000_plus 0301 yes, 4601 yes, 3103, 3105 yes, 3107 | 20000_49999 3101 |
    #       10000_19999 4602, 4613, 4614 | 5000_9999 4612 | 2000_4999 4611 yes, 4615, 4616, 3110
    assert {k: v for k, v in sizes.items() if k[1] == 2024} == {
        ("under_2000", 2024): ZERO,
        ("2000_4999", 2024): (4, 1, 4.0, 1.0, 4.0),
        ("5000_9999", 2024): ONE_NO,
        ("10000_19999", 2024): (3, 0, 3.0, 0.0, 3.0),
        ("20000_49999", 2024): ONE_NO,
        ("50000_plus", 2024): (5, 3, 5.0, 3.0, 5.0),
    }
    kostra = group_counts(snapshot, "kostra_group")
    # 2024: 13 0301 yes | 12 4601 yes, 3107 | 11 3103, 3105 yes | 10 3101 | 7 4602, 4614 |
    #       4 4611 yes | 1 4612 | 8 4613 | 5 4615, 4616 | 2 3110
    assert {k: v for k, v in kostra.items() if k[1] == 2024 and v != ZERO} == {
        ("13", 2024): ONE_YES,
        ("12", 2024): (2, 1, 2.0, 1.0, 2.0),
        ("11", 2024): (2, 1, 2.0, 1.0, 2.0),
        ("10", 2024): ONE_NO,
        ("7", 2024): (2, 0, 2.0, 0.0, 2.0),
        ("4", 2024): ONE_YES,
        ("1", 2024): ONE_NO,
        ("8", 2024): ONE_NO,
        ("5", 2024): (2, 0, 2.0, 0.0, 2.0),
        ("2", 2024): ONE_NO,
    }


def test_groups_of_unit_leaders_are_weighted_and_filter_sectors(snapshot):
    counts = group_counts(snapshot, "centrality", role="unit_leader")
    # 2020: 4601 sosial 1.5 yes, kultur 1 no (class 2) | 4602 2 yes (class 5) | 3001→3101 1 no
    # (class 3); U20-05 did not innovate
    assert {k: v for k, v in counts.items() if k[1] == 2020 and v != ZERO} == {
        ("2", 2020): (2, 1, 2.5, 1.5, 3.25),
        ("3", 2020): ONE_NO,
        ("5", 2020): (1, 1, 2.0, 2.0, 4.0),
    }
    sosial = group_counts(snapshot, "centrality", role="unit_leader", sectors=["sosial"])
    assert {k: v for k, v in sosial.items() if v != ZERO} == {("2", 2020): (1, 1, 1.5, 1.5, 2.25)}


# --- municipalities_collaborating_by_kostra_group ------------------------------------------------
# KOSTRA groups of the fixture's municipalities: see the profile table above
# measure_counts_by_group_and_wave. Output rows: (code, name, county code, county name,
# eligible_n, yes_n).


def collaborating(snapshot, kostra_group, role, wave):
    frame = snapshot.query(
        "municipalities_collaborating_by_kostra_group",
        kostra_group=kostra_group,
        role=role,
        wave=wave,
    )
    return [tuple(r.values()) for r in records(frame)]


def test_collaborating_in_kostra_group_chief_executives(snapshot):
    ce = "chief_executive"
    # Group 12, 2024: 4601 Bergen said yes (C24-01); 3107 Fredrikstad said no (C24-14).
    assert collaborating(snapshot, "12", ce, 2024) == [("4601", "Bergen", "46", "Vestland", 1, 1)]
    # Group 11, 2024: 3103 Moss no (C24-12), 3105 Sarpsborg yes (C24-13).
    assert collaborating(snapshot, "11", ce, 2024) == [("3105", "Sarpsborg", "31", "Østfold", 1, 1)]
    # Group 10, 2020: Halden answered under its 2020 code 3001 (C20-11, yes): listed as 3101.
    assert collaborating(snapshot, "10", ce, 2020) == [("3101", "Halden", "31", "Østfold", 1, 1)]
    # Group 7, 2020: 4602 Kinn yes (C20-02); 4614 did not answer in 2020.
    assert collaborating(snapshot, "7", ce, 2020) == [("4602", "Kinn", "46", "Vestland", 1, 1)]
    # Group 7, 2018: 4602 said no (C18-02, weight 2); 4614 innovated but did not know (C18-06).
    # Group 7, 2024: 4602 and 4614 both said no (C24-02, C24-06).
    assert collaborating(snapshot, "7", ce, 2018) == []
    assert collaborating(snapshot, "7", ce, 2024) == []
    # Group 13, 2020: Oslo innovated but did not know (C20-21), so it is not eligible; 2024: yes
    # (C24-21, written "301").
    assert collaborating(snapshot, "13", ce, 2020) == []
    assert collaborating(snapshot, "13", ce, 2024) == [("0301", "Oslo", "03", "Oslo", 1, 1)]
    # Group 5 (4615, 4616): 2018 not innovated (C18-07, C18-08), 2024 both no.
    assert collaborating(snapshot, "5", ce, 2018) == []
    assert collaborating(snapshot, "5", ce, 2024) == []
    # A group with no fixture municipality, and a wave with no answers.
    assert collaborating(snapshot, "17", ce, 2024) == []
    assert collaborating(snapshot, "12", ce, 2022) == []


def test_collaborating_in_kostra_group_unit_leaders(snapshot):
    ul = "unit_leader"
    # Group 12, 2020: 4601 U20-01 yes (weight 1.5), U20-02 no: counted, not weighted.
    assert collaborating(snapshot, "12", ul, 2020) == [("4601", "Bergen", "46", "Vestland", 2, 1)]
    # Group 7, 2018: 4602 U18-03 no, U18-04 yes (weight 0.5).
    assert collaborating(snapshot, "7", ul, 2018) == [("4602", "Kinn", "46", "Vestland", 2, 1)]
    # Group 10, 2020: Halden's unit leader (U20-04, code 3001) said no.
    assert collaborating(snapshot, "10", ul, 2020) == []
    # Group 4, 2018: 4611 U18-05 no, U18-06 not innovated; group 1: 4612 U18-07 did not know.
    assert collaborating(snapshot, "4", ul, 2018) == []
    assert collaborating(snapshot, "1", ul, 2018) == []
    # The chief executive's yes in group 4 (C24-03) is not a unit leader's: no unit leaders in 2024.
    assert collaborating(snapshot, "4", ul, 2024) == []
    assert collaborating(snapshot, "4", "chief_executive", 2024) == [
        ("4611", "Etne", "46", "Vestland", 1, 1)
    ]


# --- meta: every query file is tested, used and documented ----------------------------------------

TESTED = {
    "answers_by_municipality_and_wave",
    "counties_by_code",
    "dataset_info_by_key",
    "imports_by_time",
    "measure_counts_by_county_and_wave",
    "measure_counts_by_group_and_wave",
    "measure_counts_by_municipality_and_wave",
    "measure_counts_by_nation_and_wave",
    "measure_counts_by_sector_and_wave",
    "municipalities_by_code",
    "municipalities_collaborating_by_kostra_group",
    "partners_by_type_and_wave",
    "waves_by_year",
}


def _source_mentions(name):
    sources = [*sorted((PROJECT_ROOT / "tracker").rglob("*.py")), PROJECT_ROOT / "dashboard.py"]
    sources += sorted((PROJECT_ROOT / "pages").glob("*.py"))
    return [p for p in sources if p.exists() and name in p.read_text(encoding="utf-8")]


def test_every_query_file_is_tested_here():
    this_file = Path(__file__).read_text(encoding="utf-8")
    # A name counts as tested when a test above calls snapshot.query("<name>" ...).
    called = set(re.findall(r'snapshot\.query\(\s*"([a-z0-9_]+)"', this_file))
    assert set(query_names()) == called, "every queries/*.sql needs a test in test_queries.py"
    assert called == TESTED


def test_every_query_file_is_used():
    # Every query is tested above; one that no code in tracker/, dashboard.py or pages/ names
    # is dead weight: delete it or use it.
    unused = [name for name in query_names() if not _source_mentions(name)]
    assert not unused, f"query files not used by the app or CLI: {unused}"


def _header(sql):
    lines = []
    for line in sql.splitlines():
        if not line.startswith("--"):
            break
        lines.append(line[2:].strip())
    return lines


@pytest.mark.parametrize("path", sorted(QUERIES_DIR.glob("*.sql")), ids=lambda p: p.stem)
def test_query_file_header(path):
    sql = path.read_text(encoding="utf-8")
    assert sql.startswith("-- Purpose: ")
    header = _header(sql)
    text = "\n".join(header)
    for label in ("Purpose:", "Grain:", "Parameters:", "Output:"):
        assert sum(line.startswith(label) for line in header) == 1, f"{path.name}: {label}"
    grain = next(line for line in header if line.startswith("Grain:"))
    assert grain.removeprefix("Grain:").strip().startswith("one row per")
    # Every $parameter in the SQL body is named under Parameters (and none are invented there).
    body = "\n".join(line for line in sql.splitlines() if not line.startswith("--"))
    used = set(re.findall(r"\$([a-z_]+)", body))
    params = text.split("Parameters:", 1)[1].split("Output:", 1)[0]
    documented = set(re.findall(r"\$([a-z_]+)", params))
    assert used == documented, path.name
    if not used:
        assert params.strip().lower() == "none"


@pytest.mark.parametrize("name", sorted(TESTED))
def test_query_output_columns_match_header(snapshot, name):
    sql = (QUERIES_DIR / f"{name}.sql").read_text(encoding="utf-8")
    output = "\n".join(_header(sql)).split("Output:", 1)[1]
    output = re.sub(r"\([^)]*\)", "", output)
    columns = [c.strip() for c in output.replace("\n", " ").split(",")]
    example = {"role": "unit_leader", "sectors": None, "county_code": "46", "grouping": "size"}
    example |= {"kostra_group": "12", "wave": 2020}
    params = {p: example[p] for p in re.findall(r"\$([a-z_]+)", sql)}
    assert list(snapshot.query(name, **params).columns) == columns
