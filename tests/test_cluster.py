"""The deployment: nginx with sticky sessions in front of 2 Streamlit replicas (deploy/).

The cluster tests start deploy/local-cluster.sh (Debian's nginx, replicas on loopback ports; the
tested path on machines without Docker) once for the module and check, through nginx: health,
the security headers and the sticky cookie; that the overview draws its charts in Chromium with
no Content-Security-Policy errors; and, last, websocket sessions under load while a new wave is
imported and one replica is killed (sessions come back on the other, every number equals the
CLI's). The file checks (compose.yaml, the Dockerfile, shellcheck) need neither nginx nor Docker.

``cluster`` tests are slow; they are skipped with a reason when nginx is not installed.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import re
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit
import yaml
from load_check import NEW_WAVE, LoadConfig, run_load_check
from support.cluster import NGINX, LocalCluster
from support.ws_client import StreamlitClient

from tracker.data.importer import import_files
from tracker.data.settings import DEMO_DIR

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
TEMPLATE = DEPLOY / "nginx" / "tracker.conf.template"
REPORT = ROOT / "test-output" / "cluster-report.txt"
FRAME_ANCESTORS = "'self' https://www.example.org"
RELOAD_SECONDS = 2
SESSIONS = 6
LOAD_SECONDS = 30.0
KILL_AT = 0.6  # of LOAD_SECONDS; the import runs at 0.3
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

needs_nginx = pytest.mark.skipif(
    NGINX is None, reason="Debian nginx is not installed (apt-get install nginx; .ci/run does)"
)


@pytest.fixture(scope="module")
def survey_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A survey database of its own (the import test adds a wave to it)."""
    db = tmp_path_factory.mktemp("cluster-db") / "survey.duckdb"
    import_files(sorted(DEMO_DIR.glob("*.csv")), db, kind="survey")
    return db


@pytest.fixture(scope="module")
def cluster(survey_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCluster]:
    if NGINX is None:
        pytest.skip("Debian nginx is not installed")
    env = {
        "TRACKER_RELOAD_SECONDS": str(RELOAD_SECONDS),
        "TRACKER_FRAME_ANCESTORS": FRAME_ANCESTORS,
    }
    run_dir = tmp_path_factory.mktemp("cluster-run")
    with LocalCluster(2, survey_db, run_dir, env=env) as running:
        yield running


