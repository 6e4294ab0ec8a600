"""``python -m tracker serve [streamlit options]``: start the dashboard as it is deployed.

The same as ``streamlit run dashboard.py [options]``, plus a warm-up: as soon as the server
listens, it runs the default overview once in a session of its own. Without it the first visitor
after a start waits for what only the first run does: importing pandas, DuckDB and the tracker
(about 0.8 s), opening the database, computing the overview (queries, 20 000 simulation draws),
building its figures (Plotly loads its validators lazily) and Streamlit's own one-off work. The
server is idle meanwhile (the browser is still loading Streamlit's scripts), and the visitor's
run then finds everything in the shared caches (bench/cold_start.py measures the effect). A
failing warm-up is logged and changes nothing: the page then does the work itself.

Run it from the app's folder (as deploy/ does) so that ``.streamlit/config.toml`` applies.
"""

from __future__ import annotations

import asyncio
import gc
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from streamlit.logger import get_logger

DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard.py"
_LOGGER = get_logger(__name__)


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
        _LOGGER.warning("warm-up failed; pages compute it", exc_info=True)


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
    if not _wait_for_server(wait_for_runtime_s):
        return
    from tracker.data.db import file_version
    from tracker.data.settings import load_settings

    if file_version(load_settings().db) is None:
        return  # the first visitor's run builds the demo database, with its progress shown
    started = time.monotonic()
    finished = _run_default_page(timeout_s=120.0)
    # What is loaded now (modules, the warm-up's caches) lives as long as the process: keep it
    # out of every later full collection (one over it took 120 ms). Collect first, so that no
    # garbage with reference cycles is frozen with it.
    gc.collect()
    gc.freeze()
    _LOGGER.info(
        "warm-up: default overview %s in %.1f s",
        "built" if finished else "NOT finished",
        time.monotonic() - started,
    )


class _Discard:
    """A session client that drops what the run sends and notes when the run has finished."""

    def __init__(self) -> None:
        self.finished = threading.Event()

    def write_forward_msg(self, msg: Any) -> None:
        if msg.WhichOneof("type") == "script_finished":
            self.finished.set()

    @property
    def client_context(self) -> None:
        return None


def _run_default_page(timeout_s: float) -> bool:
    """Run the default overview once in a session of our own, as a first visitor would.

    The run goes through exactly the code a browser's run does, so it fills exactly the caches
    the first visitor reads (data, figures, tables, sentences) and pays Streamlit's own one-off
    costs; nothing here repeats the page's arguments. Sessions are made on the server's event
    loop (Runtime.connect_session: "must be called on the eventloop thread").
    """
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ClientState_pb2 import ClientState
    from streamlit.runtime.runtime import Runtime

    runtime = Runtime.instance()
    loop = runtime._get_async_objs().eventloop  # the loop the server runs the runtime on
    client = _Discard()

    async def start() -> str:
        session_id = runtime.connect_session(client=client, user_info={})
        rerun = BackMsg(rerun_script=ClientState(query_string="", page_script_hash=""))
        runtime.handle_backmsg(session_id, rerun)
        return session_id

    async def close(session_id: str) -> None:
        runtime.close_session(session_id)

    session_id = asyncio.run_coroutine_threadsafe(start(), loop).result(timeout=10)
    try:
        return client.finished.wait(timeout_s)
    finally:
        asyncio.run_coroutine_threadsafe(close(session_id), loop).result(timeout=10)
