"""Check every pinned package in constraints.txt against PyPI's vulnerability data.

PyPI's JSON API lists known vulnerabilities (from the OSV database) per release:
``/pypi/<name>/<version>/json``. Where only the project endpoint ``/pypi/<name>/json`` answers,
its list applies only if our pin is the latest release; anything else is reported as not
audited rather than passed. Exit status: 0 clean, 1 vulnerabilities found, 2 not all audited.

    python scripts/audit_dependencies.py [--constraints constraints.txt]
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.request
from pathlib import Path

PYPI = "https://pypi.org/pypi"


def pins(path: Path) -> list[tuple[str, str]]:
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            found.append((name.strip(), version.strip()))
    return found


def fetch(url: str) -> dict | None:
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return json.load(response)
    except (urllib.error.URLError, TimeoutError, json.JSONDecodeError):
        return None


def audit(name: str, version: str) -> tuple[str, list[dict]]:
    """('audited' | 'not audited: why', vulnerabilities affecting this version)."""
    release = fetch(f"{PYPI}/{name}/{version}/json")
    if release is not None:
        return "audited", release.get("vulnerabilities", [])
    project = fetch(f"{PYPI}/{name}/json")
    if project is None:
        return "not audited: PyPI did not answer", []
    if project.get("info", {}).get("version") != version:
        latest = project.get("info", {}).get("version")
        return f"not audited: only the latest release ({latest}) is listed", []
    return "audited", project.get("vulnerabilities", [])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--constraints", type=Path, default=Path("constraints.txt"))
    args = parser.parse_args()
    vulnerable = unaudited = 0
    for name, version in pins(args.constraints):
        status, vulns = audit(name, version)
        if vulns:
            vulnerable += 1
            ids = ", ".join(v.get("id", "?") for v in vulns)
            fixed = sorted({f for v in vulns for f in v.get("fixed_in", [])})
            print(f"VULNERABLE {name}=={version}: {ids} (fixed in {', '.join(fixed) or '?'})")
        elif status != "audited":
            unaudited += 1
            print(f"{name}=={version}: {status}")
    total = len(pins(args.constraints))
    print(
        f"{total} pinned packages: {total - unaudited} audited, {vulnerable} vulnerable, "
        f"{unaudited} not audited"
    )
    if vulnerable:
        return 1
    return 2 if unaudited else 0


if __name__ == "__main__":
    sys.exit(main())
