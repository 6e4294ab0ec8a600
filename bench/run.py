"""Benchmark the 30 % tracker: import, page data, page script runs, browser start, pandas.

    python bench/run.py [--sizes 10000 100000 1000000 10000000] [--repeat N]
                        [--out bench/results] [--skip-browser] [--merge] [--keep]
                        [--work-dir DIR] [--render]

For each size (number of response rows) it generates a synthetic survey file in the import format
(bench/synthetic.py, fixed seed), imports it with ``tracker.data.importer.import_files``, times
each page's data function (tracker/present/page_data.py; uncached and through the app's
``st.cache_data`` query function), times each page's script run with Streamlit's AppTest (first
run and reruns after a widget change), times a cold server start to the overview's charts in
headless Chromium (10^4 and 10^6 rows), and compares the county aggregate with the plain-pandas
script a user would otherwise write.

Every step runs in its own Python process, which reports its own peak memory (ru_maxrss), so one
step's memory does not hide in another's. Scratch files (CSV, databases, logs) go to a temporary
directory that is deleted afterwards (``--keep`` keeps it, ``--work-dir`` chooses it); only
``results.json`` and ``results.md`` are written to ``--out``.

The parts: ``harness.py`` (step processes, timers, machine info), ``steps.py`` (generate,
import, page data, pandas), ``app_steps.py`` (AppTest page runs, browser), ``targets.py``
(derived numbers and the targets table), ``report.py`` (results.json and results.md).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import harness
from app_steps import PAGE_WIDGETS, step_browser, step_page
from report import console_table, md_table, write_results
from steps import step_generate, step_import, step_page_data, step_pandas
from targets import fmt_int, fmt_rows

from tracker.app import contract

DEFAULT_SIZES = (10_000, 100_000, 1_000_000, 10_000_000)
DEFAULT_REPEAT = 20
BROWSER_SIZES = (10_000, 1_000_000)

#: Steps by the name the step process is started with (``python bench/run.py _step NAME ...``).
STEPS: dict[str, harness.StepFunction] = {
    "generate": step_generate,
    "import": step_import,
    "page_data": step_page_data,
    "page": step_page,
    "browser": step_browser,
    "pandas": step_pandas,
}


def measure_size(
    rows: int, args: argparse.Namespace, work: Path, log: Callable[[str], None]
) -> dict[str, Any]:
    """Every step at one size; a failed step is recorded as its error and the rest go on."""
    timeout = max(600.0, rows / 2_000)
    csv, db = work / f"survey_{rows}.csv", work / f"tracker_{rows}.duckdb"
    result: dict[str, Any] = {
        "rows": rows,
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "code_version": harness.code_version(),
    }

    def attempt(key: str, name: str, params: dict[str, Any], timeout_s: float = timeout) -> Any:
        log(f"  {key} ...")
        try:
            return harness.run_step(name, params, work, timeout_s)
        except harness.StepFailed as exc:
            log(f"  {key} FAILED: {str(exc).splitlines()[0]}")
            return {"error": str(exc)}

    result["generate"] = attempt("generate", "generate", {"rows": rows, "csv": str(csv)})
    if "error" in result["generate"]:
        return result
    result["import"] = attempt("import", "import", {"csv": str(csv), "db": str(db)})
    if "error" in result["import"]:
        return result
    # Kept under "queries" so that older results and the report read the same key.
    result["queries"] = attempt("page data", "page_data", {"db": str(db), "repeat": args.repeat})
    changes = max(2, min(args.repeat, 10) + 1)
    result["pages"] = {}
    for script, _ in contract.PAGES:
        if script not in PAGE_WIDGETS:
            result["pages"][script] = {"error": "no widget to change in app_steps.PAGE_WIDGETS"}
            continue
        params = {"db": str(db), "script": script, "changes": changes, "timeout": timeout}
        result["pages"][script] = attempt(f"page {script}", "page", params)
    if args.skip_browser:
        result["browser"] = {"skipped": "--skip-browser given"}
    elif rows not in BROWSER_SIZES:
        result["browser"] = {"skipped": f"measured at {', '.join(map(str, BROWSER_SIZES))} rows"}
    elif not Path(harness.CHROMIUM).exists():
        result["browser"] = {"skipped": f"Chromium not found at {harness.CHROMIUM}"}
    else:
        params = {"db": str(db), "repeat": min(args.repeat, 3), "log_dir": str(work)}
        result["browser"] = attempt("browser", "browser", {**params, "timeout": 120}, 900)
    pandas_repeat = min(args.repeat, 5 if rows <= 1_000_000 else 3)
    params = {"csv": str(csv), "db": str(db), "repeat": pandas_repeat}
    result["pandas"] = attempt("pandas", "pandas", {**params, "tracker_repeat": args.repeat})
    if not args.keep:
        csv.unlink(missing_ok=True)
        db.unlink(missing_ok=True)
    return result


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--repeat", type=int, default=DEFAULT_REPEAT)
    parser.add_argument("--out", type=Path, default=harness.BENCH / "results")
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument(
        "--merge",
        action="store_true",
        help="keep sizes already in OUT/results.json that this run does not measure",
    )
    parser.add_argument("--work-dir", type=Path, help="scratch directory (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch files")
    parser.add_argument(
        "--render", action="store_true", help="only rewrite OUT/results.md from OUT/results.json"
    )
    args = parser.parse_args(argv)
    if args.repeat < 1 or any(s < 100 for s in args.sizes):
        parser.error("--repeat must be ≥ 1 and every size ≥ 100 rows")
    if args.work_dir:
        work = args.work_dir.resolve()
        if work == harness.ROOT or harness.ROOT in work.parents:
            parser.error("--work-dir must be outside the repository (scratch data is large)")
    return args


def print_summary(data: dict[str, Any]) -> None:
    print("\n## Targets\n")
    for line in md_table(
        ["target", "measured", "verdict"],
        [[t["target"], t["measured"], t["verdict"]] for t in data["targets"]],
    ):
        print(line)
    print("\n## Scaling (time factor per 10× rows)\n")
    for row in data["scaling"]:
        if not row["step"].endswith(", cached (ms)"):
            print(
                f"  {row['step']:<60} {fmt_rows(row['from'])} → {fmt_rows(row['to'])}: "
                f"{row['per_10x']:.2f}"
            )


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_step"]:
        name, params_json, result_path = argv[1:4]
        harness.run_step_here(STEPS[name], params_json, result_path)
        return 0
    args = parse_args(argv)
    out = args.out if args.out.is_absolute() else Path.cwd() / args.out
    if args.render:
        write_results(json.loads((out / "results.json").read_text(encoding="utf-8")), out)
        print(f"wrote {out / 'results.md'}")
        return 0
    if args.work_dir:
        work = args.work_dir.resolve()
        work.mkdir(parents=True, exist_ok=True)
    else:
        work = Path(tempfile.mkdtemp(prefix="tracker-bench-"))

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    command = ("python bench/run.py " + " ".join(argv)).strip()
    data: dict[str, Any] = {"command": command, "repeat": args.repeat, "sizes": {}}
    results_json = out / "results.json"
    if args.merge and results_json.exists():
        data["sizes"] = json.loads(results_json.read_text(encoding="utf-8")).get("sizes", {})
    log(f"scratch directory: {work}")
    data["machine"] = harness.machine_info()
    try:
        for rows in sorted(set(args.sizes)):
            log(f"{fmt_int(rows)} rows")
            started = time.perf_counter()
            size = measure_size(rows, args, work, log)
            size.update(wall_s=time.perf_counter() - started, repeat=args.repeat, command=command)
            data["sizes"][str(rows)] = size
            print("\n" + console_table(size), flush=True)
            write_results(data, out)
    finally:
        if args.keep or args.work_dir:
            log(f"scratch files kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print_summary(data)
    print(f"\nwrote {results_json} and {out / 'results.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
