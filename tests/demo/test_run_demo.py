"""scripts/run-demo.sh end to end: fresh SQLite, the server and worker up, a login, Ctrl-C stops both."""

# This test runs the project's own script and opens only its own loopback URLs.
# ruff: noqa: S310, S603, S607

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django_otp.oath import totp

from boligsocial.demo import data

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin" / "boligsocial"

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="the demo always runs on SQLite; the SQLite run covers it"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _processes_with(home: Path) -> list[int]:
    """Processes whose environment names this test's demo directory: the server and the worker."""
    marker = f"BOLIGSOCIAL_HOME={home}".encode()
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker in (entry / "environ").read_bytes().split(b"\0"):
                pids.append(int(entry.name))
        except OSError:
            continue
    return pids


@pytest.fixture(scope="module")
def demo_env(tmp_path_factory):
    """What `make demo` does before the script: migrate and load the demo into SQLite, in a temp dir."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["BOLIGSOCIAL_HOME"] = str(tmp_path_factory.mktemp("demo"))
    for command in (["migrate", "--noinput", "-v0"], ["load_demo"]):
        subprocess.run([BIN, *command], cwd=ROOT, env=env, check=True, capture_output=True, timeout=180)
    return env


def test_run_demo_serves_the_plans_with_a_worker_and_ctrl_c_stops_both(demo_env):
    home = Path(demo_env["BOLIGSOCIAL_HOME"])
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    script = subprocess.Popen(
        ["bash", ROOT / "scripts" / "run-demo.sh", "127.0.0.1", str(port)],
        cwd=ROOT,
        env=demo_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        # As in a terminal: SIGINT not ignored (a shell running pytest in the background would ignore it).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        banner = []
        deadline = time.monotonic() + 120
        for line in script.stdout:
            banner.append(line)
            if "Ctrl-C" in line or time.monotonic() > deadline:
                break
        banner = "".join(banner)
        assert f"boligsocial demo: {url}" in banner
        for login in data.LOGINS:
            assert re.search(rf"\s{re.escape(login.username)}\s+{data.PASSWORD}\b", banner), login.username
        assert len(_processes_with(home)) >= 2  # the web server and the worker

        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        login_page = opener.open(url + "accounts/login/").read().decode()
        assert "Log ind" in login_page

        def post(path: str, fields: dict) -> tuple[str, str]:
            token = next(c.value for c in jar if c.name == "csrftoken")
            request = urllib.request.Request(
                url.rstrip("/") + path,
                data=urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode(),
                headers={"Referer": url.rstrip("/") + path},
            )
            with opener.open(request) as response:
                return response.geturl(), response.read().decode()

        # The police login needs the second factor: the code the printed demo secret gives now.
        landed, page = post("/accounts/login/", {"username": "politi", "password": data.PASSWORD})
        assert "/accounts/two-factor/" in landed and "Totrinsbekræftelse" in page
        code = f"{totp(bytes.fromhex(data.TOTP_KEY)):06d}"
        landed, plan_list = post("/accounts/two-factor/", {"token": code, "next": "/plans/"})
        plan_path = re.search(r'href="(/plans/\d+/)">Randers 2025-2029<', plan_list).group(1)
        # The plan's confidentiality statement comes first, then the plan.
        with opener.open(url.rstrip("/") + plan_path) as response:
            pledge_path, pledge_page = urllib.parse.urlsplit(response.geturl()).path, response.read().decode()
        assert "Tavshedspligt" in pledge_page
        text_hash = re.search(r'name="text_hash" value="([0-9a-f]{64})"', pledge_page).group(1)
        _, plan_page = post(pledge_path, {"text_hash": text_hash, "accept": "on", "next": plan_path})
        assert "Ring til Østjyllands Politis vagtchef" in plan_page
        assert "inden for 3 arbejdsdage" in plan_page
        assert "Starting worker" in (home / "demo-logs" / "worker.log").read_text()

        os.killpg(script.pid, signal.SIGINT)
        rest = script.communicate(timeout=30)[0]
        assert "Stopping the demo" in rest
        assert script.returncode == 0
        for _ in range(50):
            if not _processes_with(home):
                break
            time.sleep(0.1)
        assert _processes_with(home) == []
        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.1", port)) != 0
    finally:
        if script.poll() is None:
            os.killpg(script.pid, signal.SIGKILL)
        for pid in _processes_with(home):
            os.kill(pid, signal.SIGKILL)


def test_run_demo_reports_a_port_in_use_and_leaves_nothing_running(demo_env):
    home = Path(demo_env["BOLIGSOCIAL_HOME"])
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            ["bash", ROOT / "scripts" / "run-demo.sh", "127.0.0.1", str(port)],
            cwd=ROOT,
            env=demo_env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode != 0
    assert "did not start" in result.stderr
    time.sleep(0.5)
    assert _processes_with(home) == []
