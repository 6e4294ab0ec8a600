"""``python -m tracker serve [streamlit options]``: start the dashboard as it is deployed.

The same as ``streamlit run dashboard.py [options]``, plus a warm-up thread started beside the
server. Without it the first visitor after a start waits for what only the first page run does:
importing pandas, DuckDB and the tracker (about 0.8 s), opening the database and computing the
overview (queries and 20 000 simulation draws), and Plotly's first figures (its validators load
lazily). The server itself is idle then (the browser is still loading Streamlit's scripts), so the
warm-up does that work meanwhile, through the same cached functions the default overview calls
(see bench/cold_start.py for the effect). A failing warm-up is logged and changes nothing: the
page then does the work itself and shows any error the usual way.
"""

from __future__ import annotations

import gc
import logging
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard.py"


def serve(options: Sequence[str]) -> int:
    """Run Streamlit's server on the dashboard with ``options`` (e.g. ``--server.port 8501``)."""
    from streamlit.web import cli as streamlit_cli

    threading.Thread(target=warm_up, name="tracker-warm-up", daemon=True).start()
    sys.argv = ["streamlit", "run", str(DASHBOARD), *options]
    return int(streamlit_cli.main() or 0)


def warm_up(wait_for_runtime_s: float = 60.0) -> None:
    """Fill the caches the default overview (``/``) reads on its first run."""
    try:
        _warm_up(wait_for_runtime_s)
    except Exception:  # a warm-up must never take the server down
        logging.getLogger(__name__).warning("warm-up failed; pages compute it", exc_info=True)


def _wait_for_server(timeout_s: float) -> bool:
    # Until the server listens, importing would compete with its start for the interpreter
    # (measured: health 1.0 s → 1.8 s); after that it mostly waits for the browser.
    from streamlit import runtime
    from streamlit.runtime.runtime import Runtime, RuntimeState

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if runtime.exists() and Runtime.instance().state != RuntimeState.INITIAL:
            return True
        time.sleep(0.02)
    return False


def _warm_up(wait_for_runtime_s: float) -> None:
    # Streamlit's caches keep their entries in the runtime's storage: it must exist first.
    if not _wait_for_server(wait_for_runtime_s):
        return
    import pandas as pd
    import plotly.graph_objects as go

    from tracker.app import data_access, view_cache
    from tracker.data.settings import MEASURES, load_settings
    from tracker.present import county_charts, page_data
    from tracker.present.charts import ChartContext, national_trend

    settings = load_settings()
    if data_access.file_version(settings.db) is None:
        return  # the first page run builds the demo database, with its progress shown
    # The arguments the overview passes by default (frame.page_setup: first measure, the
    # configured target mode, the latest wave).
    snapshot = data_access.cached_snapshot(settings.db)
    path, version = str(snapshot.path), snapshot.version

    def query(name: str, **params: object) -> pd.DataFrame:  # as Page.query, without the UI
        return data_access.cached_query(path, version, name, params, snapshot)

    query("dataset_info_by_key")
    waves = query("waves_by_year")["wave_year"]
    if waves.empty:
        return
    data = view_cache.load(
        path,
        version,
        page_data.overview,
        query,
        MEASURES[0],
        settings,
        int(waves.iloc[-1]),
    )
    # Plotly loads a validator module per property on first use; drawing the overview's kinds
    # of figures once loads them (the page's own figures differ in their texts, so are rebuilt).
    ctx = ChartContext(lang="nb", demo=True, subtitle="", source="")
    national_trend(
        data.national,
        target_share=settings.target_share,
        baseline_year=settings.baseline_year,
        target_year=settings.target_year,
        ctx=ctx,
    ).to_json()
    county_charts.county_tiles(data.county_progress, data.county_kpis, ctx=ctx).to_json()
    go.Figure(go.Scatter(x=[1], y=[1], error_x={"array": [1]})).to_json()
    # What is loaded now lives as long as the process: keep it out of every later full
    # collection (a full collection over it took 120 ms).
    gc.freeze()
