"""``python -m tracker serve``: Streamlit with the dashboard, and a warm-up the overview uses."""

from __future__ import annotations

import sys
from pathlib import Path
from unittest.mock import MagicMock

import pytest
from streamlit.runtime.caching.storage.dummy_cache_storage import MemoryCacheStorageManager
from streamlit.runtime.runtime import Runtime, RuntimeState
from support.app import open_page
from support.cli import run_cli

from tracker.app import serve
from tracker.app.contract import OVERVIEW
from tracker.stats import kpi


@pytest.fixture()
def fake_runtime(monkeypatch: pytest.MonkeyPatch) -> MagicMock:
    """A started runtime, as the warm-up waits for (AppTest installs its own for each run)."""
    fake = MagicMock(spec=Runtime)
    fake.state = RuntimeState.NO_SESSIONS_CONNECTED
    fake.cache_storage_manager = MemoryCacheStorageManager()
    monkeypatch.setattr(Runtime, "_instance", fake)
    return fake


def count_kpi_tables(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = kpi.kpi_table

    def counted(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        calls.append(str(args[1]))
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(kpi, "kpi_table", counted)
    return calls


@pytest.mark.parametrize("warm", [True, False])
def test_warm_up_computes_what_the_default_overview_reads(
    demo_db_copy: Path, monkeypatch: pytest.MonkeyPatch, fake_runtime: MagicMock, warm: bool
) -> None:
    import streamlit as st

    monkeypatch.setenv("TRACKER_DB", str(demo_db_copy))
    st.cache_data.clear()
    st.cache_resource.clear()
    if warm:
        serve._warm_up(wait_for_runtime_s=1)
    calls = count_kpi_tables(monkeypatch)
    at = open_page(OVERVIEW)
    assert len(at.get("plotly_chart")) >= 3
    # Warm: the overview's data came from the warm-up (no KPI table computed by the page run);
    # cold (the control): the page computes them itself.
    assert (calls == []) is warm, calls


def test_warm_up_gives_up_quietly_without_a_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Runtime, "_instance", None)
    calls = count_kpi_tables(monkeypatch)
    serve.warm_up(wait_for_runtime_s=0.1)
    assert calls == []


def test_a_failing_warm_up_is_logged_not_raised(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(wait_for_runtime_s: float) -> None:
        raise RuntimeError("disk gone")

    monkeypatch.setattr(serve, "_warm_up", broken)
    serve.warm_up()
    assert "warm-up failed" in caplog.text and "disk gone" in caplog.text


def test_serve_hands_its_options_to_streamlit_run(monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.web import cli as streamlit_cli

    seen: list[list[str]] = []
    monkeypatch.setattr(streamlit_cli, "main", lambda: seen.append(list(sys.argv)))
    monkeypatch.setattr(serve, "warm_up", lambda: None)
    monkeypatch.setattr(sys, "argv", ["python"])
    assert serve.serve(["--server.port", "8599"]) == 0
    assert seen == [["streamlit", "run", str(serve.DASHBOARD), "--server.port", "8599"]]
    assert serve.DASHBOARD.name == "dashboard.py" and serve.DASHBOARD.exists()


def test_cli_help_lists_serve() -> None:
    done = run_cli("--help")
    assert done.returncode == 0
    assert "serve" in done.stdout and "--server.port" in done.stdout
