"""The Dagster webserver loads workspace.yaml and shows every asset and check of `defs`."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from conftest import REPO_ROOT

from orchestration.definitions import defs
from orchestration.partitions import SHARDS

WEBSERVER = Path(sys.executable).parent / "dagster-webserver"
STARTUP_TIMEOUT = 120

QUERY = """
{
  assetNodes {
    assetKey { path }
    groupName
    isPartitioned
    partitionKeys
    assetChecksOrError { ... on AssetChecks { checks { name blocking } } }
  }
  workspaceOrError {
    ... on Workspace {
      locationEntries { name locationOrLoadError { __typename ... on PythonError { message } } }
    }
  }
}
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def webserver(tmp_path_factory: pytest.TempPathFactory):
    port = _free_port()
    home = tmp_path_factory.mktemp("dagster-home")
    log = (home / "webserver.log").open("w")
    proc = subprocess.Popen(
        [str(WEBSERVER), "-h", "127.0.0.1", "-p", str(port), "-w", "workspace.yaml"],
        cwd=REPO_ROOT,
        env={**os.environ, "DAGSTER_HOME": str(home)},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its code server child goes down with the group
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            assert proc.poll() is None, (home / "webserver.log").read_text()
            try:
                if requests.get(f"{url}/server_info", timeout=5).ok:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, "webserver did not come up in time"
            time.sleep(1)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        log.close()


def test_webserver_shows_every_asset_and_check(webserver: str) -> None:
    response = requests.post(f"{webserver}/graphql", json={"query": QUERY}, timeout=120)
    response.raise_for_status()
    data = response.json()["data"]
    entries = data["workspaceOrError"]["locationEntries"]
    assert [(e["name"], e["locationOrLoadError"]["__typename"]) for e in entries] == [
        ("sitrep", "RepositoryLocation")
    ]

    graph = defs.resolve_asset_graph()
    shown_assets = {"/".join(node["assetKey"]["path"]) for node in data["assetNodes"]}
    expected_assets = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert shown_assets == expected_assets
    assert any(key.startswith("marts/") for key in shown_assets)

    shown_checks = {
        ("/".join(node["assetKey"]["path"]), check["name"], check["blocking"])
        for node in data["assetNodes"]
        for check in (node["assetChecksOrError"] or {}).get("checks", [])
    }
    expected_checks = {
        (key.asset_key.to_user_string(), key.name, graph.get_check_spec(key).blocking)
        for key in graph.asset_check_keys
    }
    assert shown_checks == expected_checks
    assert ("raw/documents", "ingest_accounting", True) in shown_checks

    # the extraction is partitioned by document shard (orchestration/partitions.py), and only it
    shards = {"/".join(n["assetKey"]["path"]): n["partitionKeys"] for n in data["assetNodes"] if n["isPartitioned"]}
    assert shards == {f"extract/{t}": SHARDS for t in ("events", "casualties", "territory", "doc_profiles")}

    groups = {"/".join(n["assetKey"]["path"]): n["groupName"] for n in data["assetNodes"]}
    assert groups["raw/documents"] == "ingest"
    assert groups["published_warehouse"] == "publish"
