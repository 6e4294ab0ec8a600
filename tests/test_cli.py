"""The command line (``python -m tracker``) on the hand-made fixture database.

Commands run in-process (:func:`support.cli.run_cli`: ``tracker.cli.main(argv)`` with captured
output, no TRACKER_* settings but those given); the last section runs a few as real processes,
so that ``python -m tracker`` itself and its exit status as the shell sees it are covered too.

Expected numbers are counted from tests/support/fixtures.py (see the table there) and worked out
with exact fractions; intervals use the closed-form Wilson formula, a different arrangement from
the one in tracker.stats.
"""

from __future__ import annotations

import csv
import io
import json
import math
from fractions import Fraction as F

import pytest
from support.cli import run_cli, run_cli_process
from support.fixtures import HEADER, sha256, write_text

from tracker.data.settings import DEMO_DIR

KPI_HEADER = "area_code,area_name,wave_year,measure,n,share,ci_low,ci_high,suppressed"
PROGRESS_HEADER = (
    "area_code,area_name,baseline_year,baseline_share,latest_year,latest_share,"
    "pace_pp_per_year,required_pp_per_year,pace_ratio,status,projected_year,"
    "pace_se_pp_per_year,status_probability,probability_on_track_or_better,status_settled,"
    "projected_year_low,projected_year_high"
)
Z = 1.959963984540054
COUNTY_CODES = ["03", "11", "15", "18", "31", "32", "33", "34", "39", "40", "42", "46", "50"]
COUNTY_CODES += ["55", "56"]


def wilson(x, n):
    """Closed form: (2x + z² ± z·√(z² + 4x(n − x)/n)) / (2(n + z²)), clipped to [0, 1]."""
    centre, half = 2 * x + Z * Z, Z * math.sqrt(Z * Z + 4 * x * (n - x) / n)
    return max(0.0, (centre - half) / (2 * (n + Z * Z))), min(
        1.0, (centre + half) / (2 * (n + Z * Z))
    )


