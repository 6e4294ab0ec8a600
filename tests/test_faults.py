"""Faults: missing, truncated, corrupt, foreign and older-schema databases; read-only browsing."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest
from support.app import open_page
from support.cli import run_cli
from support.fixtures import sha256

from tracker.app.contract import LANG, MEASURE, OVERVIEW, PAGES, TARGET, widget_key
from tracker.data.db import SCHEMA_VERSION, read_dataset_info
from tracker.present.i18n import t


def open_app(db: Path, monkeypatch: pytest.MonkeyPatch, script: str = OVERVIEW) -> AppTest:
    monkeypatch.setenv("TRACKER_DB", str(db))
    return open_page(script, timeout=120)


def set_info(db: Path, **values: str) -> None:
    con = duckdb.connect(str(db))
    try:
        for key, value in values.items():
            con.execute("UPDATE dataset_info SET value = $v WHERE key = $k", {"k": key, "v": value})
    finally:
        con.close()


def error_text(at: AppTest) -> str:
    return " ".join(e.value for e in at.error)


def test_missing_database_is_built_as_demo(tmp_path: Path, monkeypatch) -> None:
    db = tmp_path / "new" / "tracker.duckdb"
    at = open_app(db, monkeypatch)
    assert read_dataset_info(db)["kind"] == "demo"
    assert len(at.get("plotly_chart")) == 3


@pytest.mark.parametrize("damage", ["truncated", "random", "empty"])
def test_damaged_file_gives_clear_page_and_is_left_alone(
    demo_db: Path, tmp_path: Path, monkeypatch, damage: str
) -> None:
    db = tmp_path / "damaged.duckdb"
    data = demo_db.read_bytes()
    db.write_bytes(
        {"truncated": data[: len(data) // 3], "random": bytes(range(256)) * 64, "empty": b""}[
            damage
        ]
    )
    before = sha256(db)
    at = open_app(db, monkeypatch)
    assert "kan ikke leses" in error_text(at)
    assert "python -m tracker import" in error_text(at)
    assert not at.get("plotly_chart")
    assert sha256(db) == before, "a damaged file may hold real data: never overwritten"


def test_foreign_duckdb_file(tmp_path: Path, monkeypatch) -> None:
    db = tmp_path / "other.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE x AS SELECT 1 AS a")
    con.close()
    at = open_app(db, monkeypatch)
    assert t("db_foreign", "nb", path=db, error="").split("**")[1] in error_text(at)


def test_older_schema_demo_is_rebuilt(demo_db: Path, tmp_path: Path, monkeypatch) -> None:
    db = tmp_path / "old-demo.duckdb"
    shutil.copy(demo_db, db)
    set_info(db, schema_version="0")
    at = open_app(db, monkeypatch)
    assert read_dataset_info(db)["schema_version"] == SCHEMA_VERSION
    assert len(at.get("plotly_chart")) == 3


def test_older_schema_survey_is_explained_not_touched(
    demo_db: Path, tmp_path: Path, monkeypatch
) -> None:
    db = tmp_path / "old-survey.duckdb"
    shutil.copy(demo_db, db)
    set_info(db, schema_version="0", kind="survey")
    before = sha256(db)
    at = open_app(db, monkeypatch)
    assert "annen versjon" in error_text(at)
    assert sha256(db) == before


def test_cli_on_damaged_file_exits_1_with_message(tmp_path: Path) -> None:
    db = tmp_path / "bad.duckdb"
    db.write_bytes(b"not a database" * 100)
    result = run_cli("kpi", "--db", db)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "not a readable tracker database" in result.stderr


@pytest.mark.slow  # every page, three runs each
def test_browsing_never_writes_to_the_database(demo_db: Path, tmp_path: Path, monkeypatch) -> None:
    db = tmp_path / "browse.duckdb"
    shutil.copy(demo_db, db)
    before, mtime = sha256(db), db.stat().st_mtime_ns
    for script, _ in PAGES:
        at = open_app(db, monkeypatch, script)
        # Sektorer shows one fixed measure (no measure choice): change the target mode there.
        keys = {radio.key for radio in at.sidebar.radio}
        if widget_key(MEASURE) in keys:
            at.sidebar.radio(key=widget_key(MEASURE)).set_value("units").run()
        else:
            at.sidebar.radio(key=widget_key(TARGET)).set_value("relative").run()
        at.sidebar.radio(key=widget_key(LANG)).set_value("en").run()
        assert not at.exception
    assert sha256(db) == before and db.stat().st_mtime_ns == mtime
    assert not list(tmp_path.glob("*.wal")), "read-only use leaves no write-ahead log"


def test_build_refuses_to_replace_real_data(demo_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "real.duckdb"
    shutil.copy(demo_db, db)
    set_info(db, kind="survey")
    before = sha256(db)

    def build(*extra: str):
        return run_cli("build", "--db", db, *extra)

    refused = build()
    assert refused.returncode == 2 and "real survey data" in refused.stderr
    assert sha256(db) == before
    assert build("--force").returncode == 0
    assert read_dataset_info(db)["kind"] == "demo"


def test_bad_setting_gives_a_clear_page(demo_db: Path, monkeypatch) -> None:
    monkeypatch.setenv("TRACKER_TARGET_YEAR", "soon")
    at = open_app(demo_db, monkeypatch)
    assert r"TRACKER\_TARGET\_YEAR" in error_text(at) and "ugyldig" in error_text(at)
    assert not at.get("plotly_chart")