def fetch(url: str, cookie: str | None = None) -> tuple[int, dict[str, list[str]], str]:
    """(status, headers by lower-case name, body) of a GET, errors included."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, message, body = response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        status, message, body = exc.code, exc.headers, exc.read()
    headers: dict[str, list[str]] = {}
    for name, value in message.items():
        headers.setdefault(name.lower(), []).append(value)
    return status, headers, body.decode("utf-8", errors="replace")


async def open_overview(port: int, cookie: str) -> None:
    async with StreamlitClient(port, headers={"Cookie": cookie}) as client:
        run = await client.open()
        assert not run.errors, run.errors


def route_cookie(headers: dict[str, list[str]]) -> str | None:
    for value in headers.get("set-cookie", []):
        if match := re.match(r"tracker_route=([^;]+)", value):
            return match[1]
    return None


# Through nginx ---------------------------------------------------------------------------------


@pytest.mark.cluster
@pytest.mark.xdist_group("cluster")
@needs_nginx
@pytest.mark.parametrize("path", ["/_stcore/health", "/", "/no/such/_stcore/health"])
def test_security_headers_on_every_response(cluster: LocalCluster, path: str) -> None:
    status, headers, body = fetch(cluster.url(path))
    if path == "/_stcore/health":
        assert (status, body.strip()) == (200, "ok")
    csp = headers.get("content-security-policy", [""])[0]
    assert f"frame-ancestors {FRAME_ANCESTORS}" in csp, csp
    assert "script-src 'self'" in csp and "object-src 'none'" in csp, csp
    assert headers.get("x-content-type-options") == ["nosniff"], headers
    assert headers.get("referrer-policy") == ["strict-origin-when-cross-origin"], headers


@pytest.mark.cluster
@pytest.mark.xdist_group("cluster")
@needs_nginx
def test_sticky_cookie_keeps_a_browser_on_one_replica(cluster: LocalCluster) -> None:
    _, headers, _ = fetch(cluster.url("/"))
    cookie = route_cookie(headers)
    assert cookie and re.fullmatch(r"[0-9a-f]{32}", cookie), headers.get("set-cookie")
    # With the cookie, no new one is set, and every request goes to the same replica.
    for _ in range(6):
        _, again, _ = fetch(cluster.url("/_stcore/health"), f"tracker_route={cookie}")
        assert route_cookie(again) is None, again.get("set-cookie")
    # The websocket of that browser (cookies travel with the handshake) goes there too.
    asyncio.run(open_overview(cluster.port, f"tracker_route={cookie}"))
    # Other browsers (other cookies) are spread over both replicas.
    for i in range(30):
        fetch(cluster.url("/_stcore/health"), f"tracker_route=browser{i}")
    # nginx writes a request's log line after its response has gone out: wait for the last one.
    deadline = time.monotonic() + 10
    while (
        not any(
            "route=browser29 " in line or line.endswith("route=browser29")
            for line in cluster.access_log()
        )
        and time.monotonic() < deadline
    ):
        time.sleep(0.05)
    upstreams: dict[str, set[str]] = {}
    for line in cluster.access_log():
        if match := re.search(r"upstream=(\S+) route=(\S+)", line):
            upstreams.setdefault(match[2], set()).add(match[1])
    assert len(upstreams[cookie]) == 1, upstreams[cookie]
    streams = [line for line in cluster.access_log() if f"route={cookie}" in line]
    assert any("/_stcore/stream" in line and " 101 " in line for line in streams), streams
    spread = {next(iter(upstreams[f"browser{i}"])) for i in range(30)}
    assert spread == {f"127.0.0.1:{port}" for port in cluster.replica_ports}, spread


@pytest.mark.cluster
@pytest.mark.xdist_group("cluster")
@needs_nginx
@pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium is not installed")
def test_overview_draws_its_charts_under_the_csp(cluster: LocalCluster) -> None:
    from support.browser import ConsoleWatch, launch_chromium, wait_for_render

    with launch_chromium() as (_, browser):
        page = browser.new_page()
        watch = ConsoleWatch(cluster.base_url).attach(page)
        page.goto(cluster.url("/"))
        wait_for_render(page, charts=3)
        page.wait_for_timeout(500)  # a late violation report still arrives
        charts = page.locator(".js-plotly-plot .main-svg").count()
    assert charts >= 3, f"{charts} charts drawn"
    assert watch.unexpected() == [], "\n".join(watch.unexpected())


@pytest.mark.cluster
@pytest.mark.xdist_group("cluster")
@needs_nginx
def test_sessions_survive_an_import_and_a_killed_replica(
    cluster: LocalCluster, survey_db: Path, tmp_path: Path
) -> None:
    """Runs last: it kills a replica of the module's cluster."""
    killed: list[tuple[int, int]] = []  # (replica, its open connections)

    def kill_busiest() -> None:
        replica = cluster.busiest_replica()
        killed.append((replica, cluster.open_connections()[replica]))
        cluster.kill_replica(replica)

    config = LoadConfig(
        sessions=SESSIONS,
        seconds=LOAD_SECONDS,
        reload_seconds=RELOAD_SECONDS,
        import_at=0.3,
        workdir=tmp_path,
        url=cluster.base_url,
        db=survey_db,
        server_logs=tuple(cluster.replica_log(i) for i in range(cluster.replicas)),
    )
    timer = threading.Timer(LOAD_SECONDS * KILL_AT, kill_busiest)
    timer.start()
    try:
        report = run_load_check(config)
    finally:
        timer.cancel()
    summary = report.text() + f"\nkilled (replica, open connections): {killed}"
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(summary + "\n", encoding="utf-8")
    text = summary + "\n" + cluster.logs()

    assert killed and killed[0][1] > 0, text
    replica = killed[0][0]
    assert not cluster.replica_alive(replica) and cluster.replica_alive(1 - replica), text
    # The only errors are the websockets the dead replica held; every one of those users
    # came back (through nginx, on the live replica) and ran pages without errors.
    others = [e for e in report.errors if ": connection lost: " not in e]
    assert others == [], text
    assert report.connections_lost >= 1, text
    assert report.users_lost_connection <= report.users_recovered, text
    assert report.wrong_numbers == 0 and report.numbers_checked > 0, text
    # The import swapped the file once; both replicas showed the new wave.
    assert report.import_at is not None and report.users_checked_after_import, text
    assert report.users_checked_after_import <= set(report.users_saw_new_wave), text
    assert len(report.users_saw_new_wave) >= SESSIONS // 2, f"few saw {NEW_WAVE}\n{text}"
    # nginx still answers, from the live replica.
    status, _, body = fetch(cluster.url("/_stcore/health"))
    assert (status, body.strip()) == (200, "ok"), text


