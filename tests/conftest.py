"""Shared test fixtures: one demo database per test session, used by app and browser tests."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tracker.data.build import build_demo  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo database built once per session through the ordinary import path."""
    path = tmp_path_factory.mktemp("db") / "demo.duckdb"
    build_demo(path)
    return path


@pytest.fixture()
def use_demo_db(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the app (which reads TRACKER_DB) at the session's demo database."""
    monkeypatch.setenv("TRACKER_DB", str(demo_db))
    return demo_db


def pytest_report_header() -> list[str]:
    return [
        f"chromium: {CHROMIUM or 'not found (browser tests will be skipped)'}",
        f"TRACKER_DB at start: {os.environ.get('TRACKER_DB', '(unset)')}",
    ]
