"""Numbers derived from the results: the targets table, slowest items, scaling, formatting.

Pure functions of the results dict (``results.json``), so ``python bench/run.py --render`` can
rebuild the report from stored results, including results written before page data functions
were timed (their items are single query calls, named "page query" in the targets).
"""

from __future__ import annotations

import itertools
import math
from typing import Any

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
#: The tracker's county aggregate in results from before the pandas step timed it itself.
OLD_COUNTY_ITEM = "kpi_table county municipalities"


def get(data: dict[str, Any], *path: str) -> Any:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def page_loads(size: dict[str, Any]) -> dict[str, Any]:
    """The timed items a page run waits for (not the ones a button builds, like the data pack)."""
    items = get(size, "queries", "items") or {}
    return {k: v for k, v in items.items() if not v.get("on_click")}


def item_kind(size: dict[str, Any]) -> str:
    """What the items are: page data functions, or (older results) single query calls."""
    items = get(size, "queries", "items") or {}
    return "page query" if items and not any("page" in v for v in items.values()) else "page data"


def worst_query(size: dict[str, Any], kind: str) -> tuple[str, float] | None:
    """The page-load item with the highest median (``kind``: 'uncached' or 'cached')."""
    items = page_loads(size)
    if not items:
        return None
    label = max(items, key=lambda k: items[k][kind]["median_ms"])
    return label, items[label][kind]["median_ms"]


def worst_p95(size: dict[str, Any], kind: str) -> str:
    items = page_loads(size)
    if not items:
        return ""
    label = max(items, key=lambda k: items[k][kind]["p95_ms"])
    return f" (highest p95: {label} {fmt_ms(items[label][kind]['p95_ms'])} ms)"


def county_ratio(size: dict[str, Any]) -> dict[str, float] | None:
    tracker = get(size, "pandas", "tracker_county_aggregate") or get(
        size, "queries", "items", OLD_COUNTY_ITEM, "uncached"
    )
    pandas = size.get("pandas")
    if not tracker or not pandas or "error" in pandas:
        return None
    # Older results have no pyarrow-engine timing; nan then reads as "nan×".
    pyarrow_ms = get(pandas, "total_pyarrow_engine", "median_ms") or math.nan
    return {
        "tracker_ms": tracker["median_ms"],
        "pandas_total_ms": pandas["total"]["median_ms"],
        "pandas_aggregate_ms": pandas["aggregate"]["median_ms"],
        "ratio_total": pandas["total"]["median_ms"] / tracker["median_ms"],
        "ratio_in_memory": pandas["aggregate"]["median_ms"] / tracker["median_ms"],
        "pandas_pyarrow_ms": pyarrow_ms,
        "ratio_pyarrow": pyarrow_ms / tracker["median_ms"],
    }


def peak_memory_mib(size: dict[str, Any]) -> tuple[str, float] | None:
    peaks: dict[str, float] = {}
    for key in ("generate", "import", "queries", "pandas"):
        value = get(size, key, "peak_rss_mib")
        if value is not None:
            peaks[key] = value
    for script, page in (size.get("pages") or {}).items():
        if "peak_rss_mib" in page:
            peaks[f"page {script}"] = page["peak_rss_mib"]
    if get(size, "browser", "server_peak_rss_mib"):
        peaks["server (browser run)"] = size["browser"]["server_peak_rss_mib"]
    if not peaks:
        return None
    step = max(peaks, key=lambda k: peaks[k])
    return step, peaks[step]


def metrics(size: dict[str, Any]) -> dict[str, float]:
    """The measured times of one size, by step name (seconds or ms as named)."""
    out: dict[str, float] = {}
    if get(size, "generate", "seconds"):
        out["generate CSV (s)"] = size["generate"]["seconds"]
    if get(size, "import", "seconds"):
        out["import (s)"] = size["import"]["seconds"]
    prefix = "query" if item_kind(size) == "page query" else "page data"
    for label, item in (get(size, "queries", "items") or {}).items():
        out[f"{prefix} {label}, uncached (ms)"] = item["uncached"]["median_ms"]
        out[f"{prefix} {label}, cached (ms)"] = item["cached"]["median_ms"]
    for script, page in (size.get("pages") or {}).items():
        if "error" not in page:
            out[f"page {script} first run (ms)"] = page["first_run_ms"]
            out[f"page {script} rerun after change (ms)"] = page["rerun"]["median_ms"]
    if get(size, "browser", "cold_median_s"):
        out["server start → overview charts (s)"] = size["browser"]["cold_median_s"]
    if get(size, "pandas", "total"):
        out["pandas read_csv + aggregate (ms)"] = size["pandas"]["total"]["median_ms"]
    return out