# The files -------------------------------------------------------------------------------------


def test_csp_allows_exactly_streamlits_inline_scripts() -> None:
    """The CSP's script hashes are those of the installed Streamlit's index.html inline scripts."""
    html = (Path(streamlit.__file__).parent / "static" / "index.html").read_text(encoding="utf-8")
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, re.S)
    wanted = {
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for body in inline
    }
    csp = re.search(r'Content-Security-Policy "([^"]+)"', TEMPLATE.read_text(encoding="utf-8"))
    assert csp, "no Content-Security-Policy in the nginx template"
    script_src = next(d for d in csp[1].split(";") if d.strip().startswith("script-src"))
    allowed = set(re.findall(r"'sha256-[^']+'", script_src))
    assert allowed == wanted, (
        f"update the script-src hashes in {TEMPLATE.relative_to(ROOT)} to {sorted(wanted)}"
    )
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src


def test_compose_file_has_replicas_behind_nginx() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert set(services) == {"dashboard", "nginx"}
    dashboard, nginx = services["dashboard"], services["nginx"]
    assert dashboard["build"]["dockerfile"] == "deploy/Dockerfile"
    assert dashboard["build"]["target"] == "mounted"
    assert dashboard["deploy"]["replicas"] == "${TRACKER_REPLICAS:-2}"
    assert "ports" not in dashboard, "only nginx is published"
    [data] = dashboard["volumes"]
    assert data["read_only"] is True and data["target"] == "/srv/tracker/data"
    assert dashboard["environment"]["TRACKER_DB"].startswith(data["target"] + "/")
    assert "/_stcore/health" in " ".join(dashboard["healthcheck"]["test"])
    assert nginx["depends_on"]["dashboard"]["condition"] == "service_healthy"
    assert "TRACKER_FRAME_ANCESTORS" in nginx["environment"]
    assert "server dashboard:8501" in nginx["environment"]["TRACKER_UPSTREAM_SERVERS"]
    [template] = nginx["volumes"]
    assert (DEPLOY / template["source"]).resolve() == TEMPLATE
    assert template["target"] == "/etc/nginx/templates/tracker.conf.template"
    assert "/_stcore/health" in " ".join(nginx["healthcheck"]["test"])
    # Every variable the template uses is given to nginx.
    used = set(re.findall(r"\$\{(TRACKER_\w+)\}", TEMPLATE.read_text(encoding="utf-8")))
    assert used <= set(nginx["environment"]), used - set(nginx["environment"])


def _docker_compose_works() -> bool:
    if shutil.which("docker") is None:
        return False
    done = subprocess.run(["docker", "compose", "version"], capture_output=True, timeout=30)
    return done.returncode == 0


@pytest.mark.skipif(not _docker_compose_works(), reason="`docker compose` is not available")
def test_docker_compose_accepts_the_file() -> None:
    done = subprocess.run(
        ["docker", "compose", "-f", str(DEPLOY / "compose.yaml"), "config", "--quiet"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


def test_dockerfile_targets_and_healthcheck() -> None:
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    stages = re.findall(r"^FROM (\S+) AS (\w+)$", text, re.M)
    assert stages == [("python:3.11-slim", "base"), ("base", "mounted"), ("base", "baked")]
    assert "chromium" in text and "ENV " in text and "TRACKER_DB=" in text
    assert "HEALTHCHECK" in text and "http://127.0.0.1:8501/_stcore/health" in text
    users = re.findall(r"^USER (\S+)$", text, re.M)
    assert users and "root" not in users and len(users) == 2, users
    command = '"--server.address", "0.0.0.0"'
    assert command in text and '"--server.headless", "true"' in text
    ignored = (DEPLOY / "Dockerfile.dockerignore").read_text(encoding="utf-8").split()
    assert {"tests", ".git", "**/__pycache__", "data/*.duckdb"} <= set(ignored)


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck is not installed")
def test_local_cluster_script_is_shellcheck_clean() -> None:
    done = subprocess.run(
        ["shellcheck", str(DEPLOY / "local-cluster.sh")], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_local_cluster_script_rejects_bad_arguments() -> None:
    started = time.monotonic()
    done = subprocess.run(
        ["bash", str(DEPLOY / "local-cluster.sh"), "two", "8080"], capture_output=True, text=True
    )
    assert done.returncode == 2 and "usage" in done.stderr, done.stderr
    assert time.monotonic() - started < 5
