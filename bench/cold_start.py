"""Cold start, side by side: the dashboard vs a bare Streamlit app with three Plotly charts.

    python bench/cold_start.py [--repeat 5] [--out bench/results] [--keep]

Each round starts both servers in turn (the order alternates between rounds, so neither always
runs on a machine still busy with the other's exit) and times, from the moment the server
process is spawned, until three charts are drawn in headless Chromium: the dashboard's overview
(``python -m tracker serve``, as deployed, on the demo database) and ``bench/bare/app.py``
(``streamlit run``). The browser is started once before the rounds and opens a fresh tab per
measurement. Printed and written to ``OUT/cold_start.md``: per round both times and their ratio,
the medians, the ratio of the medians (the issue's target: ≤ 1.15), and where the dashboard's
time goes (server healthy, HTML, script running, script done, charts).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

from app_steps import _load_overview, streamlit_server_class  # noqa: E402
from harness import CHROMIUM, ROOT, machine_info  # noqa: E402

BARE_APP = BENCH / "bare" / "app.py"
TARGET_RATIO = 1.15
TIMEOUT_S = 90.0


def measure(server: Any, browser: Any) -> dict[str, float]:
    """Seconds from spawning ``server`` to each stage of its first page view."""
    url = server.url("/")
    started = time.perf_counter()
    server.start(TIMEOUT_S)
    try:
        healthy = time.perf_counter() - started
        marks = _load_overview(browser, url, started, TIMEOUT_S)
    finally:
        server.stop()
    return {"health_s": healthy, **marks}


def run(repeat: int, work: Path) -> list[dict[str, Any]]:
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT / "tests"))
    from support.browser import CHROMIUM_ARGS

    from tracker.data import build

    db = work / "demo.duckdb"
    build.build_demo(db)
    server_class = streamlit_server_class()
    rounds: list[dict[str, Any]] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for i in range(repeat):
                order = ("bare", "dashboard") if i % 2 == 0 else ("dashboard", "bare")
                result: dict[str, Any] = {}
                for which in order:
                    log = work / f"{which}-{i + 1}.log"
                    script = BARE_APP if which == "bare" else None
                    server = server_class(db, log, script=script)
                    result[which] = measure(server, browser)
                result["ratio"] = result["dashboard"]["charts_s"] / result["bare"]["charts_s"]
                rounds.append(result)
                print(
                    f"round {i + 1}: bare {result['bare']['charts_s']:.2f} s, dashboard "
                    f"{result['dashboard']['charts_s']:.2f} s, ratio {result['ratio']:.2f}",
                    flush=True,
                )
        finally:
            browser.close()
    return rounds


STAGES = ("health_s", "html_s", "script_running_s", "script_done_s", "charts_s")


def report(rounds: list[dict[str, Any]]) -> str:
    def median(which: str, stage: str) -> float:
        values = [r[which][stage] for r in rounds if stage in r[which]]
        return statistics.median(values) if values else float("nan")

    bare, dash = median("bare", "charts_s"), median("dashboard", "charts_s")
    ratio = dash / bare
    info = machine_info()
    lines = [
        "# Cold start: server spawned → three charts drawn",
        "",
        f"{info['date']}, {info['cpu_count']} cores, Python {info['python']}, Streamlit "
        f"{info['streamlit']}; {len(rounds)} rounds, order alternating. "
        "Reproduce: `python bench/cold_start.py --repeat 5`.",
        "",
        "| round | bare app (s) | dashboard (s) | ratio |",
        "|---|---|---|---|",
        *(
            f"| {i + 1} | {r['bare']['charts_s']:.2f} | {r['dashboard']['charts_s']:.2f} | "
            f"{r['ratio']:.2f} |"
            for i, r in enumerate(rounds)
        ),
        f"| **median** | **{bare:.2f}** | **{dash:.2f}** | **{ratio:.2f}** |",
        "",
        f"Ratio of the medians: **{ratio:.2f}** (target ≤ {TARGET_RATIO}: "
        f"{'met' if ratio <= TARGET_RATIO else 'NOT met'}); median of the per-round ratios "
        f"{statistics.median(r['ratio'] for r in rounds):.2f}.",
        "",
        "Median seconds from spawn to each stage:",
        "",
        "| stage | bare app | dashboard |",
        "|---|---|---|",
        *(
            f"| {s.removesuffix('_s')} | {median('bare', s):.2f} | {median('dashboard', s):.2f} |"
            for s in STAGES
        ),
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="rounds (5)")
    parser.add_argument("--out", type=Path, default=BENCH / "results", help="report folder")
    parser.add_argument("--keep", action="store_true", help="keep the database and server logs")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="cold-start-"))
    try:
        text = report(run(args.repeat, work))
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            import shutil

            shutil.rmtree(work, ignore_errors=True)
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "cold_start.md").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
