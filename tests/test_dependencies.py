"""Every package the code imports directly (pyarrow included) is a direct requirement.

A package that only arrives as someone else's dependency (pyarrow through streamlit, numpy through
pandas) can vanish or jump a major version when that other package changes its own requirements,
and the app breaks although nothing in requirements.txt changed. So every third-party module that
the app (tracker/, pages/, dashboard.py) imports must be pinned in requirements.txt, and every one
that the tests, benchmarks and scripts import must be pinned in requirements.txt or
requirements-dev.txt. constraints.txt pins the whole environment, so it must agree with every pin.

The checks are pure functions of source text and requirement text, so the unit tests at the end
can show that a requirement file without pyarrow fails, without touching the real files.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = "requirements.txt"
REQUIREMENTS_DEV = "requirements-dev.txt"
CONSTRAINTS = "constraints.txt"
#: The project's own top-level package: never a requirement.
PROJECT_PACKAGES = frozenset({"tracker"})
#: Folders whose own modules and packages (tests/support, load_check, synthetic, conftest, ...)
#: are imported by sibling files as if they were top-level modules.
LOCAL_MODULE_DIRS = ("tests", "bench", "scripts")
#: (scope name, source paths relative to ROOT, requirement files that must pin their imports)
SCOPES = [
    ("app", ("tracker", "pages", "dashboard.py"), (REQUIREMENTS,)),
    ("dev", ("tests", "bench", "scripts"), (REQUIREMENTS, REQUIREMENTS_DEV)),
]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*([^\s;#]+)")


def normalise(name: str) -> str:
    """PEP 503 name: case-insensitive, with runs of '-', '_' and '.' treated as one '-'."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Pin:
    name: str
    version: str
    source: str
    line: int


def parse_pins(text: str, source: str) -> dict[str, Pin]:
    """The ``name==version`` lines of a requirements/constraints text, keyed by normalised name.

    Option lines (``-r``, ``-c``, ``--index-url``) and comments are skipped: includes are checked
    by listing each file explicitly, so that one file's content is never credited to another.
    """
    pins: dict[str, Pin] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        match = PIN.match(line)
        if match:
            name, version = match.groups()
            pins[normalise(name)] = Pin(name, version, source, number)
    return pins


def unpinned_lines(text: str) -> list[str]:
    """Requirement lines that name a package without pinning it exactly (``pkg>=1``, ``pkg``)."""
    loose = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if line and not line.startswith("-") and not PIN.match(line):
            loose.append(line)
    return loose


def imported_modules(source: str, filename: str) -> dict[str, int]:
    """Top-level module names of every absolute import in ``source`` with the first line number.

    Imports inside functions, ``try`` blocks and ``if TYPE_CHECKING`` count too: any of them
    fails with ModuleNotFoundError when the package is missing. Relative imports are the
    project's own and are skipped.
    """
    found: dict[str, int] = {}
    for node in ast.walk(ast.parse(source, filename=filename)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".", 1)[0]
            found[top] = min(found.get(top, node.lineno), node.lineno)
    return found


def python_files(root: Path, entries: Iterable[str]) -> list[Path]:
    files: list[Path] = []
    for entry in entries:
        path = root / entry
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files.extend(p for p in sorted(path.rglob("*.py")) if "__pycache__" not in p.parts)
    return files


def local_modules(root: Path) -> set[str]:
    """Module names importable from the test, bench and script folders themselves."""
    names: set[str] = set()
    for folder in LOCAL_MODULE_DIRS:
        for path in (root / folder).rglob("*"):
            if "__pycache__" in path.parts:
                continue
            if path.suffix == ".py":
                names.add(path.stem)
            elif path.is_dir() and (path / "__init__.py").exists():
                names.add(path.name)
    return names


@dataclass(frozen=True)
class Use:
    """One third-party import: where it is and which installed distributions provide it."""

    module: str
    file: str
    line: int
    distributions: tuple[str, ...]


