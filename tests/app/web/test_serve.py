"""``reunify serve``: the real gunicorn on a free port, static files collected, /healthz answering."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, dict(response.headers), response.read()


def test_serve_runs_gunicorn_collects_static_files_and_answers_healthz(
    fresh_database_url: str, tmp_path: Path
) -> None:
    port = _free_port()
    env = dict(os.environ, REUNIFY_DATABASE_URL=fresh_database_url, REUNIFY_VAR_DIR=str(tmp_path / "var"))
    env.pop("DJANGO_SETTINGS_MODULE", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "reunify.cli", "serve", "--port", str(port), "--workers", "2"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            assert server.poll() is None, server.stdout.read()
            try:
                status, _, body = _get(f"{base}/healthz")
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not answer within 3 minutes"
                time.sleep(0.5)
        assert status == 200 and b'"ok"' in body

        status, headers, page = _get(f"{base}/accounts/sign-in/")
        assert status == 200 and headers["Server"] == "gunicorn"
        assert "default-src 'self'" in headers["Content-Security-Policy"]
        html = page.decode()
        css = html.split('href="/static/uswds/css/')[1].split('"')[0]
        assert css.startswith("uswds.min.") and css != "uswds.min.css", "fingerprinted by the manifest"
        status, headers, _ = _get(f"{base}/static/uswds/css/{css}")
        assert status == 200 and "immutable" in headers["Cache-Control"]
        assert headers.get("Content-Encoding") == "gzip"
        assert (tmp_path / "var" / "static" / "staticfiles.json").exists()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        output, _ = server.communicate(timeout=60)
    assert "Booting worker" in output
