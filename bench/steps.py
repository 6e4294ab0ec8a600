"""Benchmark steps on the data: generate, import, each page's data function, plain pandas.

Each ``step_*`` function runs in its own process (see ``bench/harness.py``) and returns a JSON-able
dict; ``bench/run.py`` decides the parameters. To run one by hand:

    python bench/run.py _step page_data '{"db": "/tmp/t.duckdb", "repeat": 5}' /tmp/out.json

The browser and AppTest steps are in ``bench/app_steps.py``.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness import BENCH, Timers, ms, quiet_streamlit, summary

#: County whose municipalities are timed on Kommuner (the page step changes it to another one).
COUNTY = "46"


def step_generate(p: dict[str, Any]) -> dict[str, Any]:
    sys.path.insert(0, str(BENCH))
    import synthetic

    return synthetic.generate(int(p["rows"]), Path(p["csv"]))


def step_import(p: dict[str, Any]) -> dict[str, Any]:
    from tracker.data import importer, reading, validation

    timers = Timers()
    # Private functions are wrapped only for the breakdown table; ones that no longer exist are
    # skipped (and not listed), and the headline time is measured around import_files alone.
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
    across = "_check_across_files"
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
            [("importer._check_across_files (ids across files)", f(across), 1)]
            if called(across)
            else []
        ),
        ("rest: concat, existing database, report", validate - f("check_file", across), 1),
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


# ----- each page's data function -------------------------------------------------------------


@dataclass(frozen=True)
class PageCall:
    label: str
    page: str  # the page script (tracker.app.contract), for the report
    call: Callable[[Callable[..., Any]], Any]  # call(query) → the page's data
    on_click: bool = False  # not part of a page run (a button builds it): no page-load target


def page_calls(settings: Any, wave: int) -> list[PageCall]:
    """The views whose data is timed: each page's default view and the views its widgets lead to.

    Only the arguments are listed here; which queries run, and what is computed from them, is
    the page's own function in tracker/present/page_data.py, so the benchmark follows the pages.
    """
    from tracker.app import contract
    from tracker.data import reference
    from tracker.data.settings import MEASURES
    from tracker.present import page_data

    calls: list[PageCall] = []
    for m in MEASURES:
        calls.append(
            PageCall(
                f"overview {m} wave {wave}",
                contract.OVERVIEW,
                lambda q, m=m: page_data.overview(q, m, settings, wave),
            )
        )
    for m in MEASURES:
        calls.append(
            PageCall(
                f"counties {m} wave {wave}",
                contract.COUNTIES,
                lambda q, m=m: page_data.counties(q, m, settings, wave),
            )
        )
    for m in MEASURES:
        calls.append(
            PageCall(
                f"municipalities {COUNTY} {m}",
                contract.MUNICIPALITIES,
                lambda q, m=m: page_data.municipalities(q, COUNTY, m),
            )
        )

    def with_peers(q: Callable[..., Any]) -> tuple[Any, Any]:
        # Kommuner with peer counties chosen loads both, one after the other.
        m = MEASURES[0]
        return page_data.municipalities(q, COUNTY, m), page_data.peers(q, m, settings)

    calls.append(
        PageCall(
            f"municipalities {COUNTY} {MEASURES[0]} + peers", contract.MUNICIPALITIES, with_peers
        )
    )
    for scope, sectors in (("all", None), ("comparable", reference.SECTORS_IN_EVERY_WAVE)):
        calls.append(
            PageCall(
                f"sectors {scope}",
                contract.SECTORS,
                lambda q, s=sectors: page_data.sectors(q, settings, s),
            )
        )
    calls.append(PageCall("method", contract.METHOD, page_data.method))

    def data_pack(q: Callable[..., Any]) -> dict[str, Any]:
        tables = page_data.data_pack_tables(q, MEASURES[0], settings, page_data.method(q))
        return {name: table() for name, table in tables.items()}

    calls.append(
        PageCall(f"method data pack {MEASURES[0]} (every table)", contract.METHOD, data_pack, True)
    )
    return calls


class RecordingSnapshot:
    """A snapshot's ``query`` that counts the named queries run and the time spent in them.

    Passed where the pages pass their query function, so nothing in the tracker is replaced:
    the time outside it is tracker's Python statistics, and a cached run that reaches it missed.
    """

    def __init__(self, snapshot: Any) -> None:
        self.snapshot = snapshot
        self.calls = 0
        self.seconds = 0.0

    def query(self, name: str, **params: Any) -> Any:
        started = time.perf_counter()
        try:
            return self.snapshot.query(name, **params)
        finally:
            self.calls += 1
            self.seconds += time.perf_counter() - started


def step_page_data(p: dict[str, Any]) -> dict[str, Any]:
    """Time each page's data function, uncached (snapshot) and through the app's query cache."""
    quiet_streamlit()
    from tracker.app import data_access
    from tracker.data.db import open_snapshot
    from tracker.data.settings import load_settings

    quiet_streamlit()
    repeat = int(p["repeat"])
    settings = load_settings()
    started = time.perf_counter()
    snap = open_snapshot(Path(p["db"]))
    open_ms = ms(time.perf_counter() - started)
    recorder = RecordingSnapshot(snap)
    # The pages' default wave is the latest one (Page.choose_wave).
    wave = int(snap.query("waves_by_year")["wave_year"].max())

    def cached(name: str, **params: Any) -> Any:
        # The app's own st.cache_data function (what Page.query calls), outside a server: it
        # keys on path, version, name and parameters, and copies the result out of the cache
        # like in the app. The recorder goes in as the snapshot (excluded from the key) so
        # that a cache miss shows up as a query run.
        return data_access.cached_query(str(snap.path), snap.version, name, params, recorder)

    items: dict[str, Any] = {}
    for spec in page_calls(settings, wave):
        started = time.perf_counter()
        spec.call(recorder.query)
        first_ms = ms(time.perf_counter() - started)
        runs, sql_runs, counts = [], [], []
        for _ in range(repeat):
            calls_before, sql_before = recorder.calls, recorder.seconds
            started = time.perf_counter()
            spec.call(recorder.query)
            runs.append(ms(time.perf_counter() - started))
            sql_runs.append(ms(recorder.seconds - sql_before))
            counts.append(recorder.calls - calls_before)
        spec.call(cached)  # fills the cache
        calls_before = recorder.calls
        cached_runs = []
        for _ in range(repeat):
            started = time.perf_counter()
            spec.call(cached)
            cached_runs.append(ms(time.perf_counter() - started))
        items[spec.label] = {
            "page": spec.page,
            "on_click": spec.on_click,
            "queries_n": max(counts),
            "first_ms": first_ms,
            "uncached": summary(runs),
            "sql_median_ms": statistics.median(sql_runs),
            "cached": summary(cached_runs),
            "cache_hit": recorder.calls == calls_before,
        }
    snap.close()
    return {"open_snapshot_ms": open_ms, "repeat": repeat, "wave": wave, "items": items}


# ----- plain pandas --------------------------------------------------------------------------


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
    # The tracker's side of the comparison is the same table (shares by county and wave, no
    # progress columns): kpi.kpi_table, uncached, timed here since no page function returns
    # exactly that table alone.
    snap = open_snapshot(Path(p["db"]))
    settings = load_settings()
    tracker_table = kpi.kpi_table(snap.query, "county", "municipalities", settings)
    tracker_runs = []
    for _ in range(int(p["tracker_repeat"])):
        started = time.perf_counter()
        kpi.kpi_table(snap.query, "county", "municipalities", settings)
        tracker_runs.append(ms(time.perf_counter() - started))
    snap.close()
    # The two must agree, or the comparison means nothing.
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
        "tracker_county_aggregate": summary(tracker_runs),
        "agrees_with_tracker": bool(agrees),
        "repeat": int(p["repeat"]),
    }