def third_party_imports(
    root: Path,
    entries: Iterable[str],
    distributions: Mapping[str, list[str]],
    ignore: Iterable[str] = (),
) -> list[Use]:
    """Every import of a module that is neither stdlib nor the project's own, one per file."""
    skip = set(sys.stdlib_module_names) | PROJECT_PACKAGES | set(ignore)
    uses = []
    for path in python_files(root, entries):
        relative = path.relative_to(root).as_posix()
        modules = imported_modules(path.read_text(encoding="utf-8"), relative)
        for module, line in sorted(modules.items()):
            if module not in skip:
                dists = tuple(sorted(set(distributions.get(module, []))))
                uses.append(Use(module, relative, line, dists))
    return uses


def installed_version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def missing_pins(uses: Iterable[Use], pins: Mapping[str, Pin], files: Iterable[str]) -> list[str]:
    """One message per import whose distribution none of ``files`` (parsed into ``pins``) pins.

    The suggested home for a new pin is the last file: the scope's own (requirements-dev.txt for
    a test-only package), since the earlier ones are shared with a narrower scope.
    """
    files = list(files)
    where = " or ".join(files)
    target = files[-1]
    problems = []
    for use in uses:
        if any(normalise(dist) in pins for dist in use.distributions):
            continue
        at = f"{use.file}:{use.line}"
        if not use.distributions:
            problems.append(
                f"{at} imports {use.module!r}, which no installed distribution provides; install "
                f"the package that provides it and pin it as name==version in {where} (or, if it "
                "is a local helper module, keep it next to the file that imports it)"
            )
            continue
        suggestions = []
        for dist in use.distributions:
            version = installed_version(dist)
            suggestions.append(f"{dist}=={version}" if version else f"{dist}==<version>")
        problems.append(
            f"{at} imports {use.module!r} (distribution {' / '.join(use.distributions)}), "
            f"which {where} does not pin; add {' or '.join(suggestions)} to {target} "
            f"({CONSTRAINTS} must pin the same version)"
        )
    return problems


def mismatched_constraints(
    requirement_pins: Iterable[Pin], constraint_pins: Mapping[str, Pin]
) -> list[str]:
    """One message per requirement pin that constraints.txt lacks or pins at another version."""
    problems = []
    for pin in requirement_pins:
        constraint = constraint_pins.get(normalise(pin.name))
        if constraint is None:
            problems.append(
                f"{pin.source}:{pin.line} pins {pin.name}=={pin.version} but {CONSTRAINTS} does "
                f"not list {pin.name}; add {pin.name}=={pin.version} to {CONSTRAINTS}"
            )
        elif constraint.version != pin.version:
            problems.append(
                f"{pin.source}:{pin.line} pins {pin.name}=={pin.version} but "
                f"{CONSTRAINTS}:{constraint.line} has {constraint.name}=={constraint.version}; "
                "make them agree (regenerate constraints.txt as its header says)"
            )
    return problems


def read_pins(root: Path, files: Iterable[str]) -> dict[str, Pin]:
    pins: dict[str, Pin] = {}
    for name in files:
        pins.update(parse_pins((root / name).read_text(encoding="utf-8"), name))
    return pins


@pytest.fixture(scope="module")
def distributions() -> Mapping[str, list[str]]:
    """Import name -> distributions providing it, for everything installed in this environment."""
    return importlib.metadata.packages_distributions()


@pytest.mark.parametrize(("scope", "entries", "files"), SCOPES, ids=[s[0] for s in SCOPES])
def test_direct_imports_are_pinned(
    scope: str,
    entries: tuple[str, ...],
    files: tuple[str, ...],
    distributions: Mapping[str, list[str]],
) -> None:
    """Each third-party import of the scope is pinned in the scope's requirement files."""
    ignore = local_modules(ROOT) if scope == "dev" else ()
    uses = third_party_imports(ROOT, entries, distributions, ignore)
    assert uses, f"no third-party imports found under {entries}: the import walk is broken"

    problems = missing_pins(uses, read_pins(ROOT, files), files)

    assert problems == [], "\n".join(problems)