def slope(points):
    """Least-squares slope (share per year) by the textbook formula, in exact fractions."""
    xs, ys = [F(x) for x, _ in points], [F(y) for _, y in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    return sxy / sum((x - mx) ** 2 for x in xs), mx, my


def first_year_at(points, target):
    b, mx, my = slope(points)
    return math.ceil(mx + (F(target) - my) / b)


@pytest.fixture()
def db(fixture_db):
    """The session's fixture database (conftest.py); tests that may write take a copy."""
    return fixture_db


def run(*args, db=None, env=None):
    """``python -m tracker ARGS`` in-process with TRACKER_DB=db and ``env`` as the only settings."""
    settings = dict(env or {})
    if db is not None:
        settings["TRACKER_DB"] = str(db)
    return run_cli(*args, env=settings)


def ok(*args, **kwargs):
    done = run(*args, **kwargs)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout


def csv_rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def number(cell):
    return None if cell == "" else float(cell)


def assert_cells(row, expected):
    for key, value in expected.items():
        if value is None:
            assert row[key] == "", (key, row)
        elif isinstance(value, str):
            assert row[key] == value, (key, row)
        else:
            assert number(row[key]) == pytest.approx(value, abs=2e-6), (key, row)


# --- kpi ----------------------------------------------------------------------------------------


def test_kpi_national_csv(db):
    out = ok("kpi", "--format", "csv", db=db)
    assert out.splitlines()[0] == KPI_HEADER
    rows = csv_rows(out)
    # chief executives: 3 of 11, 2 of 10, 4 of 14 (fixture table)
    for row, (wave, yes, n) in zip(
        rows, [(2018, 3, 11), (2020, 2, 10), (2024, 4, 14)], strict=True
    ):
        low, high = wilson(yes, n)
        assert_cells(
            row,
            {
                "area_code": "NO",
                "area_name": "Norge",
                "wave_year": str(wave),
                "measure": "municipalities",
                "n": str(n),
                "share": yes / n,
                "ci_low": low,
                "ci_high": high,
                "suppressed": "false",
            },
        )
    assert len(rows) == 3


def test_kpi_hand_values_of_intervals():
    # 3 of 11: 2x + z² = 9.841459; z·√(3.841459 + 4·3·8/11) = 1.959964·√12.568732 = 6.948517;
    # 2(n + z²) = 29.682918 → (0.097461, 0.565645): the helper agrees with hand arithmetic.
    assert wilson(3, 11) == pytest.approx((0.097461, 0.565645), abs=2e-6)


def test_kpi_by_county_csv_sorted_and_suppressed(db):
    out = ok("kpi", "--by", "county", "--format", "csv", db=db)
    assert out.splitlines()[0] == KPI_HEADER
    rows = csv_rows(out)
    assert [(r["area_code"], r["wave_year"]) for r in rows] == [
        (code, str(w)) for code in COUNTY_CODES for w in (2018, 2020, 2024)
    ]
    by_key = {(r["area_code"], int(r["wave_year"])): r for r in rows}
    one_of_five = wilson(1, 5)
    expected = {
        ("31", 2018): (5, 0.2, one_of_five),
        ("31", 2020): (5, 0.2, one_of_five),  # from 2020 codes 3001 ... 3011
        ("31", 2024): (5, 0.2, one_of_five),
        ("46", 2018): (5, 0.2, one_of_five),
        ("46", 2020): (5, 0.2, one_of_five),
        ("46", 2024): (8, 0.25, wilson(2, 8)),
    }
    for key, row in by_key.items():
        if key in expected:
            n, share, (low, high) = expected[key]
            assert_cells(
                row,
                {
                    "n": str(n),
                    "share": share,
                    "ci_low": low,
                    "ci_high": high,
                    "suppressed": "false",
                },
            )
        else:
            # Oslo has 1, 0 and 1 answers; all other counties none: suppressed, cells empty
            n = {("03", 2018): 1, ("03", 2024): 1}.get(key, 0)
            assert_cells(
                row,
                {"n": str(n), "share": None, "ci_low": None, "ci_high": None, "suppressed": "true"},
            )


def test_kpi_one_wave(db):
    rows = csv_rows(ok("kpi", "--by", "county", "--wave", "2024", "--format", "csv", db=db))
    assert [r["area_code"] for r in rows] == COUNTY_CODES
    assert {r["wave_year"] for r in rows} == {"2024"}


def test_kpi_units_are_weighted_with_kish_n(db):
    rows = csv_rows(ok("kpi", "--measure", "units", "--format", "csv", db=db))
    # 2018: yes weight 2.5 of 5 = 0.5; Kish n = 25/6.5; 2020: 4 answers < 5 → suppressed; 2024: none
    half = (
        Z * math.sqrt(0.25 / (25 / 6.5) + Z * Z / (4 * (25 / 6.5) ** 2)) / (1 + Z * Z / (25 / 6.5))
    )
    assert_cells(
        rows[0],
        {
            "wave_year": "2018",
            "measure": "units",
            "n": "5",
            "share": 0.5,
            "ci_low": 0.5 - half,
            "ci_high": 0.5 + half,
            "suppressed": "false",
        },
    )
    assert_cells(rows[1], {"wave_year": "2020", "n": "4", "share": None, "suppressed": "true"})
    assert_cells(rows[2], {"wave_year": "2024", "n": "0", "share": None, "suppressed": "true"})


def test_kpi_by_municipality(db):
    rows = csv_rows(ok("kpi", "--by", "municipality", "--format", "csv", db=db))
    assert len(rows) == 357 * 3
    halden = [r for r in rows if r["area_code"] == "3101"]
    assert [(r["wave_year"], r["n"], r["suppressed"]) for r in halden] == [
        ("2018", "1", "true"),
        ("2020", "1", "true"),  # answered under old code 3001
        ("2024", "1", "true"),
    ]
    keys = [(r["area_code"], r["wave_year"]) for r in rows]
    assert keys == sorted(keys)


def test_kpi_json(db):
    records = json.loads(ok("kpi", "--by", "county", "--format", "json", db=db))
    assert len(records) == 45
    assert list(records[0]) == KPI_HEADER.split(",")
    oslo_2018 = records[0]
    assert oslo_2018["area_code"] == "03"
    assert oslo_2018["suppressed"] is True
    assert oslo_2018["share"] is None
    assert oslo_2018["n"] == 1
    vestland_2024 = next(r for r in records if r["area_code"] == "46" and r["wave_year"] == 2024)
    assert vestland_2024["suppressed"] is False
    assert vestland_2024["share"] == pytest.approx(0.25)
    assert vestland_2024["n"] == 8


def test_kpi_table_format(db):
    lines = ok("kpi", db=db).splitlines()
    assert lines[0].split() == KPI_HEADER.split(",")
    assert len(lines) == 4
    assert lines[1].split()[:5] == ["NO", "Norge", "2018", "municipalities", "11"]


# --- progress -----------------------------------------------------------------------------------

NATIONAL = [(2018, F(3, 11)), (2020, F(1, 5)), (2024, F(2, 7))]
VESTLAND = [(2018, F(1, 5)), (2020, F(1, 5)), (2024, F(1, 4))]


def test_progress_national_csv(db):
    out = ok("progress", "--format", "csv", db=db)
    assert out.splitlines()[0] == PROGRESS_HEADER
    (row,) = csv_rows(out)
    # pace = (−8·3/11 − 2·1/5 + 10·2/7)/56 = (106/385)/56 = 0.00491651/yr = 0.491651 pp
    # required = (3/10 − 3/11)/12 = 1/440 = 0.227273 pp; R = 2.163265 → on_track
    pace = 100 * slope(NATIONAL)[0]
    required = 100 * (F(3, 10) - F(3, 11)) / 12
    assert float(pace) == pytest.approx(0.491651, abs=1e-6)
    assert_cells(
        row,
        {
            "area_code": "NO",
            "area_name": "Norge",
            "baseline_year": "2018",
            "baseline_share": 3 / 11,
            "latest_year": "2024",
            "latest_share": 2 / 7,
            "pace_pp_per_year": float(pace),
            "required_pp_per_year": float(required),
            "pace_ratio": float(pace / required),
            "status": "on_track",
            # fitted line reaches 0.30 at 2030.26 → 2031
            "projected_year": str(first_year_at(NATIONAL, F(3, 10))),
        },
    )
    assert row["projected_year"] == "2031"


def test_progress_by_county_csv(db):
    out = ok("progress", "--by", "county", "--format", "csv", db=db)
    assert out.splitlines()[0] == PROGRESS_HEADER
    rows = csv_rows(out)
    assert [r["area_code"] for r in rows] == COUNTY_CODES
    by_code = {r["area_code"]: r for r in rows}
    # Vestland 1/5, 1/5, 2/8: pace 0.5/56 = 0.892857 pp, required 0.10/12 = 0.833333 pp,
    # R = 1.071429; the line reaches 0.30 in 2030.0 exactly → 2030
    assert_cells(
        by_code["46"],
        {
            "baseline_share": 0.2,
            "latest_year": "2024",
            "latest_share": 0.25,
            "pace_pp_per_year": 50 / 56,
            "required_pp_per_year": 10 / 12,
            "pace_ratio": (50 / 56) / (10 / 12),
            "status": "on_track",
            "projected_year": "2030",
        },
    )
    assert first_year_at(VESTLAND, F(3, 10)) == 2030
    # Østfold 1/5 in every wave: pace 0, R = 0 → limited_progress, no projection
    assert_cells(
        by_code["31"],
        {
            "baseline_share": 0.2,
            "latest_share": 0.2,
            "pace_pp_per_year": 0.0,
            "required_pp_per_year": 10 / 12,
            "pace_ratio": 0.0,
            "status": "limited_progress",
            "projected_year": None,
        },
    )
    # Oslo (always suppressed) and counties without answers
    for code in ("03", "11", "56"):
        assert_cells(
            by_code[code],
            {
                "baseline_year": "2018",
                "baseline_share": None,
                "latest_year": "2024",
                "latest_share": None,
                "pace_pp_per_year": None,
                "required_pp_per_year": None,
                "pace_ratio": None,
                "status": "insufficient_data",
                "projected_year": None,
            },
        )


def test_progress_insufficient_data_has_no_pace_ratio_or_year(demo_db):
    # Issue 15, item 9: an unassessed area gets null, not "pace_ratio 0.0". In the demo Østfold
    # has its 2018 share but a suppressed 2024 share, so a slope through the shown waves exists.
    rows = json.loads(ok("progress", "--by", "county", "--format", "json", db=demo_db))
    unassessed = [r for r in rows if r["status"] == "insufficient_data"]
    assert any(r["baseline_share"] is not None for r in unassessed), "no case that could fail"
    for row in unassessed:
        for column in ("pace_pp_per_year", "required_pp_per_year", "pace_ratio", "projected_year"):
            assert row[column] is None, (row["area_name"], column)


def test_progress_relative_target(db):
    rows = {
        r["area_code"]: r
        for r in csv_rows(
            ok("progress", "--by", "county", "--target-mode", "relative", "--format", "csv", db=db)
        )
    }
    # Vestland: target 2 × 0.2 = 0.4; required 0.2/12 = 1.666667 pp; R = 0.892857/1.666667
    # = 0.535714 → limited_progress; line reaches 0.4 at 2041.2 → 2042
    assert_cells(
        rows["46"],
        {
            "required_pp_per_year": 20 / 12,
            "pace_ratio": (50 / 56) / (20 / 12),
            "status": "limited_progress",
            "projected_year": "2042",
        },
    )
    assert first_year_at(VESTLAND, F(2, 5)) == 2042
    (national,) = csv_rows(ok("progress", "--target-mode", "relative", "--format", "csv", db=db))
    target = 2 * F(3, 11)
    required = 100 * (target - F(3, 11)) / 12
    assert_cells(
        national,
        {
            "required_pp_per_year": float(required),
            "pace_ratio": float(100 * slope(NATIONAL)[0] / required),
            "status": "limited_progress",
            "projected_year": str(first_year_at(NATIONAL, target)),
        },
    )


def test_progress_uncertainty_columns(db):
    rows = {
        r["area_code"]: r
        for r in csv_rows(ok("progress", "--by", "county", "--format", "csv", db=db))
    }
    # Vestland 1/5, 1/5, 2/8; se_i = (u_i − l_i)/(2·1.959964) from each wave's Wilson interval;
    # OLS weights w = (x − x̄)/Σ(x − x̄)² with x̄ = 2020.6667, Σ(x − x̄)² = 18.6667
    years = [y for y, _ in VESTLAND]
    counts = [(1, 5), (1, 5), (2, 8)]
    se = [(wilson(x, n)[1] - wilson(x, n)[0]) / (2 * Z) for x, n in counts]
    mean = sum(years) / 3
    sxx = sum((y - mean) ** 2 for y in years)
    pace_se = 100 * math.sqrt(
        sum(((y - mean) / sxx) ** 2 * s**2 for y, s in zip(years, se, strict=True))
    )
    vestland = rows["46"]
    assert number(vestland["pace_se_pp_per_year"]) == pytest.approx(pace_se, abs=1e-6)
    probability = number(vestland["status_probability"])
    better = number(vestland["probability_on_track_or_better"])
    # on_track is one of "on track or better", so that probability cannot be smaller
    assert 0 < probability <= better <= 1
    assert vestland["status_settled"] == ("true" if probability >= 0.8 else "false")
    low, high = vestland["projected_year_low"], vestland["projected_year_high"]
    assert low and int(low) <= int(vestland["projected_year"])
    assert not high or int(high) >= int(vestland["projected_year"])
    for code in ("03", "11", "56"):  # insufficient data: every uncertainty column empty
        assert [rows[code][c] for c in PROGRESS_HEADER.split(",")[-6:]] == [""] * 6
    again = {
        r["area_code"]: r
        for r in csv_rows(ok("progress", "--by", "county", "--format", "csv", db=db))
    }
    assert again == rows  # the seed makes every figure reproducible
    records = json.loads(ok("progress", "--by", "county", "--format", "json", db=db))
    settled = {r["area_code"]: r["status_settled"] for r in records}
    assert settled["46"] is (vestland["status_settled"] == "true")
    assert settled["03"] is None


def test_progress_target_year_option(db):
    (row,) = csv_rows(ok("progress", "--target-year", "2026", "--format", "csv", db=db))
    # required = (3/10 − 3/11)/(2026 − 2018) = 0.340909 pp
    assert_cells(row, {"required_pp_per_year": float(100 * (F(3, 10) - F(3, 11)) / 8)})


def test_progress_as_it_stood_at_a_wave(db):
    (row,) = csv_rows(ok("progress", "--wave", "2020", "--format", "csv", db=db))
    # 3/11 → 1/5 over two years: pace = (1/5 − 3/11)·100/2 = −3.636364 pp → moving_away
    pace = float(100 * (F(1, 5) - F(3, 11)) / 2)
    assert_cells(
        row,
        {
            "latest_year": "2020",
            "latest_share": 0.2,
            "pace_pp_per_year": pace,
            "status": "moving_away",
            "projected_year": None,
        },
    )


def test_progress_json(db):
    records = json.loads(ok("progress", "--by", "county", "--format", "json", db=db))
    assert [list(r) for r in records] == [PROGRESS_HEADER.split(",")] * 15
    vestland = next(r for r in records if r["area_code"] == "46")
    assert vestland["status"] == "on_track"
    assert vestland["projected_year"] == 2030
    assert vestland["baseline_year"] == 2018
    oslo = records[0]
    assert oslo["baseline_share"] is None
    assert oslo["projected_year"] is None


def test_progress_table_format(db):
    lines = ok("progress", "--by", "county", db=db).splitlines()
    assert lines[0].split() == PROGRESS_HEADER.split(",")
    assert len(lines) == 16
    vestland = next(line for line in lines if line.split()[0] == "46")
    assert "on_track" in vestland.split()
    assert "2030" in vestland.split()


# --- import -------------------------------------------------------------------------------------

BAD = [
    HEADER,
    "2022,N-01,4601,chief_executive,,,ja,ja,",
    "2022,N-02,4602,chief_executive,,,kanskje,nei,",
]
GOOD = [
    HEADER,
    "2022,N-01,4601,chief_executive,,,ja,ja,",
    "2022,N-02,4602,unit_leader,kultur,2,ja,nei,",
]


def test_import_bad_file_exits_2_without_traceback(fixture_db_copy, tmp_path):
    db = fixture_db_copy
    before = sha256(db)
    source = write_text(tmp_path / "bad.csv", BAD)
    done = run("import", source, db=db)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "Import rejected: 1 problem(s) found. The database was not changed." in done.stderr
    assert "bad.csv, row 3, column innovated: 'kanskje' is not a yes/no answer" in done.stderr
    assert sha256(db) == before


def test_import_good_file(tmp_path):
    target = tmp_path / "new.duckdb"
    source = write_text(tmp_path / "good.csv", GOOD)
    out = ok("import", source, db=target)
    assert "Imported 2 rows for wave(s) 2022 from 1 file(s)" in out
    assert target.exists()
    rows = csv_rows(ok("kpi", "--format", "csv", db=target))
    assert [(r["wave_year"], r["n"], r["suppressed"]) for r in rows] == [("2022", "1", "true")]


def test_import_dry_run_and_wave_option(tmp_path):
    target = tmp_path / "new.duckdb"
    lines = [",".join(line.split(",")[1:]) for line in GOOD]  # no wave_year column
    source = write_text(tmp_path / "no_wave.csv", lines)
    out = ok("import", source, "--wave", "2022", "--dry-run", db=target)
    assert out.startswith("Would import 2 rows for wave(s) 2022")
    assert not target.exists()


def test_import_existing_wave_needs_replace(fixture_db_copy, tmp_path):
    db = fixture_db_copy
    before = sha256(db)
    source = write_text(tmp_path / "again.csv", [HEADER, "2024,N-01,4601,chief_executive,,,ja,ja,"])
    done = run("import", source, db=db)
    assert done.returncode == 2
    assert "--replace" in done.stderr
    assert sha256(db) == before


def test_import_missing_file_exits_2(tmp_path):
    done = run("import", tmp_path / "nowhere.csv", db=tmp_path / "db.duckdb")
    assert done.returncode == 2
    assert "nowhere.csv: cannot read the file" in done.stderr
    assert "Traceback" not in done.stderr


# --- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["kpi", "progress"])
def test_missing_database_exits_1_with_a_clear_message(command, tmp_path):
    missing = tmp_path / "missing.duckdb"
    done = run(command, db=missing)
    assert done.returncode == 1
    assert f"error: no database at {missing}" in done.stderr
    assert "python -m tracker build" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


def test_file_that_is_not_a_database_exits_1(tmp_path):
    notes = tmp_path / "notes.duckdb"
    notes.write_text("not a database\n")
    done = run("kpi", db=notes)
    assert done.returncode == 1
    assert "is not a readable tracker database" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("kpi", "--measure", "kommuner"),
        ("progress", "--measure", "units2"),
        ("kpi", "--by", "fylke"),
        ("progress", "--by", "municipality"),
        ("kpi", "--format", "xlsx"),
        ("kpi", "--wave", "tjuetjuefire"),
        ("progress", "--target-mode", "double"),
    ],
)
def test_bad_arguments_exit_2(db, args):
    done = run(*args, db=db)
    assert done.returncode == 2
    assert "error: argument" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