def scaling(sizes: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    """Per measured step: the factor by which its time grows per 10× rows, between sizes."""
    rows = []
    for low, high in itertools.pairwise(sorted(sizes)):
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
    """Each target from the issue with the measured number and met/missed.

    The query targets are judged on what a page waits for: each page's data function in every
    view timed (several queries plus the statistics on them), not on single queries.
    """
    out: list[dict[str, str]] = []

    def add(target: str, measured: str, met: bool | None) -> None:
        verdict = "not measured" if met is None else ("met" if met else "missed")
        out.append({"target": target, "measured": measured, "verdict": verdict})

    big = sizes.get(TARGET_SIZE) or {}
    need = f"not measured (run with --sizes {TARGET_SIZE})"
    what = "every page query" if item_kind(big) == "page query" else "each page's data load"
    uncached, cached = worst_query(big, "uncached"), worst_query(big, "cached")
    if uncached and cached:
        add(
            f"10^6 rows: {what} median ≤ {QUERY_UNCACHED_MS:.0f} ms uncached",
            f"slowest: {uncached[0]} {fmt_ms(uncached[1])} ms" + worst_p95(big, "uncached"),
            uncached[1] <= QUERY_UNCACHED_MS,
        )
        add(
            f"10^6 rows: {what} median ≤ {QUERY_CACHED_MS:.0f} ms cached",
            f"slowest: {cached[0]} {fmt_ms(cached[1])} ms" + worst_p95(big, "cached"),
            cached[1] <= QUERY_CACHED_MS,
        )
    else:
        add(
            f"10^6 rows: {what} ≤ {QUERY_UNCACHED_MS:.0f} / {QUERY_CACHED_MS:.0f} ms",
            need,
            None,
        )
    pages = {k: v for k, v in (big.get("pages") or {}).items() if "error" not in v}
    if pages:
        warm = max(pages, key=lambda s: pages[s]["rerun"]["median_ms"])
        cold = max(pages, key=lambda s: pages[s]["first_change_ms"])
        warm_v, cold_v = pages[warm]["rerun"]["median_ms"], pages[cold]["first_change_ms"]
        failed = len(big.get("pages") or {}) - len(pages)
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
    speed = get(big, "import", "rows_per_s")
    add(
        f"import ≥ {fmt_int(IMPORT_ROWS_PER_S)} rows/s from CSV (10^6 rows)",
        f"{fmt_int(speed)} rows/s ({speed / IMPORT_ROWS_PER_S:.2f}× the target)" if speed else need,
        None if speed is None else speed >= IMPORT_ROWS_PER_S,
    )
    ratio = county_ratio(big)
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
    large_targets(sizes.get(LARGE_SIZE), add)
    browser = get(sizes.get(SMALL_SIZE) or {}, "browser")
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


def large_targets(large: dict[str, Any] | None, add: Any) -> None:
    """The 10^7-row targets: memory, and page data (or queries) in under half a second."""
    what = "page queries" if large and item_kind(large) == "page query" else "page data loads"
    if large and large.get("queries") and "error" not in large["queries"]:
        step, peak = peak_memory_mib(large) or ("?", 0.0)
        steps = ("generate", "import", "queries", "pandas")
        errors = [k for k in steps if "error" in (large.get(k) or {})]
        errors += [s for s, v in (large.get("pages") or {}).items() if "error" in v]
        add(
            f"10^7 rows: everything completes within {MEMORY_GIB:.0f} GiB",
            f"peak {peak / 1024:.1f} GiB ({step})"
            + (f"; failed: {', '.join(errors)}" if errors else ""),
            peak / 1024 <= MEMORY_GIB and not errors,
        )
        label, value = worst_query(large, "uncached") or ("?", math.inf)
        add(
            f"10^7 rows: {what} < {LARGE_QUERY_MS:.0f} ms",
            f"slowest uncached median: {label} {fmt_ms(value)} ms" + worst_p95(large, "uncached"),
            value < LARGE_QUERY_MS,
        )
        return
    note = f"not measured (run with --sizes {LARGE_SIZE})"
    if large:
        note = "failed: " + "; ".join(
            str(large[k]["error"]).splitlines()[0]
            for k in ("generate", "import", "queries")
            if k in large and "error" in large[k]
        )
    add(
        f"10^7 rows: within {MEMORY_GIB:.0f} GiB, {what} < {LARGE_QUERY_MS:.0f} ms",
        note,
        False if large else None,
    )