def test_requirement_files_pin_exactly() -> None:
    """A loose requirement (``pkg>=1``) would let pip pick a version constraints.txt never saw."""
    for name in (REQUIREMENTS, REQUIREMENTS_DEV):
        loose = unpinned_lines((ROOT / name).read_text(encoding="utf-8"))
        assert loose == [], f"{name} has requirements without an exact name==version: {loose}"


def test_requirement_pins_agree_with_constraints() -> None:
    """constraints.txt (the whole environment) pins every direct requirement at the same version."""
    requirement_pins = [
        pin
        for path in sorted(ROOT.glob("requirements*.txt"))
        for pin in read_pins(ROOT, [path.name]).values()
    ]
    assert requirement_pins, "no name==version lines found in requirements*.txt"

    problems = mismatched_constraints(requirement_pins, read_pins(ROOT, [CONSTRAINTS]))

    assert problems == [], "\n".join(problems)


# --- The checks themselves: they must fail when a pin is missing. ------------------------------


def test_requirements_without_pyarrow_fail(distributions: Mapping[str, list[str]]) -> None:
    """The real requirements.txt minus its pyarrow line leaves the app's pyarrow imports unpinned.

    This is the check the brief asks for: it runs on a copy of the text, never the real file.
    """
    text = (ROOT / REQUIREMENTS).read_text(encoding="utf-8")
    without = "\n".join(
        line for line in text.splitlines() if normalise(line.split("==")[0].strip()) != "pyarrow"
    )
    assert "pyarrow" in parse_pins(text, REQUIREMENTS), "requirements.txt does not pin pyarrow"
    uses = third_party_imports(ROOT, SCOPES[0][1], distributions)

    problems = missing_pins(uses, parse_pins(without, REQUIREMENTS), [REQUIREMENTS])

    assert problems, "removing pyarrow from requirements.txt went unnoticed"
    assert all("'pyarrow'" in problem for problem in problems), problems
    version = importlib.metadata.version("pyarrow")
    assert f"add pyarrow=={version} to requirements.txt" in problems[0], problems[0]
    assert re.match(r"^(tracker|pages)/[\w/]+\.py:\d+ imports 'pyarrow'", problems[0]), problems


def test_import_walk_sees_every_kind_of_import() -> None:
    source = (
        "from __future__ import annotations\n"
        "import os, numpy.linalg as la\n"
        "from . import sibling\n"
        "from .sibling import thing\n"
        "def f():\n"
        "    from pyarrow import parquet\n"
        "try:\n"
        "    import filelock\n"
        "except ImportError:\n"
        "    pass\n"
    )
    assert imported_modules(source, "x.py") == {
        "__future__": 1,
        "os": 2,
        "numpy": 2,
        "pyarrow": 6,
        "filelock": 8,
    }


def test_parse_pins_normalises_names_and_skips_options() -> None:
    text = "# comment\n-r other.txt\n-c constraints.txt\nJinja2 == 3.1.6  # why\n"
    text += "typing_extensions==4\n"
    pins = parse_pins(text, "r.txt")
    assert sorted(pins) == ["jinja2", "typing-extensions"]
    assert pins["typing-extensions"] == Pin("typing_extensions", "4", "r.txt", 5)
    assert unpinned_lines(text + "pandas>=2\n") == ["pandas>=2"]


def test_constraint_mismatch_and_absence_are_reported() -> None:
    requirements = parse_pins("Typing-Extensions==4.16.0\nnumpy==2.4.6\npyarrow==26.0.1\n", "r.txt")
    constraints = parse_pins("typing_extensions==4.16.0\nnumpy==2.4.5\n", CONSTRAINTS)

    problems = mismatched_constraints(requirements.values(), constraints)

    assert len(problems) == 2, problems
    assert problems[0].startswith("r.txt:2 pins numpy==2.4.6 but constraints.txt:2 has numpy=="), (
        problems
    )
    assert "add pyarrow==26.0.1 to constraints.txt" in problems[1], problems