def test_bad_setting_exits_2(db):
    done = run("kpi", db=db, env={"TRACKER_TARGET_YEAR": "snart"})
    assert done.returncode == 2
    assert "error: TRACKER_TARGET_YEAR='snart' is not a year" in done.stderr
    assert "Traceback" not in done.stderr


def test_db_option_overrides_environment(db, tmp_path):
    done = run("kpi", "--db", db, "--format", "csv", db=tmp_path / "missing.duckdb")
    assert done.returncode == 0
    assert done.stdout.splitlines()[0] == KPI_HEADER


def test_demo_files_command_reproduces_the_committed_files(tmp_path):
    out = ok("demo-files", "--out", tmp_path)
    assert out.count("wrote ") == 3
    for wave in (2018, 2020, 2024):
        name = f"demo_survey_{wave}.csv"
        assert (tmp_path / name).read_bytes() == (DEMO_DIR / name).read_bytes()


# --- the real process -------------------------------------------------------------------------
# Everything above calls tracker.cli.main in-process; these run ``python -m tracker`` as a user's
# shell does, for what only a real process shows: the module entry point and its exit status.


def test_process_help_exits_0():
    done = run_cli_process("--help")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: python -m tracker")
    for command in ("build", "import", "kpi", "progress", "demo-files"):
        assert command in done.stdout
    assert done.stderr == ""


