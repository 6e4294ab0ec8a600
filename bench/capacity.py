"""Capacity of one server: page runs with 1 session alone vs 25 concurrent sessions.

    python bench/capacity.py [--sessions 25] [--seconds 90] [--out bench/results]

Runs the project's load check (``tests/load_check.py``: real websocket sessions speaking
Streamlit's protocol, think time 0.5–3 s, every page, a new wave imported halfway, every headline
number compared with the CLI) twice, each against a freshly started server
(``python -m tracker serve``): first with one session, then with ``--sessions``. Prints and
writes to ``OUT/capacity.md`` the page-run figures of both and the issue's targets:

- median page run with 25 sessions ≤ 1.0 s, and ≤ 3 × the lone session's median (same run);
- 95th percentile ≤ 3 s;
- 0 errors, numbers equal to the CLI.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
for _folder in (ROOT, ROOT / "tests", BENCH):
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))

from harness import machine_info, p95  # noqa: E402
from load_check import LoadConfig, LoadReport, run_load_check  # noqa: E402

TARGET_MEDIAN_S = 1.0
TARGET_FACTOR = 3.0
TARGET_P95_S = 3.0


def figures(report: LoadReport) -> dict[str, Any]:
    runs = report.durations
    return {
        "sessions": report.config.sessions,
        "page_runs": report.page_runs,
        "seconds": report.elapsed,
        "median_s": statistics.median(runs) if runs else float("nan"),
        "p95_s": p95(runs) if runs else float("nan"),
        "max_s": max(runs, default=float("nan")),
        "errors": len(report.errors),
        "numbers_checked": report.numbers_checked,
        "first_errors": report.errors[:5],
    }


def verdicts(alone: dict[str, Any], loaded: dict[str, Any]) -> list[tuple[str, str, bool]]:
    factor = loaded["median_s"] / alone["median_s"]
    return [
        (
            f"median page run, {loaded['sessions']} sessions ≤ {TARGET_MEDIAN_S} s",
            f"{loaded['median_s']:.2f} s",
            loaded["median_s"] <= TARGET_MEDIAN_S,
        ),
        (
            f"… ≤ {TARGET_FACTOR:.0f} × the lone session's median ({alone['median_s']:.2f} s)",
            f"{factor:.1f} ×",
            factor <= TARGET_FACTOR,
        ),
        (f"p95 ≤ {TARGET_P95_S} s", f"{loaded['p95_s']:.2f} s", loaded["p95_s"] <= TARGET_P95_S),
        (
            "errors (numbers equal to the CLI)",
            f"{loaded['errors'] + alone['errors']} "
            f"({loaded['numbers_checked'] + alone['numbers_checked']} checked)",
            loaded["errors"] + alone["errors"] == 0,
        ),
    ]


def report_text(alone: dict[str, Any], loaded: dict[str, Any]) -> str:
    info = machine_info()
    rows = [
        f"| {f['sessions']} | {f['page_runs']} | {f['seconds']:.0f} | {f['median_s']:.2f} | "
        f"{f['p95_s']:.2f} | {f['max_s']:.2f} | {f['errors']} | {f['numbers_checked']} |"
        for f in (alone, loaded)
    ]
    lines = [
        "# Capacity of one server (`python bench/capacity.py`)",
        "",
        f"{info['date']}, {info['cpu_count']} cores, Python {info['python']}, Streamlit "
        f"{info['streamlit']}; think time 0.5–3 s, a new wave imported halfway.",
        "",
        "| sessions | page runs | seconds | median (s) | p95 (s) | max (s) | errors | "
        "numbers checked |",
        "|---|---|---|---|---|---|---|---|",
        *rows,
        "",
        "| target | measured | met |",
        "|---|---|---|",
        *(
            f"| {name} | {value} | {'yes' if ok else 'NO'} |"
            for name, value, ok in verdicts(alone, loaded)
        ),
        "",
    ]
    for f in (alone, loaded):
        lines += [f"- error ({f['sessions']} sessions): {e}" for e in f["first_errors"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=25, help="concurrent sessions (25)")
    parser.add_argument("--seconds", type=float, default=90.0, help="duration of each run (90)")
    parser.add_argument("--out", type=Path, default=BENCH / "results", help="report folder")
    args = parser.parse_args(argv)
    results = []
    for sessions in (1, args.sessions):
        print(f"load check: {sessions} session(s) for {args.seconds:.0f} s …", flush=True)
        report = run_load_check(LoadConfig(sessions=sessions, seconds=args.seconds))
        print(report.summary(), flush=True)
        results.append(figures(report))
    text = report_text(*results)
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "capacity.md").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
