"""The README's promises: its import example imports, its settings table is complete."""

from __future__ import annotations

import re
from pathlib import Path

from tracker.data.importer import import_files
from tracker.data.settings import setting_help

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_import_example_imports(tmp_path: Path) -> None:
    example = re.search(r"```text\n(wave_year;.*?)```", README, re.S)
    assert example, "README has an import example"
    source = tmp_path / "example.csv"
    source.write_text(example.group(1), encoding="utf-8")
    report = import_files([source], tmp_path / "db.duckdb")
    assert report.rows == len(example.group(1).strip().splitlines()) - 1
    assert report.waves == [2024]


def test_readme_lists_every_setting() -> None:
    for variable, _default, _help in setting_help():
        assert f"`{variable}`" in README, f"{variable} is missing from the README"


def test_readme_quick_start_has_two_commands() -> None:
    quick = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```bash\n(.*?)\n```", quick, re.S)
    assert commands == [
        "python -m pip install -r requirements.txt && streamlit run dashboard.py",
        "python -m pip install -r requirements-dev.txt && python -m pytest",
    ]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "-m pip install -q -r requirements-dev.txt && $PYTHON -m pytest" in ci
