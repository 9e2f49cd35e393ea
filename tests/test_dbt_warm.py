"""dbt's process started with the run (`orchestration.dbt_warm`) runs the dbt step's command as if
the client had run dbt itself: its arguments, environment, directory, streams and exit code."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from dagster import build_init_resource_context

from orchestration import dbt_warm
from orchestration.dbt_manifest import ensure_manifest
from orchestration.resources import dbt_resource

CLIENT = str(Path(sys.executable).parent / dbt_warm.CLIENT)


def _client(args: list[str], cwd: Path, socket: Path | None, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in (dbt_warm.SOCKET_ENV, "DBT_PROFILES_DIR")} | env
    if socket is not None:
        environ[dbt_warm.SOCKET_ENV] = str(socket)
    return subprocess.run([CLIENT, *args], cwd=cwd, env=environ, capture_output=True, text=True, timeout=120)


def _gone(pid: int, seconds: float = 15.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def test_waiting_process_runs_the_clients_command_with_its_environment_and_directory(tmp_path: Path) -> None:
    waiting, socket = dbt_warm.start()
    (tmp_path / "profiles.yml").touch()  # dbt's profiles directory is then the working directory
    done = _client(["debug", "--config-dir"], tmp_path, socket, DBT_LOG_FORMAT="json")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines and all(line.startswith('{"data"') for line in lines), done.stdout  # the environment's
    assert str(tmp_path) in done.stdout  # the directory's
    # it served this client (its parent, this process, is alive) and took its socket with it
    assert waiting.wait(timeout=30) == 0
    assert not socket.parent.exists()


def test_a_failing_commands_exit_code_and_message_reach_the_client(tmp_path: Path) -> None:
    waiting, socket = dbt_warm.start()
    done = _client(["no-such-command"], tmp_path, socket)
    assert done.returncode == 2
    assert "No such command" in done.stderr
    assert waiting.wait(timeout=30) == 0


def test_stopping_the_client_stops_dbt_in_the_waiting_process(tmp_path: Path) -> None:
    """dagster-dbt stops a dbt step by signalling its process: the client passes it on."""
    project = tmp_path / "project"
    (project / "macros").mkdir(parents=True)
    (project / "dbt_project.yml").write_text('name: spin\nversion: "1.0"\nconfig-version: 2\nprofile: spin\n')
    (project / "profiles.yml").write_text(
        "spin:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ':memory:'\n"
    )
    # ~10^10 loop steps: it runs until stopped
    (project / "macros" / "spin.sql").write_text(
        "{% macro spin() %}{% for i in range(100000) %}{% for j in range(100000) %}"
        "{% set x = j %}{% endfor %}{% endfor %}{% endmacro %}"
    )
    waiting, socket = dbt_warm.start()
    environ = {k: v for k, v in os.environ.items() if k != "DBT_PROFILES_DIR"}
    client = subprocess.Popen(
        [CLIENT, "run-operation", "spin"],
        cwd=project,
        env=environ | {dbt_warm.SOCKET_ENV: str(socket)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert client.stdout is not None
        for line in client.stdout:  # dbt has found the macros: it is about to run the loop
            if "Found" in line:
                break
        time.sleep(1.0)
        client.send_signal(signal.SIGINT)
        assert waiting.wait(timeout=30) == 0
        assert client.wait(timeout=30) != 0
        assert "KeyboardInterrupt" in client.stdout.read()
    finally:
        client.kill()
        waiting.kill()


def test_without_a_waiting_process_the_client_runs_dbt_itself(tmp_path: Path) -> None:
    for socket in (None, tmp_path / "nobody-listens.sock"):
        done = _client(["no-such-command"], tmp_path, socket)
        assert done.returncode == 2
        assert "No such command" in done.stderr
        done = _client(["debug", "--config-dir"], tmp_path, socket, DBT_PROFILES_DIR=str(tmp_path))
        assert done.returncode == 0, done.stderr
        assert str(tmp_path) in done.stdout


def test_a_waiting_process_ends_with_the_process_that_started_it_and_removes_its_socket() -> None:
    """A run killed before its dbt step leaves neither a process nor a directory behind."""
    parent = subprocess.run(
        [sys.executable, "-c", "from orchestration import dbt_warm; p, s = dbt_warm.start(); print(p.pid, s)"],
        capture_output=True, text=True, check=True,
    )
    pid, socket = parent.stdout.split(maxsplit=1)
    assert _gone(int(pid))
    assert not Path(socket.strip()).parent.exists()


@pytest.fixture(scope="module")
def manifest() -> None:
    ensure_manifest()


def test_dbt_resource_runs_its_first_command_in_the_process_started_at_setup(tmp_path: Path, manifest: None) -> None:
    resource = dbt_resource()
    resource.setup_for_execution(build_init_resource_context())
    waiting, socket = resource._waiting, resource._socket
    assert waiting is not None and socket is not None
    try:
        pids = []
        for n in (1, 2):
            invocation = resource.cli(["ls", "--resource-type", "seed"], target_path=tmp_path / f"target{n}")
            events = list(invocation.stream_raw_events())
            assert events
            pids.append(({e.raw_event["info"]["pid"] for e in events}, invocation.process.pid))
        (first, first_client), (second, second_client) = pids
        # the first ran in the waiting process, the second (nothing waits any more) in its client
        assert first == {waiting.pid} and first_client != waiting.pid
        assert second == {second_client}
    finally:
        resource.teardown_after_execution(build_init_resource_context())
    assert waiting.poll() is not None
    assert not socket.parent.exists()
    assert dbt_warm.SOCKET_ENV not in os.environ


def test_a_run_without_a_dbt_step_stops_its_waiting_process_at_teardown() -> None:
    resource = dbt_resource()
    resource.setup_for_execution(build_init_resource_context())
    waiting, socket = resource._waiting, resource._socket
    assert waiting is not None and socket is not None
    resource.teardown_after_execution(build_init_resource_context())
    assert waiting.poll() is not None
    assert not socket.parent.exists()


def test_a_waiting_process_that_cannot_start_leaves_dbt_to_its_step(
    tmp_path: Path, manifest: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A temp dir too deep for a Unix socket's path: the run goes on, dbt starts with its step,
    and nothing is left in the temp dir."""
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    deep.mkdir(parents=True)
    monkeypatch.setattr(tempfile, "tempdir", str(deep))
    with pytest.raises(OSError):
        dbt_warm.start()
    assert list(deep.iterdir()) == []

    resource = dbt_resource()
    resource.setup_for_execution(build_init_resource_context())
    try:
        assert resource._waiting is None and resource._socket is None
        invocation = resource.cli(["ls", "--resource-type", "seed"], target_path=tmp_path / "target")
        events = list(invocation.stream_raw_events())
        assert events and {e.raw_event["info"]["pid"] for e in events} == {invocation.process.pid}
        assert invocation.is_successful()
    finally:
        resource.teardown_after_execution(build_init_resource_context())
    assert list(deep.iterdir()) == []