@pytest.mark.slow  # two Python start-ups
def test_process_exit_status_of_bad_input_and_unreadable_database(fixture_db_copy, tmp_path):
    db = fixture_db_copy
    before = sha256(db)
    source = write_text(tmp_path / "bad.csv", BAD)
    rejected = run_cli_process("import", source, "--db", db)
    assert rejected.returncode == 2, rejected.stderr
    assert "Import rejected: 1 problem(s) found. The database was not changed." in rejected.stderr
    assert "Traceback" not in rejected.stderr
    assert sha256(db) == before
    missing = tmp_path / "missing.duckdb"
    unreadable = run_cli_process("kpi", "--db", missing)
    assert unreadable.returncode == 1
    assert f"error: no database at {missing}" in unreadable.stderr
    assert "Traceback" not in unreadable.stderr
    assert unreadable.stdout == ""


# --- structure groups (issue 13) ------------------------------------------------------------------


def test_kpi_by_centrality_hand_values_and_names(db):
    rows = csv_rows(ok("kpi", "--by", "centrality", "--wave", "2024", "--format", "csv", db=db))
    assert [r["area_code"] for r in rows] == ["1", "2", "3", "4", "5", "6"]
    by_code = {r["area_code"]: r for r in rows}
    assert by_code["1"]["area_name"] == "Sentralitet 1 (mest sentral)"
    # 2024 chief executives by centrality (tests/test_queries.py lists the profiles):
    # class 2: 4601 yes, 3103, 3105 yes, 3107 → 2 of 4; class 5: 4602, 4611 yes, 4613, 4615,
    # 4616 → 1 of 5; class 1 (Oslo alone) and class 3 (3101 alone) are suppressed (n < 5)
    assert_cells(by_code["2"], {"n": "4", "share": None, "suppressed": "true"})
    low, high = wilson(1, 5)
    assert_cells(by_code["5"], {"n": "5", "share": 0.2, "ci_low": low, "ci_high": high})
    assert_cells(by_code["6"], {"n": "0", "share": None, "suppressed": "true"})


def test_kpi_by_size_band_in_english_and_progress_by_kostra_group(db):
    rows = csv_rows(ok("kpi", "--by", "size", "--lang", "en", "--format", "csv", db=db))
    names = list(dict.fromkeys(r["area_name"] for r in rows))
    assert names[0] == "Under 2,000 inhabitants" and names[-1] == "50,000 inhabitants or more"
    # 2024: 50000_plus = 0301 yes, 4601 yes, 3103, 3105 yes, 3107 → 3 of 5
    big = next(r for r in rows if r["area_code"] == "50000_plus" and r["wave_year"] == "2024")
    assert_cells(big, {"n": "5", "share": 0.6})
    progress = csv_rows(ok("progress", "--by", "kostra_group", "--format", "csv", db=db))
    assert [r["area_code"] for r in progress] == [str(g) for g in range(1, 18)]


def test_unknown_grouping_is_refused(db):
    done = run("kpi", "--by", "kommunetype", db=db)
    assert done.returncode == 2
    assert "centrality" in done.stderr and "kostra_group" in done.stderr
