"""A dbt process started before the dbt step needs it: dbt-core's import overlaps the run's first steps.

A `dbt` process spends ~1.7 s importing dbt-core before it reads a file, most of it while the run
waits for it. So the dbt resource starts `python -m orchestration.dbt_warm FD SOCKET PARENT_PID`
when the run sets up its resources: that process imports dbt and waits on a Unix socket. dagster-dbt
runs `sitrep-dbt` (`client`) as its dbt executable; the client hands its arguments, environment,
working directory and standard streams to the waiting process, which runs dbt's command line with
them, sends back the exit code and exits. Without a waiting process (none was started, it was
used already, or it failed) the client execs `dbt` itself: the same command either way.

This module imports only the standard library at the top: the client's start-up is its cost.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
from contextlib import suppress
from pathlib import Path

SOCKET_ENV = "SITREP_DBT_SOCKET"
CLIENT = "sitrep-dbt"
_STREAMS = [0, 1, 2]
_ACCEPT_POLL_SECONDS = 1.0  # how often a waiting process checks that its run's process is alive
_LENGTH = struct.Struct("!I")


def client() -> None:
    """`sitrep-dbt ARGS`: `dbt ARGS`, run by the waiting process if there is one."""
    code = _run_in_waiting_process(sys.argv[1:])
    if code is not None:
        sys.exit(code)
    dbt = Path(sys.executable).parent / "dbt"
    os.execv(dbt, [str(dbt), *sys.argv[1:]])


def _run_in_waiting_process(args: list[str]) -> int | None:
    path = os.environ.get(SOCKET_ENV)
    if not path:
        return None
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    with conn:
        try:
            conn.connect(path)
            # it says its pid once it has dbt imported (the socket's credentials are its starter's)
            server = _read_exactly(conn, _LENGTH.size)
        except OSError:
            server = None
        if server is None:  # nothing listens, or the process ended before it took the command
            return None
        _forward_signals_to(_LENGTH.unpack(server)[0])
        request = json.dumps({"args": args, "env": dict(os.environ), "cwd": os.getcwd()}).encode()
        socket.send_fds(conn, [_LENGTH.pack(len(request)) + request], _STREAMS)
        reply = _read_exactly(conn, _LENGTH.size)
    if reply is None:
        print(f"{CLIENT}: dbt's process ended without an exit code", file=sys.stderr)
        return 2
    return int(_LENGTH.unpack(reply)[0])


def _forward_signals_to(pid: int) -> None:
    """dagster-dbt stops dbt with SIGINT (then SIGTERM/SIGKILL): dbt is the waiting process."""

    def forward(signum: int, _frame: object) -> None:
        with suppress(ProcessLookupError):
            os.kill(pid, signum)

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, forward)


def _read_exactly(conn: socket.socket, n: int) -> bytes | None:
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def start() -> tuple[subprocess.Popen[bytes], Path]:
    """Start a waiting dbt process, tied to this process's lifetime; its socket's path.

    The socket listens before this returns: a client that comes while dbt is still being imported
    waits for it instead of running dbt itself. The socket's directory is the waiting process's:
    it removes both once it stops listening, even when the run's process was killed.
    """
    path = Path(tempfile.mkdtemp(prefix="sitrep-dbt-")) / "dbt.sock"
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
            listener.bind(str(path))  # OSError when TMPDIR makes the path too long for a socket
            listener.listen(1)
            process = subprocess.Popen(
                [sys.executable, "-u", "-m", "orchestration.dbt_warm", str(listener.fileno()), str(path), str(os.getpid())],
                pass_fds=[listener.fileno()],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # a Ctrl-C meant for the run reaches dbt through the client
            )
    except BaseException:
        with suppress(OSError):
            path.unlink(missing_ok=True)
            path.parent.rmdir()
        raise
    return process, path


def serve(listening_fd: int, path: str, parent_pid: int) -> int:
    """Import dbt, wait for one client (while `parent_pid` lives), run its command, exit."""
    listener = socket.socket(fileno=listening_fd)
    try:
        # what any dbt command imports
        from orchestration import let_dbt_core_in

        let_dbt_core_in()
        import dbt.adapters.duckdb
        import dbt.task.build  # noqa: F401

        listener.settimeout(_ACCEPT_POLL_SECONDS)
        while True:
            try:
                conn, _ = listener.accept()
                break
            except TimeoutError:
                if not _alive(parent_pid):
                    return 0
    finally:
        listener.close()
        for remove, name in ((os.unlink, path), (os.rmdir, os.path.dirname(path))):
            with suppress(OSError):
                remove(name)
    with conn:
        conn.settimeout(None)
        conn.sendall(_LENGTH.pack(os.getpid()))
        conn.sendall(_LENGTH.pack(_run_dbt(conn)))
    return 0


def _run_dbt(conn: socket.socket) -> int:
    """Run the client's dbt command as the client: its streams, directory and environment."""
    from dbt.cli.main import cli

    head, fds, _, _ = socket.recv_fds(conn, _LENGTH.size, len(_STREAMS))
    (length,) = _LENGTH.unpack(head)
    request = json.loads(_read_exactly(conn, length) or b"{}")
    for fd, target in zip(fds, _STREAMS, strict=True):
        os.dup2(fd, target)
        os.close(fd)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    sys.argv = ["dbt", *request["args"]]
    try:
        cli.main(args=request["args"], prog_name="dbt")
        code = 0
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else int(exit_.code is not None)
    sys.stdout.flush()
    sys.stderr.flush()
    return code


def _alive(pid: int) -> bool:
    return os.getppid() == pid  # an orphan is adopted by another process


if __name__ == "__main__":
    # os._exit: dbt's threads and open connections would only delay an exit that has nothing left to do
    os._exit(serve(int(sys.argv[1]), sys.argv[2], int(sys.argv[3])))
