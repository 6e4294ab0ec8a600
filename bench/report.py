"""Writing the results: ``results.json`` (raw numbers) and ``results.md`` (tables, targets).

    python bench/run.py --render [--out bench/results]

rewrites results.md from results.json without measuring anything (after a change here).
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any

from app_steps import BREAKDOWN_ORDER, OVERVIEW_CHARTS, STAGES
from harness import ms
from targets import (
    TARGET_SIZE,
    county_ratio,
    fmt_int,
    fmt_ms,
    fmt_rows,
    get,
    item_kind,
    peak_memory_mib,
    scaling,
    targets,
    worst_query,
)


def write_results(data: dict[str, Any], out: Path) -> None:
    """Add the derived targets and scaling to ``data`` and write both files to ``out``."""
    sizes = {int(k): v for k, v in data["sizes"].items()}
    data["targets"] = targets(sizes)
    data["scaling"] = scaling(sizes)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    (out / "results.md").write_text(markdown(data), encoding="utf-8")


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


def _data_table(queries: dict[str, Any], kind: str) -> list[str]:
    """The page data (or, in older results, page query) table of one size."""
    repeat, lines = queries["repeat"], []
    if kind == "page data":
        lines.append(
            f"Page data (ms): each page's function in tracker/present/page_data.py, in its "
            f"default view and the views its widgets lead to (latest wave "
            f"{queries.get('wave', '?')}); the first call after opening the snapshot, then "
            f"median and p95 of {repeat} runs. 'of which SQL' is the median time inside the "
            "named queries, the rest is tracker's Python statistics; 'cached' goes through the "
            "app's st.cache_data query function. Rows marked 'on click' are built by a button, "
            f"not by a page run. Snapshot open {fmt_ms(queries['open_snapshot_ms'])} ms; peak "
            f"memory {queries['peak_rss_mib']:.0f} MiB:"
        )
    else:
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
        name = label + (" (on click)" if item.get("on_click") else "")
        name += "" if item.get("cache_hit", True) else " (cache missed!)"
        page = (
            [item.get("page", "?"), str(item.get("queries_n", "?"))] if kind == "page data" else []
        )
        table.append(
            [
                name,
                *page,
                fmt_ms(item["first_ms"]),
                fmt_ms(item["uncached"]["median_ms"]),
                fmt_ms(item["uncached"]["p95_ms"]),
                fmt_ms(item["sql_median_ms"]),
                fmt_ms(item["cached"]["median_ms"]),
                fmt_ms(item["cached"]["p95_ms"]),
            ]
        )
    first = ["page data call", "page", "queries"] if kind == "page data" else ["query call"]
    lines += md_table(
        [
            *first,
            "first call",
            "uncached median",
            "uncached p95",
            "of which SQL",
            "cached median",
            "cached p95",
        ],
        table,
    )
    return [*lines, ""]


def _pages_table(pages: dict[str, Any]) -> list[str]:
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
    lines = [
        "Page script runs (AppTest, ms): first run in a fresh process (cold query cache), "
        "first widget change (new view, its queries uncached), then median/p95 of further "
        "changes back and forth (cached):",
        "",
    ]
    lines += md_table(
        ["page", "widget", "first run", "first change", "rerun median", "rerun p95", "peak"],
        table,
    )
    return [*lines, ""]


def _browser_lines(browser: dict[str, Any]) -> list[str]:
    if "cold_median_s" not in browser:
        reason = browser.get("skipped") or str(browser.get("error", "")).splitlines()[0]
        return [f"Browser: {'skipped' if 'skipped' in browser else 'failed'} ({reason}).", ""]
    runs = browser["runs"]
    cold_runs = ", ".join(f"{r['charts_s']:.2f}" for r in runs)
    lines = [
        f"Headless Chromium: server start → {OVERVIEW_CHARTS} overview charts drawn: "
        f"median {browser['cold_median_s']:.2f} s over {len(runs)} cold starts "
        f"({cold_runs} s; server healthy after "
        f"{statistics.median(r['health_s'] for r in runs):.2f} s); a second page load on "
        f"the running server: {browser['warm_median_s']:.2f} s; server peak memory "
        f"{browser['server_peak_rss_mib']:.0f} MiB.",
        "",
    ]
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
    return [*lines, *md_table(["browser stage", *names], table), ""]


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
        lines += _data_table(queries, item_kind(size))
    elif "error" in queries:
        lines += ["Page data failed: " + queries["error"].splitlines()[0], ""]
    if size.get("pages"):
        lines += _pages_table(size["pages"])
    if size.get("browser"):
        lines += _browser_lines(size["browser"])
    ratio = county_ratio(size)
    if ratio:
        pandas = size["pandas"]
        lines.append(
            f"Plain pandas (read_csv + filter + join + group by county and wave, median of "
            f"{pandas['repeat']}): {fmt_ms(ratio['pandas_total_ms'])} ms "
            f"(read_csv {fmt_ms(pandas['read_csv']['median_ms'])} ms, aggregate "
            f"{fmt_ms(ratio['pandas_aggregate_ms'])} ms) vs tracker county aggregate "
            f"(kpi_table, uncached) {fmt_ms(ratio['tracker_ms'])} ms: "
            f"**{ratio['ratio_total']:.0f}×** "
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
    if not pages:
        return lines
    found = {g for v in pages.values() for g in v["breakdown_ms"]["first run"]}
    groups = [g for g in BREAKDOWN_ORDER if g in found] + sorted(found - set(BREAKDOWN_ORDER))
    for run in ("first run", "rerun (mean)"):
        totals = ["whole script run (AppTest)"]
        for page in pages.values():
            runs = page["rerun"]["runs_ms"]
            totals.append(
                fmt_ms(page["first_run_ms"] if run == "first run" else statistics.mean(runs))
            )
        table = [totals]
        for group in groups:
            table.append(
                [group] + [fmt_ms(v["breakdown_ms"][run].get(group)) for v in pages.values()]
            )
        lines += [f"Page script runs at {fmt_rows(size['rows'])} rows, {run}:", ""]
        lines += md_table(["inclusive time (ms)", *pages], table)
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


def _summary_row(rows: int, size: dict[str, Any]) -> list[str]:
    imp = size.get("import") or {}
    uncached, cached = worst_query(size, "uncached"), worst_query(size, "cached")
    pages = {k: v for k, v in (size.get("pages") or {}).items() if "rerun" in v}
    rerun = max((p["rerun"]["median_ms"] for p in pages.values()), default=None)
    first = max((p["first_run_ms"] for p in pages.values()), default=None)
    ratio, peak = county_ratio(size), peak_memory_mib(size)
    browser = get(size, "browser", "cold_median_s")
    old = "*" if item_kind(size) == "page query" else ""  # marks results of the old item kind
    return [
        fmt_rows(rows),
        f"{imp['seconds']:.2f} s" if "seconds" in imp else "failed",
        fmt_int(imp["rows_per_s"]) if "rows_per_s" in imp else "–",
        f"{imp['db_bytes'] / 1e6:.1f} MB" if "db_bytes" in imp else "–",
        fmt_ms(uncached[1]) + old if uncached else "–",
        fmt_ms(cached[1]) + old if cached else "–",
        fmt_ms(first),
        fmt_ms(rerun),
        f"{browser:.2f} s" if browser else "–",
        f"{ratio['ratio_total']:.0f}×" if ratio else "–",
        f"{peak[1] / 1024:.2f} GiB" if peak else "–",
    ]


def _scaling_lines(scale: list[dict[str, Any]]) -> list[str]:
    pairs = sorted({(r["from"], r["to"]) for r in scale})
    steps = list(dict.fromkeys(r["step"] for r in scale))
    by = {(r["step"], r["from"], r["to"]): r["per_10x"] for r in scale}
    lines = [
        "## Scaling",
        "",
        "Factor by which each step's time grows per 10× rows, from consecutive sizes "
        "((t_large / t_small)^(1 / decades); 10 = linear, 1 = constant).",
        "",
    ]
    lines += md_table(
        ["step", *(f"{fmt_rows(a)} → {fmt_rows(b)}" for a, b in pairs)],
        [
            [step, *(f"{by[(step, a, b)]:.2f}" if (step, a, b) in by else "–" for a, b in pairs)]
            for step in steps
            if not step.endswith(", cached (ms)")
        ],
    )
    lines.append("")
    cached = [r["per_10x"] for r in scale if r["step"].endswith(", cached (ms)")]
    if cached:
        lines += [
            f"Cached calls (not listed): factors {min(cached):.2f}–{max(cached):.2f}, "
            "i.e. independent of the number of rows.",
            "",
        ]
    return lines


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
    lines += md_table(
        [
            "rows",
            "import",
            "rows/s",
            "DB file",
            "slowest page data, uncached (ms)",
            "slowest page data, cached (ms)",
            "slowest page first run (ms)",
            "slowest page rerun (ms)",
            "server start → charts",
            "vs pandas",
            "peak memory",
        ],
        [_summary_row(rows, size) for rows, size in sorted(sizes.items())],
    )
    if any(item_kind(s) == "page query" for s in sizes.values()):
        lines += ["", "\\* measured per query call (older results), not per page data function."]
    lines += ["", "## Details per size", ""]
    for _, size in sorted(sizes.items()):
        lines += size_tables(size)
    if data["scaling"]:
        lines += _scaling_lines(data["scaling"])
    # The size the targets are judged at, and the largest size measured.
    measured = [rows for rows, s in sizes.items() if "breakdown_ms" in (s.get("import") or {})]
    shown = sorted(
        {r for r in measured if r == TARGET_SIZE} | ({max(measured)} if measured else set())
    )
    if shown:
        lines += ["## Where time goes", ""]
        lines += [
            "Inclusive times: a row includes the rows indented under it; page rows may overlap "
            "(page data includes its KPI tables, which include their queries). What is not "
            "listed in a page run is Streamlit itself (widgets, messages) and AppTest's reading "
            "of the result.",
            "",
        ]
        for rows in shown:
            lines += where_time_goes(sizes[rows])
    return "\n".join(lines).rstrip() + "\n"


def console_table(size: dict[str, Any]) -> str:
    """The per-size Markdown tables, readable as plain text too."""
    return "\n".join(size_tables(size))
