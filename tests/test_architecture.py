"""The layers stay honest: who may import whom, small modules, and clean types.

Layers depend downward only (ARCHITECTURE.md): app → present → stats → data. Only the app layer
(``tracker/app/``, ``dashboard.py`` and ``pages/``) touches Streamlit, so every other module can
be used by the CLI, the tests and the benchmark without a running app.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "tracker"
#: Layer → the tracker layers it must not import.
FORBIDDEN = {
    "data": {"stats", "present", "app", "cli"},
    "stats": {"present", "app", "cli"},
    "present": {"app", "cli"},
    "app": {"cli"},
}
MAX_LINES = 420  # "no module over about 400 lines"


def imports_of(path: Path) -> set[str]:
    """Every module ``path`` imports, as dotted names (relative imports are not used here)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def layer_of(module: str) -> str | None:
    """'tracker.stats.kpi' → 'stats'; 'tracker.cli' → 'cli'; anything else → None."""
    parts = module.split(".")
    return parts[1] if parts[0] == "tracker" and len(parts) > 1 else None


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_every_module_sits_in_a_layer() -> None:
    loose = [
        p.relative_to(ROOT).as_posix()
        for p in modules()
        if p.parent == PACKAGE and p.name not in {"__init__.py", "__main__.py", "cli.py"}
    ]
    assert not loose, f"modules outside tracker/data, stats, present, app: {loose}"


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layers_depend_downward_only(layer: str) -> None:
    wrong = []
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        for name in imports_of(path):
            if layer_of(name) in FORBIDDEN[layer]:
                wrong.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not wrong, "\n".join(wrong)


def test_only_the_app_layer_imports_streamlit() -> None:
    outside_app = [p for p in modules() if PACKAGE / "app" not in p.parents]
    offenders = [
        path.relative_to(ROOT).as_posix()
        for path in outside_app
        if any(n == "streamlit" or n.startswith("streamlit.") for n in imports_of(path))
    ]
    assert not offenders, f"Streamlit imported outside tracker/app (and the pages): {offenders}"


def test_pages_lay_out_only() -> None:
    # Pages read widgets and call tracker functions; SQL and statistics live in tracker/.
    for path in [ROOT / "dashboard.py", *sorted((ROOT / "pages").glob("*.py"))]:
        names = imports_of(path)
        assert "duckdb" not in names, f"{path.name} talks to the database directly"
        assert not any(n.startswith("tracker.data.db") for n in names), path.name


def test_checks_find_a_wrong_import(tmp_path: Path) -> None:
    # The checks above must be able to fail: a data module importing stats is caught.
    sample = tmp_path / "bad.py"
    sample.write_text("from tracker.stats import kpi\nimport streamlit as st\n", encoding="utf-8")
    found = imports_of(sample)
    assert {layer_of(n) for n in found} & FORBIDDEN["data"] == {"stats"}
    assert "streamlit" in found


def test_no_module_is_too_long() -> None:
    files = [*modules(), ROOT / "dashboard.py", *sorted((ROOT / "pages").glob("*.py"))]
    long = {
        p.relative_to(ROOT).as_posix(): n
        for p in files
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"modules over {MAX_LINES} lines (split them by job): {long}"


def test_types_are_clean() -> None:
    # Configuration in pyproject.toml ([tool.mypy]): tracker/, pages/ and dashboard.py.
    done = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout + done.stderr
