"""Benchmark the 30 % tracker: import, page queries, page script runs, browser start, pandas.

    python bench/run.py [--sizes 10000 100000 1000000 10000000] [--repeat N]
                        [--out bench/results] [--skip-browser] [--merge] [--keep]

For each size (number of response rows) it generates a synthetic survey file in the import format
(bench/synthetic.py, fixed seed), imports it with ``tracker.importer.import_files``, times every
query the pages run (uncached and through the pages' ``st.cache_data`` wrapper), times each page's
script run with Streamlit's AppTest (first run and reruns after a widget change), times a cold
server start to the overview's charts in headless Chromium (10^4 and 10^6 rows), and compares the
county aggregate with the plain-pandas script a user would otherwise write.

Every step runs in its own Python process, which reports its own peak memory (ru_maxrss), so one
step's memory does not hide in another's. Scratch files (CSV, databases, logs) go to a temporary
directory that is deleted afterwards (``--keep`` keeps it, ``--work-dir`` chooses it); only
``results.json`` and ``results.md`` are written to ``--out``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import inspect
import itertools
import json
import math
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_SIZES = (10_000, 100_000, 1_000_000, 10_000_000)
DEFAULT_REPEAT = 20
BROWSER_SIZES = (10_000, 1_000_000)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
OVERVIEW_CHARTS = 3
COUNTY = "46"
#: Widget changed on each page for the rerun timing: (label, widget kind, key, values to cycle).
PAGES: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    "dashboard.py": ("measure radio", "radio", "choice_measure", ("units", "municipalities")),
    "pages/fylker.py": ("sort selectbox", "selectbox", "choice_sort", ("name", "share")),
    "pages/kommuner.py": ("county selectbox", "selectbox", "choice_fylke", (COUNTY, "03")),
    "pages/sektorer.py": ("sector scope radio", "radio", "choice_sektorer", ("comparable", "all")),
    "pages/metode.py": ("language radio", "radio", "choice_lang", ("en", "nb")),
}
#: Targets (from the issue); sizes they are judged at.
TARGET_SIZE = 1_000_000
LARGE_SIZE = 10_000_000
SMALL_SIZE = 10_000
QUERY_UNCACHED_MS = 50.0
QUERY_CACHED_MS = 5.0
RERUN_MS = 300.0
IMPORT_ROWS_PER_S = 500_000
PANDAS_RATIO = 10.0
LARGE_QUERY_MS = 500.0
MEMORY_GIB = 24.0
BROWSER_S = 3.0


# --------------------------------------------------------------------------------------------
# Small helpers (shared by the parent and the step processes)
# --------------------------------------------------------------------------------------------


def ms(seconds: float) -> float:
    return seconds * 1000.0


def p95(values: list[float]) -> float:
    """Nearest-rank 95th percentile (a value that was actually measured)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def summary(values_ms: list[float]) -> dict[str, Any]:
    return {
        "median_ms": statistics.median(values_ms),
        "p95_ms": p95(values_ms),
        "min_ms": min(values_ms),
        "runs_ms": [round(v, 3) for v in values_ms],
    }


def peak_rss_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def quiet_streamlit() -> None:
    """Silence Streamlit's 'missing ScriptRunContext' and cache warnings outside a server run."""
    import logging

    import streamlit.logger

    streamlit.logger.set_log_level("ERROR")
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("streamlit"):
            logging.getLogger(name).setLevel(logging.ERROR)


