"""Running a page of the app with Streamlit's AppTest, shared by the app tests."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent


def open_page(script: str = "dashboard.py", timeout: float = 60, **params: str) -> AppTest:
    """Run ``script`` (the entry file or a pages/ file) once with query parameters.

    Fails the test if the run raised: an exception on a page is always a bug.
    """
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=timeout)
    if script != "dashboard.py":
        at.switch_page(script)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def cli_rows(*args: str, db: Path) -> list[dict[str, str]]:
    """The rows ``python -m tracker ARGS --format csv --db DB`` prints, to compare pages with."""
    out = subprocess.run(
        [sys.executable, "-m", "tracker", *args, "--format", "csv", "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return list(csv.DictReader(io.StringIO(out)))
