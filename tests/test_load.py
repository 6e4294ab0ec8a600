"""Concurrent load: 25 websocket sessions on one server while a new wave is imported.

Runs the harness in :mod:`load_check` sized for CI (about 50 s of load, under 2 minutes in all)
and writes its report to test-output/load-report.txt. Skip it with ``-m "not load"``; run the
longer check with ``python tests/load_check.py --sessions 25 --seconds 120``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from load_check import NEW_WAVE, LoadConfig, run_load_check

pytestmark = pytest.mark.load

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "test-output" / "load-report.txt"
SESSIONS = 25
SECONDS = 50.0


def test_25_sessions_with_an_import_halfway(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = run_load_check(LoadConfig(sessions=SESSIONS, seconds=SECONDS, workdir=tmp_path))
    text = report.text()
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(text + "\n", encoding="utf-8")
    with capsys.disabled():
        print("\n" + text)

    assert not report.errors, text
    assert report.users_started >= SESSIONS, text
    assert report.sessions_opened >= SESSIONS, text
    # Users act after opening their page, so there are more runs than users. How many more
    # depends on the machine's speed: that is a figure for bench/, not a pass mark here
    # (a run that never finishes within run_timeout is already an error above).
    assert report.page_runs > report.users_started, text
    assert set(report.runs_by_page) == set(report.config.pages), text
    assert report.numbers_checked > 0, text
    assert report.import_at is not None, text
    # Every user with a run after the reload grace period was checked; most saw the new wave.
    assert report.users_checked_after_import, text
    assert set(report.users_checked_after_import) <= set(report.users_saw_new_wave), text
    assert len(report.users_saw_new_wave) >= SESSIONS // 2, f"few saw wave {NEW_WAVE}\n{text}"