class Timers:
    """Wrap module functions to add up the time spent in them (the outermost call per group)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self._depth: dict[str, int] = {}

    def wrap(self, owner: Any, attr: str, group: str) -> None:
        original = getattr(owner, attr, None)
        if original is None:
            return
        self.seconds.setdefault(group, 0.0)
        self.calls.setdefault(group, 0)
        self._depth.setdefault(group, 0)

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            self._depth[group] += 1
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self._depth[group] -= 1
                if self._depth[group] == 0:
                    self.seconds[group] += time.perf_counter() - started
                    self.calls[group] += 1

        setattr(owner, attr, timed)

    def wrap_public(self, module: Any, group: str) -> None:
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if not name.startswith("_") and function.__module__ == module.__name__:
                self.wrap(module, name, group)

    def snapshot(self) -> dict[str, float]:
        return dict(self.seconds)

    def since(self, before: dict[str, float], runs: int = 1) -> dict[str, float]:
        return {k: ms(v - before.get(k, 0.0)) / runs for k, v in self.seconds.items()}


# --------------------------------------------------------------------------------------------
# Steps, each run in its own process: python bench/run.py _step NAME PARAMS_JSON RESULT_PATH
# --------------------------------------------------------------------------------------------


def step_generate(p: dict[str, Any]) -> dict[str, Any]:
    sys.path.insert(0, str(BENCH))
    import synthetic

    return synthetic.generate(int(p["rows"]), Path(p["csv"]))


def step_import(p: dict[str, Any]) -> dict[str, Any]:
    from tracker.data import importer, reading, validation

    timers = Timers()
    # Functions that do not exist in this version of the tracker are skipped (and not listed).
    timers.wrap(importer, "read_table", "read_table")
    timers.wrap(reading, "_read_csv", "_read_csv")
    timers.wrap(reading, "decode", "decode")
    timers.wrap(reading, "_read_csv_fast", "_read_csv_fast")
    timers.wrap(importer, "check_file", "check_file")
    checks = ("_duplicates", "_weights", "_municipality_codes", "_wave_years", "parse_yes_no")
    for name in checks:
        timers.wrap(validation, name, name)
    timers.wrap(importer, "_check_across_files", "_check_across_files")
    timers.wrap(importer, "_write_reference", "_write_reference")
    timers.wrap(importer, "_write_import", "_write_import")
    marks: dict[str, float] = {}

    def progress(message: str) -> None:
        marks.setdefault(message.split()[0], time.perf_counter())

    csv, db = Path(p["csv"]), Path(p["db"])
    started = time.perf_counter()
    report = importer.import_files([csv], db, progress=progress)
    seconds = time.perf_counter() - started

    def f(*names: str) -> float:
        return sum(ms(timers.seconds.get(name, 0.0)) for name in names)

    def called(name: str) -> bool:
        return timers.calls.get(name, 0) > 0

    read = ms(marks["Checking"] - marks["Reading"])
    validate = ms(marks["Writing"] - marks["Checking"])
    write = ms(marks["Done"] - marks["Writing"])
    readers = [n for n in ("decode", "_read_csv_fast") if called(n)]
    labels = {
        "decode": "reading.decode (bytes → text)",
        "_read_csv_fast": "reading._read_csv_fast (Arrow CSV reader)",
    }
    # (label, ms, depth): phases from the importer's progress messages, the functions inside
    # them from wrappers, and the remainders computed.
    breakdown = [
        ("read + sha256 (progress 'Reading' → 'Checking')", read, 0),
        ("reading.read_table", f("read_table"), 1),
        *((labels[n], f(n), 2) for n in readers),
        (
            "rest: byte checks, separator, pandas parser if used, blank rows",
            f("_read_csv") - f(*readers),
            2,
        ),
        ("rest: header checks", f("read_table") - f("_read_csv"), 2),
        ("sha256 of the file (second read)", read - f("read_table"), 1),
        ("validate + combine ('Checking' → 'Writing')", validate, 0),
        ("validation.check_file", f("check_file"), 1),
        *((f"validation.{n}", f(n), 2) for n in checks if called(n)),
        (
            "rest: strip/lower every column, role/sector/partner checks",
            f("check_file") - f(*checks),
            2,
        ),
        *(
            [("importer._check_across_files (ids across files)", f("_check_across_files"), 1)]
            if called("_check_across_files")
            else []
        ),
        (
            "rest: concat, existing database, report",
            validate - f("check_file", "_check_across_files"),
            1,
        ),
        ("write new file + swap ('Writing' → 'Done')", write, 0),
        ("importer._write_reference", f("_write_reference"), 1),
        ("importer._write_import (responses → DuckDB)", f("_write_import"), 1),
        (
            "rest: schema, CHECKPOINT, close, os.replace",
            write - f("_write_reference", "_write_import"),
            1,
        ),
    ]
    return {
        "rows": report.rows,
        "seconds": seconds,
        "rows_per_s": report.rows / seconds,
        "db_bytes": db.stat().st_size,
        "breakdown_ms": [[label, value, depth] for label, value, depth in breakdown],
    }


def page_queries() -> list[tuple[str, Callable[..., Any]]]:
    """Every query call the pages make, as (label, function(query, settings))."""
    from tracker.stats import kpi

    specs: list[tuple[str, Callable[..., Any]]] = []
    for name in ("dataset_info_by_key", "waves_by_year", "counties_by_code"):
        specs.append((name, lambda q, s, n=name: q(n)))
    for level in kpi.LEVELS:
        for measure in ("municipalities", "units"):
            specs.append(
                (
                    f"kpi_table {level} {measure}",
                    lambda q, s, lv=level, m=measure: kpi.kpi_table(q, lv, m, s),
                )
            )
    for level in ("national", "county"):
        for measure in ("municipalities", "units"):
            specs.append(
                (
                    f"progress_table {level} {measure}",
                    lambda q, s, lv=level, m=measure: kpi.progress_table(q, lv, m, s),
                )
            )
    specs.append(("sector_table", lambda q, s: kpi.sector_table(q, s)))
    for measure in ("municipalities", "units"):
        specs.append(
            (
                f"answer_matrix {COUNTY} {measure}",
                lambda q, s, m=measure: kpi.answer_matrix(q, COUNTY, m),
            )
        )
    specs.append(("municipalities_by_code", lambda q, s: q("municipalities_by_code")))
    specs.append(
        (
            "partners_by_type_and_wave",
            lambda q, s: q(
                "partners_by_type_and_wave", role=kpi.ROLE_BY_MEASURE["units"], sectors=None
            ),
        )
    )
    specs.append(("imports_by_time", lambda q, s: q("imports_by_time")))
    return specs


def step_queries(p: dict[str, Any]) -> dict[str, Any]:
    quiet_streamlit()
    from tracker.app import ui
    from tracker.data import db as tracker_db
    from tracker.data.settings import load_settings

    quiet_streamlit()
    repeat = int(p["repeat"])
    settings = load_settings()
    sql_calls = [0]
    sql_seconds = [0.0]
    run_query = tracker_db.run_query

    def counted(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return run_query(*args, **kwargs)
        finally:
            sql_calls[0] += 1
            sql_seconds[0] += time.perf_counter() - started

    tracker_db.run_query = counted
    started = time.perf_counter()
    snap = tracker_db.open_snapshot(Path(p["db"]))
    open_ms = ms(time.perf_counter() - started)

    def direct(name: str, **params: Any) -> Any:
        return snap.query(name, **params)

    def cached(name: str, **params: Any) -> Any:
        return ui._cached_query(str(snap.path), snap.version, name, params, snap)

    items: dict[str, Any] = {}
    for label, call in page_queries():
        sql_seconds[0] = 0.0
        started = time.perf_counter()
        call(direct, settings)
        first_ms = ms(time.perf_counter() - started)
        runs, sql_runs = [], []
        for _ in range(repeat):
            sql_seconds[0] = 0.0
            started = time.perf_counter()
            call(direct, settings)
            runs.append(ms(time.perf_counter() - started))
            sql_runs.append(ms(sql_seconds[0]))
        call(cached, settings)  # fills the cache
        calls_before = sql_calls[0]
        cached_runs = []
        for _ in range(repeat):
            started = time.perf_counter()
            call(cached, settings)
            cached_runs.append(ms(time.perf_counter() - started))
        items[label] = {
            "first_ms": first_ms,
            "uncached": summary(runs),
            "sql_median_ms": statistics.median(sql_runs),
            "cached": summary(cached_runs),
            "cache_hit": sql_calls[0] == calls_before,
        }
    snap.close()
    return {"open_snapshot_ms": open_ms, "repeat": repeat, "items": items}


#: Rows of the page breakdown, in reading order (inclusive times; groups may nest).
BREAKDOWN_ORDER = (
    "page_setup (sidebar, snapshot, info queries)",
    "cached query calls (ui._cached_query)",
    "SQL (db.run_query, cache misses)",
    "KPI/progress tables (tracker.kpi, incl. SQL)",
    "display tables/texts (tracker.views)",
    "chart builders (tracker.charts)",
    "st.plotly_chart (figure → JSON)",
    "st.table/st.dataframe",
    "st.download_button",
)


def step_page(p: dict[str, Any]) -> dict[str, Any]:
    quiet_streamlit()
    os.environ["TRACKER_DB"] = p["db"]
    # Modules a running server has imported after its first session: import them first, so the
    # first run measures the page (cold query cache, new snapshot), not Python's imports.
    import plotly.graph_objects  # noqa: F401
    import streamlit as st
    from streamlit.delta_generator import DeltaGenerator
    from streamlit.testing.v1 import AppTest

    from tracker.app import ui
    from tracker.data import db
    from tracker.present import charts, views
    from tracker.stats import kpi

    quiet_streamlit()
    timers = Timers()
    timers.wrap(ui, "page_setup", "page_setup (sidebar, snapshot, info queries)")
    timers.wrap(db, "run_query", "SQL (db.run_query, cache misses)")
    timers.wrap(ui, "_cached_query", "cached query calls (ui._cached_query)")
    timers.wrap_public(kpi, "KPI/progress tables (tracker.kpi, incl. SQL)")
    timers.wrap_public(charts, "chart builders (tracker.charts)")
    timers.wrap_public(views, "display tables/texts (tracker.views)")
    timers.wrap(DeltaGenerator, "plotly_chart", "st.plotly_chart (figure → JSON)")
    for name in ("table", "dataframe"):
        timers.wrap(DeltaGenerator, name, "st.table/st.dataframe")
        timers.wrap(st, name, "st.table/st.dataframe")
    timers.wrap(DeltaGenerator, "download_button", "st.download_button")
    timers.wrap(st, "download_button", "st.download_button")

    script = p["script"]
    label, kind, key, values = PAGES[script]
    changes = int(p["changes"])
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=float(p["timeout"]))
    if script != "dashboard.py":
        at.switch_page(script)

    def checked(run: Callable[[], Any]) -> float:
        started = time.perf_counter()
        run()
        elapsed = ms(time.perf_counter() - started)
        if at.exception:
            raise RuntimeError(f"{script}: {[e.value for e in at.exception]}")
        return elapsed

    before = timers.snapshot()
    first = checked(at.run)
    first_parts = timers.since(before)
    runs = []
    before = timers.snapshot()
    for i in range(changes):
        value = values[i % len(values)]
        widget = getattr(at, kind)(key=key)
        runs.append(checked(lambda w=widget, v=value: w.set_value(v).run()))
        if i == 0:
            first_change_parts = timers.since(before)
            before = timers.snapshot()
    warm = runs[1:] or runs
    warm_parts = timers.since(before, max(1, len(runs) - 1)) if len(runs) > 1 else {}
    return {
        "widget": f"{label} ({key})",
        "first_run_ms": first,
        "first_change_ms": runs[0],
        "rerun": summary(warm),
        "breakdown_ms": {
            "first run": first_parts,
            "first change": first_change_parts,
            "rerun (mean)": warm_parts,
        },
    }


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _vm_hwm_mib(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        return None
    return None


def _charts_drawn(page: Any, timeout_ms: float) -> None:
    page.wait_for_function(
        """(n) => document.querySelector('[data-testid="stException"]') !== null ||
            [...document.querySelectorAll('.js-plotly-plot')]
                .filter((el) => el.querySelector('.main-svg')).length >= n""",
        arg=OVERVIEW_CHARTS,
        timeout=timeout_ms,
        polling=25,
    )
    if page.locator('[data-testid="stException"]').count():
        raise RuntimeError(
            "exception on the page: "
            + page.locator('[data-testid="stException"]').first.inner_text()[:500]
        )


def step_browser(p: dict[str, Any]) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    log_path = Path(p["log"])
    timeout_s = float(p["timeout"])
    runs: list[dict[str, Any]] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for _ in range(int(p["repeat"])):
                runs.append(_cold_start(browser, p["db"], log_path, timeout_s))
        finally:
            browser.close()
    cold = [r["charts_s"] for r in runs]
    return {
        "runs": runs,
        "cold_median_s": statistics.median(cold),
        "cold_max_s": max(cold),
        "warm_median_s": statistics.median(r["warm_load_s"] for r in runs),
        "server_peak_rss_mib": max((r["server_peak_rss_mib"] or 0.0) for r in runs),
    }


def _cold_start(browser: Any, db: str, log_path: Path, timeout_s: float) -> dict[str, Any]:
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "dashboard.py",
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
    ]
    env = {**os.environ, "TRACKER_DB": db, "PYTHONUNBUFFERED": "1"}
    base = f"http://127.0.0.1:{port}"
    with log_path.open("ab") as log:
        started = time.perf_counter()
        server = subprocess.Popen(
            command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log
        )
    try:
        deadline = started + timeout_s
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"server exited with {server.returncode}; see {log_path}")
            try:
                with urllib.request.urlopen(base + "/_stcore/health", timeout=1) as answer:
                    if answer.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.perf_counter() > deadline:
                raise TimeoutError(f"server not healthy within {timeout_s} s")
            time.sleep(0.02)
        healthy = time.perf_counter() - started
        cold = _load_overview(browser, base + "/", started, timeout_s)
        warm = _load_overview(browser, base + "/", time.perf_counter(), timeout_s)
        rss = _vm_hwm_mib(server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)
    return {
        "health_s": healthy,
        "charts_s": cold["charts_s"],
        "cold_marks_s": cold,
        "warm_load_s": warm["charts_s"],
        "warm_marks_s": warm,
        "server_peak_rss_mib": rss,
    }


#: Records in the page when each stage is first seen (ms since navigation start).
STAGE_OBSERVER = """
window.__benchMarks = {};
(() => {
  const mark = (key) => {
    if (!(key in window.__benchMarks)) window.__benchMarks[key] = performance.now();
  };
  const check = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app) return;
    mark("app_shell");
    const state = app.getAttribute("data-test-script-state");
    if (state === "running") mark("script_running");
    if (state === "notRunning" && "script_running" in window.__benchMarks) mark("script_done");
    const plots = document.querySelectorAll(".js-plotly-plot");
    if (plots.length) mark("first_chart_element");
    if ([...plots].filter((el) => el.querySelector(".main-svg")).length >= CHARTS) mark("charts");
  };
  new MutationObserver(check).observe(document, {
    subtree: true, childList: true, attributes: true,
    attributeFilter: ["data-test-script-state"],
  });
})();
""".replace("CHARTS", str(OVERVIEW_CHARTS))
STAGES = ("html", "app_shell", "script_running", "script_done", "first_chart_element", "charts")


def _load_overview(browser: Any, url: str, started: float, timeout_s: float) -> dict[str, float]:
    """Open the overview in a new tab; seconds from ``started`` to each stage seen in the page."""
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    page.add_init_script(STAGE_OBSERVER)
    try:
        navigation = time.perf_counter() - started
        page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
        html = time.perf_counter() - started
        _charts_drawn(page, timeout_s * 1000)
        drawn = time.perf_counter() - started
        seen = page.evaluate("() => window.__benchMarks || {}")
    finally:
        page.close()
    marks = {f"{k}_s": navigation + v / 1000 for k, v in seen.items() if k != "charts"}
    marks.update(html_s=html, charts_s=drawn)
    return marks


def step_pandas(p: dict[str, Any]) -> dict[str, Any]:
    import pandas as pd

    from tracker.data import reference
    from tracker.data.db import open_snapshot
    from tracker.data.settings import load_settings
    from tracker.stats import kpi

    municipalities = reference.municipalities()[["municipality_code", "county_code"]]

    def read(engine: str = "c") -> pd.DataFrame:
        return pd.read_csv(p["csv"], dtype={"municipality_code": str}, engine=engine)

    def aggregate(frame: pd.DataFrame) -> pd.DataFrame:
        chiefs = frame[
            (frame["respondent_role"] == "chief_executive")
            & (frame["innovated"] == "ja")
            & frame["research_collaboration"].isin(["ja", "nei"])
        ]
        chiefs = chiefs.merge(municipalities, on="municipality_code")
        chiefs = chiefs.assign(yes=chiefs["research_collaboration"] == "ja")
        table = chiefs.groupby(["county_code", "wave_year"]).agg(
            n=("yes", "size"), yes_n=("yes", "sum")
        )
        return table.assign(share=table["yes_n"] / table["n"]).reset_index()

    read_runs, agg_runs, arrow_runs = [], [], []
    result = arrow_result = None
    for _ in range(int(p["repeat"])):
        started = time.perf_counter()
        frame = read()
        read_runs.append(ms(time.perf_counter() - started))
        started = time.perf_counter()
        result = aggregate(frame)
        agg_runs.append(ms(time.perf_counter() - started))
        del frame
        # A faster variant a pandas user might know: the multi-threaded pyarrow CSV reader.
        started = time.perf_counter()
        arrow_result = aggregate(read("pyarrow"))
        arrow_runs.append(ms(time.perf_counter() - started))
    total_runs = [r + a for r, a in zip(read_runs, agg_runs, strict=True)]
    # The two must agree, or the comparison means nothing.
    snap = open_snapshot(Path(p["db"]))
    tracker_table = kpi.kpi_table(snap.query, "county", "municipalities", load_settings())
    snap.close()
    ours = tracker_table[tracker_table["n"] > 0].set_index(["area_code", "wave_year"])["n"]
    theirs = result.set_index(["county_code", "wave_year"])["n"]
    ours.index.names = theirs.index.names
    agrees = ours.sort_index().astype(int).equals(theirs.sort_index().astype(int))
    agrees = agrees and arrow_result is not None and arrow_result["n"].equals(result["n"])
    return {
        "read_csv": summary(read_runs),
        "aggregate": summary(agg_runs),
        "total": summary(total_runs),
        "total_pyarrow_engine": summary(arrow_runs),
        "agrees_with_tracker": bool(agrees),
        "repeat": int(p["repeat"]),
    }


STEPS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "generate": step_generate,
    "import": step_import,
    "queries": step_queries,
    "page": step_page,
    "browser": step_browser,
    "pandas": step_pandas,
}


def run_step_here(name: str, params_json: str, result_path: str) -> None:
    result = STEPS[name](json.loads(params_json))
    result["peak_rss_mib"] = peak_rss_mib()
    Path(result_path).write_text(json.dumps(result), encoding="utf-8")


# --------------------------------------------------------------------------------------------
# Parent: run the steps per size, print, write results
# --------------------------------------------------------------------------------------------


class StepFailed(RuntimeError):
    pass


def run_step(name: str, params: dict[str, Any], work: Path, timeout_s: float) -> dict[str, Any]:
    """Run one step in a fresh Python process (own session, killed as a group on timeout)."""
    result_path = work / f"result-{name}-{time.time_ns()}.json"
    log_path = work / f"{name}.log"
    command = [sys.executable, str(Path(__file__).resolve()), "_step", name]
    command += [json.dumps(params), str(result_path)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "STREAMLIT_LOGGER_LEVEL": "error"}
    load_before = os.getloadavg()[0]
    with log_path.open("ab") as log:
        log.write(f"\n=== {name} {json.dumps(params)}\n".encode())
        log.flush()
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True
        )
        try:
            code = process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise StepFailed(f"{name}: no result within {timeout_s:.0f} s") from None
    if code != 0 or not result_path.exists():
        tail = log_path.read_text(encoding="utf-8", errors="replace")[-2500:]
        raise StepFailed(f"{name}: exit status {code}\n{tail}")
    result = json.loads(result_path.read_text(encoding="utf-8"))
    # Other work on the machine skews timings; the 1-minute load average says how much.
    result["load_average"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    return result


def measure_size(
    rows: int, args: argparse.Namespace, work: Path, log: Callable[[str], None]
) -> dict[str, Any]:
    timeout = max(600.0, rows / 2_000)
    csv, db = work / f"survey_{rows}.csv", work / f"tracker_{rows}.duckdb"
    result: dict[str, Any] = {
        "rows": rows,
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "code_version": code_version(),
    }

    def attempt(key: str, name: str, params: dict[str, Any], timeout_s: float = timeout) -> bool:
        log(f"  {key} ...")
        try:
            result[key] = run_step(name, params, work, timeout_s)
            return True
        except StepFailed as exc:
            result[key] = {"error": str(exc)}
            log(f"  {key} FAILED: {str(exc).splitlines()[0]}")
            return False

    if not attempt("generate", "generate", {"rows": rows, "csv": str(csv)}):
        return result
    if not attempt("import", "import", {"csv": str(csv), "db": str(db)}):
        return result
    attempt("queries", "queries", {"db": str(db), "repeat": args.repeat})
    changes = max(2, min(args.repeat, 10) + 1)
    result["pages"] = {}
    for script in PAGES:
        log(f"  page {script} ...")
        try:
            result["pages"][script] = run_step(
                "page",
                {"db": str(db), "script": script, "changes": changes, "timeout": timeout},
                work,
                timeout,
            )
        except StepFailed as exc:
            result["pages"][script] = {"error": str(exc)}
            log(f"  page {script} FAILED: {str(exc).splitlines()[0]}")
    if args.skip_browser:
        result["browser"] = {"skipped": "--skip-browser given"}
    elif rows not in BROWSER_SIZES:
        result["browser"] = {"skipped": f"measured at {', '.join(map(str, BROWSER_SIZES))} rows"}
    elif not Path(CHROMIUM).exists():
        result["browser"] = {"skipped": f"Chromium not found at {CHROMIUM}"}
    else:
        params = {
            "db": str(db),
            "repeat": min(args.repeat, 3),
            "log": str(work / "server.log"),
            "timeout": 120,
        }
        attempt("browser", "browser", params, 900)
    pandas_repeat = min(args.repeat, 5 if rows <= 1_000_000 else 3)
    attempt("pandas", "pandas", {"csv": str(csv), "db": str(db), "repeat": pandas_repeat})
    if not args.keep:
        csv.unlink(missing_ok=True)
        db.unlink(missing_ok=True)
    return result


def code_version() -> str:
    """The commit measured, marked when the measured code has uncommitted changes."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "status", "--porcelain", "--", "tracker", "pages", "queries", "dashboard.py"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return commit + (" + uncommitted changes" if changed else "")


