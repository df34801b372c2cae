"""The Dagster webserver starts on loopback, lists our assets over GraphQL, and stops cleanly."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _post(url: str, query: str) -> dict:
    req = urllib.request.Request(url, data=json.dumps({"query": query}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.load(r)


def test_webserver_serves_asset_graph_and_stops(tmp_path):
    if not (ROOT / "dbt" / "target" / "manifest.json").exists():
        pytest.skip("dbt manifest missing: run `make manifest` (make test does)")
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    port = _free_port()
    env = {**os.environ, "DAGSTER_HOME": str(home), "CASEMIX_WAREHOUSE": str(tmp_path / "wh.duckdb")}
    webserver = Path(sys.executable).with_name("dagster-webserver")
    proc = subprocess.Popen(
        [str(webserver), "-m", "casemix.definitions", "-h", "127.0.0.1", "-p", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(f"{base}/server_info", timeout=5) as r:
                    assert r.status == 200
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
                    pytest.fail(f"webserver did not start (exit {proc.poll()}):\n{out[-3000:]}")
                time.sleep(1)
        data = _post(f"{base}/graphql", "{ assetNodes { assetKey { path } } }")
        keys = {"/".join(n["assetKey"]["path"]) for n in data["data"]["assetNodes"]}
        assert {"front_page/discharges", "front_page/diagnoses", "front_page/procedures",
                "front_page/quarantine", "staging/stg_front_page__discharges"} <= keys
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            code = proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            pytest.fail("webserver did not stop within 60 s of SIGTERM")
    assert proc.returncode is not None
    assert code in (0, -signal.SIGTERM), f"unexpected exit code {code}"
