"""Benchmark steps on the running app: page script runs (AppTest) and a real browser.

Each ``step_*`` function runs in its own process (see ``bench/harness.py``); ``bench/run.py``
decides the parameters. Pages and their URLs come from ``tracker.app.contract``; the Streamlit
server is the tests' launcher (``StreamlitServer``), so the benchmark starts the app the way the
browser tests do.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness import CHROMIUM, ROOT, Timers, ms, quiet_streamlit, summary, vm_hwm_mib
from steps import COUNTY

from tracker.app import contract

OVERVIEW_CHARTS = 3
#: Widget changed on each page for the rerun timing:
#: script → (label, widget kind, URL parameter whose widget it is, values to cycle).
PAGE_WIDGETS: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    contract.OVERVIEW: ("measure radio", "radio", contract.MEASURE, ("units", "municipalities")),
    contract.COUNTIES: ("sort selectbox", "selectbox", contract.SORT, ("name", "share")),
    contract.MUNICIPALITIES: ("county selectbox", "selectbox", contract.COUNTY, (COUNTY, "03")),
    contract.SECTORS: (
        "sector scope radio",
        "radio",
        contract.SECTOR_SCOPE,
        ("comparable", "all"),
    ),
    contract.MUNICIPALITY_TYPES: (
        "measure radio",
        "radio",
        contract.MEASURE,
        ("units", "municipalities"),
    ),
    contract.METHOD: ("language radio", "radio", contract.LANG, ("en", "nb")),
}

#: Rows of the page breakdown, in reading order (inclusive times; groups may nest).
BREAKDOWN_ORDER = (
    "page_setup (sidebar, snapshot, info queries)",
    "page data (tracker.present.page_data)",
    "cached query calls (Page.query → data_access.cached_query)",
    "SQL (db.run_query, cache misses)",
    "KPI/progress tables (tracker.stats.kpi, incl. SQL)",
    "display tables/texts (tracker.present.views)",
    "chart builders (tracker.present.charts, county_charts)",
    "st.plotly_chart (figure → JSON)",
    "st.table/st.dataframe",
    "st.download_button",
)


def step_page(p: dict[str, Any]) -> dict[str, Any]:
    """Run one page script with AppTest: the first run, then reruns after widget changes."""
    quiet_streamlit()
    os.environ["TRACKER_DB"] = p["db"]
    # Modules a running server has imported after its first session: import them first, so the
    # first run measures the page (cold query cache, new snapshot), not Python's imports.
    import plotly.graph_objects  # noqa: F401
    import streamlit as st
    from streamlit.delta_generator import DeltaGenerator
    from streamlit.testing.v1 import AppTest

    from tracker.app import frame
    from tracker.data import db
    from tracker.present import charts, county_charts, page_data, views
    from tracker.stats import kpi

    quiet_streamlit()
    # Wrapped for the breakdown only (see Timers). The pages reach the cache through
    # Page.query, so that method is timed rather than the name frame imported at load time.
    timers = Timers()
    timers.wrap(frame, "page_setup", BREAKDOWN_ORDER[0])
    timers.wrap_public(page_data, BREAKDOWN_ORDER[1])
    timers.wrap(frame.Page, "query", BREAKDOWN_ORDER[2])
    timers.wrap(db, "run_query", BREAKDOWN_ORDER[3])
    timers.wrap_public(kpi, BREAKDOWN_ORDER[4])
    timers.wrap_public(views, BREAKDOWN_ORDER[5])
    timers.wrap_public(charts, BREAKDOWN_ORDER[6])
    timers.wrap_public(county_charts, BREAKDOWN_ORDER[6])
    timers.wrap(DeltaGenerator, "plotly_chart", BREAKDOWN_ORDER[7])
    for name in ("table", "dataframe"):
        timers.wrap(DeltaGenerator, name, BREAKDOWN_ORDER[8])
        timers.wrap(st, name, BREAKDOWN_ORDER[8])
    timers.wrap(DeltaGenerator, "download_button", BREAKDOWN_ORDER[9])
    timers.wrap(st, "download_button", BREAKDOWN_ORDER[9])

    script = p["script"]
    label, kind, parameter, values = PAGE_WIDGETS[script]
    key = contract.widget_key(parameter)
    changes = int(p["changes"])
    at = AppTest.from_file(str(ROOT / contract.OVERVIEW), default_timeout=float(p["timeout"]))
    if script != contract.OVERVIEW:
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
    first_change_parts: dict[str, float] = {}
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


# ----- server start → charts in Chromium -----------------------------------------------------


def streamlit_server_class() -> type:
    """The tests' server launcher, ``tests/support/server.py`` (no Playwright import there).

    ``tests/`` goes on sys.path, as ``tests/support/__init__.py`` asks of scripts outside pytest.
    """
    tests = str(ROOT / "tests")
    if tests not in sys.path:
        sys.path.insert(0, tests)
    from support.server import StreamlitServer

    return StreamlitServer


def _charts_drawn(page: Any, timeout_ms: float) -> None:
    # Not the tests' wait_for_render: that waits for the app to stay idle for a while, which
    # would add its settling time to the measurement; this returns as soon as charts are drawn.
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
    """Cold server starts, each to the overview's charts drawn in headless Chromium."""
    from playwright.sync_api import sync_playwright

    server_class = streamlit_server_class()  # puts tests/ on sys.path
    from support.browser import CHROMIUM_ARGS

    work = Path(p["log_dir"])
    timeout_s = float(p["timeout"])
    runs: list[dict[str, Any]] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for i in range(int(p["repeat"])):
                log = work / f"server-{i + 1}.log"
                runs.append(_cold_start(server_class(Path(p["db"]), log), browser, timeout_s))
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


def _cold_start(server: Any, browser: Any, timeout_s: float) -> dict[str, Any]:
    # The clock starts before the server process does; start() returns once /_stcore/health
    # answers, so health_s (and everything after it) includes the launcher's polling interval.
    url = server.url(contract.url_path(contract.OVERVIEW))
    started = time.perf_counter()
    server.start(timeout_s)
    try:
        healthy = time.perf_counter() - started
        cold = _load_overview(browser, url, started, timeout_s)
        warm = _load_overview(browser, url, time.perf_counter(), timeout_s)
        rss = vm_hwm_mib(server.process.pid)
    finally:
        server.stop()
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