def machine_info() -> dict[str, Any]:
    import duckdb
    import numpy
    import pandas
    import plotly
    import pyarrow
    import streamlit

    info: dict[str, Any] = {
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "pandas": pandas.__version__,
        "streamlit": streamlit.__version__,
        "pyarrow": pyarrow.__version__,
        "numpy": numpy.__version__,
        "plotly": plotly.__version__,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu_model"] = line.split(":", 1)[1].strip()
                break
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["memory_gib"] = round(int(line.split()[1]) / 1024 / 1024, 1)
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        if Path(CHROMIUM).exists():
            info["chromium"] = subprocess.run(
                [CHROMIUM, "--version"], capture_output=True, text=True, timeout=30
            ).stdout.strip()
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        info["git_commit"] = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    return info


# ----- derived numbers -----------------------------------------------------------------------


def _get(data: dict[str, Any], *path: str) -> Any:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def worst_query(size: dict[str, Any], kind: str) -> tuple[str, float] | None:
    items = _get(size, "queries", "items")
    if not items:
        return None
    label = max(items, key=lambda k: items[k][kind]["median_ms"])
    return label, items[label][kind]["median_ms"]


def worst_p95(size: dict[str, Any], kind: str) -> str:
    items = _get(size, "queries", "items") or {}
    if not items:
        return ""
    label = max(items, key=lambda k: items[k][kind]["p95_ms"])
    return f" (highest p95: {label} {fmt_ms(items[label][kind]['p95_ms'])} ms)"


def county_ratio(size: dict[str, Any]) -> dict[str, float] | None:
    tracker = _get(size, "queries", "items", "kpi_table county municipalities", "uncached")
    pandas = size.get("pandas")
    if not tracker or not pandas or "error" in pandas:
        return None
    return {
        "tracker_ms": tracker["median_ms"],
        "pandas_total_ms": pandas["total"]["median_ms"],
        "pandas_aggregate_ms": pandas["aggregate"]["median_ms"],
        "ratio_total": pandas["total"]["median_ms"] / tracker["median_ms"],
        "ratio_in_memory": pandas["aggregate"]["median_ms"] / tracker["median_ms"],
        # Older results have no pyarrow-engine timing; nan then reads as "nan×".
        "pandas_pyarrow_ms": _get(pandas, "total_pyarrow_engine", "median_ms") or math.nan,
        "ratio_pyarrow": (_get(pandas, "total_pyarrow_engine", "median_ms") or math.nan)
        / tracker["median_ms"],
    }


def peak_memory_mib(size: dict[str, Any]) -> tuple[str, float] | None:
    peaks: dict[str, float] = {}
    for key in ("generate", "import", "queries", "pandas"):
        value = _get(size, key, "peak_rss_mib")
        if value is not None:
            peaks[key] = value
    for script, page in (size.get("pages") or {}).items():
        if "peak_rss_mib" in page:
            peaks[f"page {script}"] = page["peak_rss_mib"]
    if _get(size, "browser", "server_peak_rss_mib"):
        peaks["server (browser run)"] = size["browser"]["server_peak_rss_mib"]
    if not peaks:
        return None
    step = max(peaks, key=peaks.get)
    return step, peaks[step]


def metrics(size: dict[str, Any]) -> dict[str, float]:
    """The measured times of one size, by step name (seconds or ms as named)."""
    out: dict[str, float] = {}
    if _get(size, "generate", "seconds"):
        out["generate CSV (s)"] = size["generate"]["seconds"]
    if _get(size, "import", "seconds"):
        out["import (s)"] = size["import"]["seconds"]
    for label, item in (_get(size, "queries", "items") or {}).items():
        out[f"query {label}, uncached (ms)"] = item["uncached"]["median_ms"]
        out[f"query {label}, cached (ms)"] = item["cached"]["median_ms"]
    for script, page in (size.get("pages") or {}).items():
        if "error" not in page:
            out[f"page {script} first run (ms)"] = page["first_run_ms"]
            out[f"page {script} rerun after change (ms)"] = page["rerun"]["median_ms"]
    if _get(size, "browser", "cold_median_s"):
        out["server start → overview charts (s)"] = size["browser"]["cold_median_s"]
    if _get(size, "pandas", "total"):
        out["pandas read_csv + aggregate (ms)"] = size["pandas"]["total"]["median_ms"]
    return out


def scaling(sizes: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    """Per measured step: the factor by which its time grows per 10× rows, between sizes."""
    ordered = sorted(sizes)
    rows = []
    for low, high in itertools.pairwise(ordered):
        a, b = metrics(sizes[low]), metrics(sizes[high])
        decades = math.log10(high / low)
        for name in a:
            if name in b and a[name] > 0:
                factor = (b[name] / a[name]) ** (1 / decades)
                rows.append({"step": name, "from": low, "to": high, "per_10x": factor})
    return rows


def fmt_ms(value: float | None) -> str:
    if value is None:
        return "–"
    if value < 10:
        return f"{value:.2f}"
    if value < 100:
        return f"{value:.1f}"
    return f"{value:,.0f}".replace(",", " ")


def fmt_rows(rows: int) -> str:
    exponent = math.log10(rows)
    return f"10^{exponent:.0f}" if exponent.is_integer() else f"{rows:,}".replace(",", " ")


def fmt_int(value: float) -> str:
    return f"{value:,.0f}".replace(",", " ")


def targets(sizes: dict[int, dict[str, Any]]) -> list[dict[str, str]]:
    """Each target from the issue with the measured number and met/missed."""
    out: list[dict[str, str]] = []

    def add(target: str, measured: str, met: bool | None) -> None:
        verdict = "not measured" if met is None else ("met" if met else "missed")
        out.append({"target": target, "measured": measured, "verdict": verdict})

    big = sizes.get(TARGET_SIZE)
    need = f"not measured (run with --sizes {TARGET_SIZE})"
    if big and worst_query(big, "uncached"):
        label, value = worst_query(big, "uncached")
        add(
            f"10^6 rows: every page query median ≤ {QUERY_UNCACHED_MS:.0f} ms uncached",
            f"slowest: {label} {fmt_ms(value)} ms" + worst_p95(big, "uncached"),
            value <= QUERY_UNCACHED_MS,
        )
        label, value = worst_query(big, "cached")
        add(
            f"10^6 rows: every page query median ≤ {QUERY_CACHED_MS:.0f} ms cached",
            f"slowest: {label} {fmt_ms(value)} ms" + worst_p95(big, "cached"),
            value <= QUERY_CACHED_MS,
        )
    else:
        add(
            f"10^6 rows: page queries ≤ {QUERY_UNCACHED_MS:.0f} / {QUERY_CACHED_MS:.0f} ms",
            need,
            None,
        )
    pages = {k: v for k, v in ((big or {}).get("pages") or {}).items() if "error" not in v}
    if pages:
        warm = max(pages, key=lambda s: pages[s]["rerun"]["median_ms"])
        cold = max(pages, key=lambda s: pages[s]["first_change_ms"])
        warm_v, cold_v = pages[warm]["rerun"]["median_ms"], pages[cold]["first_change_ms"]
        failed = len((big or {}).get("pages") or {}) - len(pages)
        add(
            f"10^6 rows: each page's script run after a widget change ≤ {RERUN_MS:.0f} ms",
            f"slowest median rerun: {warm} {fmt_ms(warm_v)} ms (p95 "
            f"{fmt_ms(pages[warm]['rerun']['p95_ms'])} ms); slowest first change "
            f"(new view, queries uncached): {cold} {fmt_ms(cold_v)} ms"
            + (f"; {failed} page(s) failed" if failed else ""),
            warm_v <= RERUN_MS and not failed,
        )
    else:
        add(f"10^6 rows: page rerun after a widget change ≤ {RERUN_MS:.0f} ms", need, None)
    speed = _get(big or {}, "import", "rows_per_s")
    add(
        f"import ≥ {fmt_int(IMPORT_ROWS_PER_S)} rows/s from CSV (10^6 rows)",
        f"{fmt_int(speed)} rows/s ({speed / IMPORT_ROWS_PER_S:.2f}× the target)" if speed else need,
        None if speed is None else speed >= IMPORT_ROWS_PER_S,
    )
    ratio = county_ratio(big or {})
    add(
        f"county aggregate ≥ {PANDAS_RATIO:.0f}× faster than pandas (10^6 rows)",
        (
            f"{ratio['ratio_total']:.0f}× (pandas read_csv + aggregate "
            f"{fmt_ms(ratio['pandas_total_ms'])} ms vs tracker {fmt_ms(ratio['tracker_ms'])} ms); "
            f"{ratio['ratio_pyarrow']:.0f}× with read_csv(engine='pyarrow'); "
            f"{ratio['ratio_in_memory']:.1f}× against pandas' aggregation alone on a frame "
            "already in memory"
        )
        if ratio
        else need,
        None if ratio is None else ratio["ratio_total"] >= PANDAS_RATIO,
    )
    large = sizes.get(LARGE_SIZE)
    if large and large.get("queries") and "error" not in large["queries"]:
        step, peak = peak_memory_mib(large) or ("?", 0.0)
        errors = [k for k in ("generate", "import", "queries", "pandas") if "error" in large[k]]
        errors += [s for s, v in (large.get("pages") or {}).items() if "error" in v]
        add(
            f"10^7 rows: everything completes within {MEMORY_GIB:.0f} GiB",
            f"peak {peak / 1024:.1f} GiB ({step})"
            + (f"; failed: {', '.join(errors)}" if errors else ""),
            peak / 1024 <= MEMORY_GIB and not errors,
        )
        label, value = worst_query(large, "uncached") or ("?", math.inf)
        add(
            f"10^7 rows: page queries < {LARGE_QUERY_MS:.0f} ms",
            f"slowest uncached median: {label} {fmt_ms(value)} ms" + worst_p95(large, "uncached"),
            value < LARGE_QUERY_MS,
        )
    else:
        note = f"not measured (run with --sizes {LARGE_SIZE})"
        if large:
            note = "failed: " + "; ".join(
                str(large[k]["error"]).splitlines()[0]
                for k in ("generate", "import", "queries")
                if k in large and "error" in large[k]
            )
        add(
            f"10^7 rows: within {MEMORY_GIB:.0f} GiB, page queries < {LARGE_QUERY_MS:.0f} ms",
            note,
            False if large else None,
        )
    browser = _get(sizes.get(SMALL_SIZE) or {}, "browser")
    if browser and "cold_median_s" in browser:
        add(
            f"server start to overview charts ≤ {BROWSER_S:.0f} s (10^4 rows)",
            f"{browser['cold_median_s']:.2f} s median of {len(browser['runs'])} cold starts "
            f"(max {browser['cold_max_s']:.2f} s)",
            browser["cold_median_s"] <= BROWSER_S,
        )
    else:
        reason = (browser or {}).get("skipped") or (browser or {}).get("error", "")
        add(
            f"server start to overview charts ≤ {BROWSER_S:.0f} s (10^4 rows)",
            f"not measured ({str(reason).splitlines()[0] if reason else 'needs --sizes 10000'})",
            None,
        )
    return out


# ----- output --------------------------------------------------------------------------------


def md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def load_range(size: dict[str, Any]) -> tuple[float, float] | None:
    """Lowest and highest 1-minute load average seen around this size's steps."""
    steps = [size.get(k) for k in ("generate", "import", "queries", "browser", "pandas")]
    steps += list((size.get("pages") or {}).values())
    loads = [v for step in steps if isinstance(step, dict) for v in step.get("load_average", [])]
    return (min(loads), max(loads)) if loads else None


def size_tables(size: dict[str, Any]) -> list[str]:
    """Markdown tables for one size (also printed to the console)."""
    rows = size["rows"]
    lines = [f"### {fmt_rows(rows)} rows ({fmt_int(rows)})", ""]
    load = load_range(size)
    when = (
        f"Measured {size.get('measured_at', '?')} at commit {size.get('code_version', '?')} "
        f"by `{size.get('command', '?')}`"
    )
    if load:
        when += f"; 1-minute load average around the steps {load[0]:.1f}–{load[1]:.1f}"
    lines += [when + ".", ""]
    gen, imp = size.get("generate", {}), size.get("import", {})
    if "error" in gen or "error" in imp:
        lines += ["Failed: " + str(gen.get("error") or imp.get("error")).splitlines()[0], ""]
        return lines
    lines += md_table(
        ["CSV", "waves", "import", "rows/s", "database file", "peak memory (import)"],
        [
            [
                f"{gen['csv_bytes'] / 1e6:.1f} MB",
                f"{len(gen['waves'])} ({gen['waves'][0]}–{gen['waves'][-1]})",
                f"{imp['seconds']:.2f} s",
                fmt_int(imp["rows_per_s"]),
                f"{imp['db_bytes'] / 1e6:.1f} MB",
                f"{imp['peak_rss_mib']:.0f} MiB",
            ]
        ],
    )
    lines.append("")
    queries = size.get("queries", {})
    if "items" in queries:
        repeat = queries["repeat"]
        lines.append(
            f"Page queries (ms; the first call after opening the snapshot, then median and p95 "
            f"of {repeat} runs; 'of which SQL' is the median time inside the query itself, the "
            f"rest is tracker's Python statistics; snapshot open "
            f"{fmt_ms(queries['open_snapshot_ms'])} ms; peak memory "
            f"{queries['peak_rss_mib']:.0f} MiB):"
        )
        lines.append("")
        table = []
        for label, item in queries["items"].items():
            table.append(
                [
                    label + ("" if item.get("cache_hit", True) else " (cache missed!)"),
                    fmt_ms(item["first_ms"]),
                    fmt_ms(item["uncached"]["median_ms"]),
                    fmt_ms(item["uncached"]["p95_ms"]),
                    fmt_ms(item["sql_median_ms"]),
                    fmt_ms(item["cached"]["median_ms"]),
                    fmt_ms(item["cached"]["p95_ms"]),
                ]
            )
        lines += md_table(
            [
                "query call",
                "first call",
                "uncached median",
                "uncached p95",
                "of which SQL",
                "cached median",
                "cached p95",
            ],
            table,
        )
        lines.append("")
    elif "error" in queries:
        lines += ["Queries failed: " + queries["error"].splitlines()[0], ""]
    pages = size.get("pages") or {}
    if pages:
        table = []
        for script, page in pages.items():
            if "error" in page:
                table.append([script, "failed", "–", "–", "–", "–", "–"])
                continue
            table.append(
                [
                    script,
                    page["widget"],
                    fmt_ms(page["first_run_ms"]),
                    fmt_ms(page["first_change_ms"]),
                    fmt_ms(page["rerun"]["median_ms"]),
                    fmt_ms(page["rerun"]["p95_ms"]),
                    f"{page['peak_rss_mib']:.0f} MiB",
                ]
            )
        lines.append(
            "Page script runs (AppTest, ms): first run in a fresh process (cold query cache), "
            "first widget change (new view, its queries uncached), then median/p95 of further "
            "changes back and forth (cached):"
        )
        lines.append("")
        lines += md_table(
            ["page", "widget", "first run", "first change", "rerun median", "rerun p95", "peak"],
            table,
        )
        lines.append("")
    browser = size.get("browser") or {}
    if "cold_median_s" in browser:
        runs = browser["runs"]
        cold_runs = ", ".join(f"{r['charts_s']:.2f}" for r in runs)
        lines.append(
            f"Headless Chromium: server start (Popen) → {OVERVIEW_CHARTS} overview charts drawn: "
            f"median {browser['cold_median_s']:.2f} s over {len(runs)} cold starts "
            f"({cold_runs} s; server healthy after "
            f"{statistics.median(r['health_s'] for r in runs):.2f} s); a second page load on "
            f"the running server: {browser['warm_median_s']:.2f} s; server peak memory "
            f"{browser['server_peak_rss_mib']:.0f} MiB."
        )
        lines.append("")
        stages = [f"{stage}_s" for stage in STAGES]
        names = ["HTML", "app shell", "script running", "script done", "first chart", "drawn"]
        table = []
        for kind, start in (("cold_marks_s", "server start"), ("warm_marks_s", "new tab")):
            marks = [r[kind] for r in runs if kind in r]
            if marks:
                table.append(
                    [f"{start} → (median s)"]
                    + [
                        f"{statistics.median(m[s] for m in marks):.2f}"
                        if all(s in m for m in marks)
                        else "–"
                        for s in stages
                    ]
                )
        lines += md_table(["browser stage", *names], table)
        lines.append("")
    elif browser:
        reason = browser.get("skipped") or str(browser.get("error", "")).splitlines()[0]
        lines += [f"Browser: {'skipped' if 'skipped' in browser else 'failed'} ({reason}).", ""]
    ratio = county_ratio(size)
    if ratio:
        pandas = size["pandas"]
        lines.append(
            f"Plain pandas (read_csv + filter + join + group by county and wave, median of "
            f"{pandas['repeat']}): {fmt_ms(ratio['pandas_total_ms'])} ms "
            f"(read_csv {fmt_ms(pandas['read_csv']['median_ms'])} ms, aggregate "
            f"{fmt_ms(ratio['pandas_aggregate_ms'])} ms) vs tracker county aggregate "
            f"{fmt_ms(ratio['tracker_ms'])} ms: **{ratio['ratio_total']:.0f}×** "
            f"({ratio['ratio_pyarrow']:.0f}× with read_csv(engine='pyarrow'): "
            f"{fmt_ms(ratio['pandas_pyarrow_ms'])} ms; {ratio['ratio_in_memory']:.1f}× against "
            "the in-memory aggregation alone); "
            f"same n per county and wave: {'yes' if pandas['agrees_with_tracker'] else 'NO'}."
        )
        lines.append("")
    return lines


def where_time_goes(size: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    imp = size.get("import") or {}
    if "breakdown_ms" in imp:
        lines += [f"Import of {fmt_rows(size['rows'])} rows ({imp['seconds']:.2f} s):", ""]
        total = ms(imp["seconds"])
        parts = [
            [("· " * depth) + label, fmt_ms(value), f"{value / total:.0%}"]
            for label, value, depth in imp["breakdown_ms"]
        ]
        lines += md_table(["phase / function (inclusive)", "ms", "share of import"], parts)
        lines.append("")
    pages = {k: v for k, v in (size.get("pages") or {}).items() if "breakdown_ms" in v}
    if pages:
        found = {g for v in pages.values() for g in v["breakdown_ms"]["first run"]}
        groups = [g for g in BREAKDOWN_ORDER if g in found] + sorted(found - set(BREAKDOWN_ORDER))
        for run in ("first run", "rerun (mean)"):
            header = ["inclusive time (ms)", *pages]
            table = []
            totals = ["whole script run (AppTest)"]
            for page in pages.values():
                runs = page["rerun"]["runs_ms"]
                totals.append(
                    fmt_ms(page["first_run_ms"] if run == "first run" else statistics.mean(runs))
                )
            table.append(totals)
            for group in groups:
                table.append(
                    [group] + [fmt_ms(v["breakdown_ms"][run].get(group)) for v in pages.values()]
                )
            lines += [f"Page script runs at {fmt_rows(size['rows'])} rows, {run}:", ""]
            lines += md_table(header, table)
            lines.append("")
    return lines


def busy_note(sizes: dict[int, dict[str, Any]], cpus: int) -> list[str]:
    loads = [r for r in (load_range(s) for s in sizes.values()) if r]
    if not loads or max(high for _, high in loads) <= cpus:
        return []
    low, high = min(low for low, _ in loads), max(high for _, high in loads)
    return [
        f"**The machine was shared with other work while this ran** (1-minute load average "
        f"{low:.1f}–{high:.1f} on {cpus} CPUs): timings are higher and noisier than on an idle "
        "machine, p95 values especially. Compare medians, and re-run on an idle machine before "
        "quoting a number as final.",
        "",
    ]


def markdown(data: dict[str, Any]) -> str:
    sizes = {int(k): v for k, v in data["sizes"].items()}
    machine = data["machine"]
    lines = [
        "# Benchmark results",
        "",
        f"Written by `{data['command']}`. Machine: "
        f"{machine.get('cpu_count')} CPUs ({machine.get('cpu_model', '?')}), "
        f"{machine.get('memory_gib', '?')} GiB; Python {machine['python']}, DuckDB "
        f"{machine['duckdb']}, pandas {machine['pandas']}, Streamlit {machine['streamlit']}, "
        f"pyarrow {machine['pyarrow']}, Plotly {machine['plotly']}; "
        f"{machine.get('chromium', 'no Chromium')}; commit {machine.get('git_commit', '?')}; "
        f"{machine['date']}.",
        "",
        "Synthetic data: bench/synthetic.py (fixed seed), the 357 municipalities, 4 waves "
        "(2018–2024; 10 waves 2016–2025 from 5·10^6 rows), at most one chief executive per "
        "municipality and wave, the rest unit leaders. Each step runs in its own process; "
        "memory is that process's peak RSS.",
        "",
        *busy_note(sizes, machine.get("cpu_count") or 1),
        "## Targets",
        "",
    ]
    lines += md_table(
        ["target", "measured", "verdict"],
        [[t["target"], t["measured"], f"**{t['verdict']}**"] for t in data["targets"]],
    )
    lines += ["", "## Summary", ""]
    table = []
    for rows, size in sorted(sizes.items()):
        imp = size.get("import") or {}
        uncached = worst_query(size, "uncached")
        cached = worst_query(size, "cached")
        pages = {k: v for k, v in (size.get("pages") or {}).items() if "rerun" in v}
        rerun = max((p["rerun"]["median_ms"] for p in pages.values()), default=None)
        first = max((p["first_run_ms"] for p in pages.values()), default=None)
        ratio = county_ratio(size)
        peak = peak_memory_mib(size)
        browser = _get(size, "browser", "cold_median_s")
        table.append(
            [
                fmt_rows(rows),
                f"{imp['seconds']:.2f} s" if "seconds" in imp else "failed",
                fmt_int(imp["rows_per_s"]) if "rows_per_s" in imp else "–",
                f"{imp['db_bytes'] / 1e6:.1f} MB" if "db_bytes" in imp else "–",
                fmt_ms(uncached[1]) if uncached else "–",
                fmt_ms(cached[1]) if cached else "–",
                fmt_ms(first),
                fmt_ms(rerun),
                f"{browser:.2f} s" if browser else "–",
                f"{ratio['ratio_total']:.0f}×" if ratio else "–",
                f"{peak[1] / 1024:.2f} GiB" if peak else "–",
            ]
        )
    lines += md_table(
        [
            "rows",
            "import",
            "rows/s",
            "DB file",
            "slowest query, uncached (ms)",
            "slowest query, cached (ms)",
            "slowest page first run (ms)",
            "slowest page rerun (ms)",
            "server start → charts",
            "vs pandas",
            "peak memory",
        ],
        table,
    )
    lines += ["", "## Details per size", ""]
    for _, size in sorted(sizes.items()):
        lines += size_tables(size)
    scale = data["scaling"]
    if scale:
        pairs = sorted({(r["from"], r["to"]) for r in scale})
        steps = list(dict.fromkeys(r["step"] for r in scale))
        by = {(r["step"], r["from"], r["to"]): r["per_10x"] for r in scale}
        lines += [
            "## Scaling",
            "",
            "Factor by which each step's time grows per 10× rows, from consecutive sizes "
            "((t_large / t_small)^(1 / decades); 10 = linear, 1 = constant).",
            "",
        ]
        lines += md_table(
            ["step", *(f"{fmt_rows(a)} → {fmt_rows(b)}" for a, b in pairs)],
            [
                [
                    step,
                    *(f"{by[(step, a, b)]:.2f}" if (step, a, b) in by else "–" for a, b in pairs),
                ]
                for step in steps
                if not step.endswith(", cached (ms)")
            ],
        )
        lines.append("")
        cached = [r["per_10x"] for r in scale if r["step"].endswith(", cached (ms)")]
        if cached:
            lines += [
                f"Cached query calls (not listed): factors {min(cached):.2f}–{max(cached):.2f}, "
                "i.e. independent of the number of rows.",
                "",
            ]
    # The size the targets are judged at, and the largest size measured.
    measured = [rows for rows, s in sizes.items() if "breakdown_ms" in (s.get("import") or {})]
    shown = sorted(
        {r for r in measured if r == TARGET_SIZE} | ({max(measured)} if measured else set())
    )
    if shown:
        lines += ["## Where time goes", ""]
        lines += [
            "Inclusive times: a row includes the rows indented under it; page rows may overlap "
            "(the KPI tables include their queries). What is not listed in a page run is "
            "Streamlit itself (widgets, messages) and AppTest's reading of the result.",
            "",
        ]
        for rows in shown:
            lines += where_time_goes(sizes[rows])
    return "\n".join(lines).rstrip() + "\n"


def console_table(size: dict[str, Any]) -> str:
    """The per-size Markdown tables, readable as plain text too."""
    return "\n".join(size_tables(size))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_step"]:
        run_step_here(*argv[1:4])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--repeat", type=int, default=DEFAULT_REPEAT)
    parser.add_argument("--out", type=Path, default=BENCH / "results")
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
    out = args.out if args.out.is_absolute() else Path.cwd() / args.out
    if args.render:
        write_results(json.loads((out / "results.json").read_text(encoding="utf-8")), out)
        print(f"wrote {out / 'results.md'}")
        return 0
    if args.repeat < 1 or any(s < 100 for s in args.sizes):
        parser.error("--repeat must be ≥ 1 and every size ≥ 100 rows")
    if args.work_dir:
        work = args.work_dir.resolve()
        if work == ROOT or ROOT in work.parents:
            parser.error("--work-dir must be outside the repository (scratch data is large)")
        work.mkdir(parents=True, exist_ok=True)
    else:
        work = Path(tempfile.mkdtemp(prefix="tracker-bench-"))

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    command = "python bench/run.py " + " ".join(argv)
    data: dict[str, Any] = {"command": command.strip(), "repeat": args.repeat, "sizes": {}}
    results_json = out / "results.json"
    if args.merge and results_json.exists():
        previous = json.loads(results_json.read_text(encoding="utf-8"))
        data["sizes"] = previous.get("sizes", {})
    log(f"scratch directory: {work}")
    data["machine"] = machine_info()
    try:
        for rows in sorted(set(args.sizes)):
            log(f"{fmt_int(rows)} rows")
            started = time.perf_counter()
            size = measure_size(rows, args, work, log)
            size["wall_s"] = time.perf_counter() - started
            size["repeat"] = args.repeat
            size["command"] = data["command"]
            data["sizes"][str(rows)] = size
            print("\n" + console_table(size), flush=True)
            write_results(data, out)
    finally:
        if args.keep or args.work_dir:
            log(f"scratch files kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print("\n## Targets\n")
    for line in md_table(
        ["target", "measured", "verdict"],
        [[t["target"], t["measured"], t["verdict"]] for t in data["targets"]],
    ):
        print(line)
    print("\n## Scaling (time factor per 10× rows)\n")
    for row in data["scaling"]:
        if "query" not in row["step"] or "kpi_table county municipalities" in row["step"]:
            print(
                f"  {row['step']:<60} {fmt_rows(row['from'])} → {fmt_rows(row['to'])}: "
                f"{row['per_10x']:.2f}"
            )
    print(f"\nwrote {results_json} and {out / 'results.md'}")
    return 0


def write_results(data: dict[str, Any], out: Path) -> None:
    sizes = {int(k): v for k, v in data["sizes"].items()}
    data["targets"] = targets(sizes)
    data["scaling"] = scaling(sizes)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    (out / "results.md").write_text(markdown(data), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
