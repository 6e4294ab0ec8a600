"""``python -m tracker serve``: Streamlit with the dashboard, and a warm-up the overview uses."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import pytest
from streamlit.runtime.runtime import Runtime
from support.cli import run_cli
from support.server import StreamlitServer
from support.ws_client import StreamlitClient

from tracker.app import serve
from tracker.stats import kpi


def count_kpi_tables(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = kpi.kpi_table

    def counted(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        calls.append(str(args[1]))
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(kpi, "kpi_table", counted)
    return calls


@pytest.mark.slow
def test_served_dashboard_warms_up_then_serves_the_overview(
    demo_db_copy: Path, tmp_path: Path
) -> None:
    log = tmp_path / "server.log"
    with StreamlitServer(demo_db_copy, log) as server:
        deadline = time.monotonic() + 90
        while "warm-up: default overview" not in server.log() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "warm-up: default overview built" in server.log(), server.log()

        async def visit() -> list[str]:
            client = StreamlitClient(server.port)
            await client.connect()
            try:
                run = await client.open("", "")
            finally:
                await client.close()
            assert run.status == "finished" and not run.of_type("exception"), run
            return [element.body for element in run.of_type("markdown")]

        texts = asyncio.run(visit())
    # The visitor's run shows the overview: its verdict sentence, from 2018 to the target.
    assert any("2018" in text and "30\u00a0%" in text for text in texts), texts
    assert "Traceback" not in log.read_text(encoding="utf-8")


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
