"""Shared test setup: dbt manifest, a throwaway DAGSTER_HOME, and pipeline runs shared per session."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl
import pytest

from orchestration import tables
from orchestration.dbt_manifest import ensure_manifest
from orchestration.paths import DEFAULT_SOURCE, REPO_ROOT

# ../shared beside the checkout (CI has it; a user's fresh clone may not).
SHARED = Path(__file__).resolve().parents[2] / "shared"
SEEDS = SHARED / "seeds"
FAKES_DEV = SHARED / "data" / "fakes_dev.csv"
SAMPLES = DEFAULT_SOURCE

# A DAGSTER_HOME that does not outlive the session (set before anything touches Dagster).
_DAGSTER_HOME = tempfile.mkdtemp(prefix="sitrep-test-dagster-home-")
os.environ["DAGSTER_HOME"] = _DAGSTER_HOME
ensure_manifest()


@pytest.fixture(scope="session")
def sample_documents() -> pl.DataFrame:
    """The bundled sample corpus's documents, with the columns the extractor takes."""
    from ingest import read_source

    return read_source(str(SAMPLES)).documents.select("doc_id", "title", "text", "published_date")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(_DAGSTER_HOME, ignore_errors=True)


SITREP = Path(sys.executable).parent / "sitrep"


def spawn(cmd: list[str]) -> subprocess.Popen[str]:
    """A process of the pipeline whose output can be read line by line while it runs."""
    return subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def spawn_run(source: Path, warehouse: Path) -> subprocess.Popen[str]:
    """`sitrep run` as a separate process (to be killed, frozen or raced by a test)."""
    return spawn([str(SITREP), "run", "--source", str(source), "--warehouse", str(warehouse)])


def require(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is absent (tests read ../shared beside the checkout, or samples/)")
    return path


@dataclass(frozen=True)
class CliRun:
    """The outcome of `sitrep run` executed in this process."""

    exit_code: int
    output: str
    warehouse: Path

    def query(self, sql: str, params: list[object] | None = None) -> list[tuple]:
        return query(self.warehouse, sql, params)


def run_cli(args: list[str]) -> tuple[int, str]:
    """`sitrep <args>` in this process; returns (exit code, what it printed)."""
    from orchestration.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(args)
    return code, out.getvalue()


def sitrep_run(source: Path, warehouse: Path, fmt: str = "auto") -> CliRun:
    code, output = run_cli(["run", "--source", str(source), "--warehouse", str(warehouse), "--format", fmt])
    return CliRun(code, output, warehouse)


def query(warehouse: Path, sql: str, params: list[object] | None = None) -> list[tuple]:
    """Read the published file the way a user does (read-only), closing it afterwards."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def copy_published(src: Path, dst_dir: Path) -> Path:
    """A copy of a published warehouse (without its build dir) to run against."""
    dst_dir.mkdir(parents=True, exist_ok=True)
    dst = dst_dir / src.name
    shutil.copyfile(src, dst)
    return dst


class ReadOnlySession:
    """A separate process holding one read-only session on a warehouse open, like a user would."""

    def __init__(self, path: Path) -> None:
        code = textwrap.dedent(
            f"""
            import sys, duckdb
            con = duckdb.connect({str(path)!r}, read_only=True)
            for line in sys.stdin:
                print(con.execute(line).fetchall()[0][0], flush=True)
            """
        )
        self.proc = subprocess.Popen(
            [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )

    def scalar(self, sql: str) -> str:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(sql + "\n")
        self.proc.stdin.flush()
        return self.proc.stdout.readline().strip()

    def count(self, table: str) -> int:
        return int(self.scalar(f"SELECT count(*) FROM {table}"))

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(timeout=30)


@dataclass(frozen=True)
class Rerun:
    """A second `sitrep run` on the same input, into a copy of the first run's warehouse,
    while another process holds a read-only session on that file."""

    first: CliRun
    second: CliRun
    documents_seen_before: int  # marts.documents count read by the open session before the run
    documents_seen_after: int  # ... and by the same session after it


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory warehouse with Sitrep's raw/extract schema."""
    connection = duckdb.connect()
    tables.ensure_schema(connection)
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def seeds_run(tmp_path_factory: pytest.TempPathFactory) -> CliRun:
    """`sitrep run` on ../shared/seeds into a fresh warehouse (shared by many tests: don't write to it)."""
    source = require(SEEDS)
    return sitrep_run(source, tmp_path_factory.mktemp("seeds") / "sitrep.duckdb")


@pytest.fixture(scope="session")
def samples_run(tmp_path_factory: pytest.TempPathFactory) -> CliRun:
    """`sitrep run` on samples/corpus into a fresh warehouse."""
    source = require(SAMPLES)
    return sitrep_run(source, tmp_path_factory.mktemp("samples") / "sitrep.duckdb")


@pytest.fixture(scope="session")
def seeds_rerun(seeds_run: CliRun, tmp_path_factory: pytest.TempPathFactory) -> Rerun:
    assert seeds_run.exit_code == 0, seeds_run.output
    published = copy_published(seeds_run.warehouse, tmp_path_factory.mktemp("seeds-rerun"))
    reader = ReadOnlySession(published)
    try:
        before = reader.count("marts.documents")
        second = sitrep_run(SEEDS, published)
        after = reader.count("marts.documents")
    finally:
        reader.close()
    return Rerun(seeds_run, second, before, after)


@pytest.fixture
def tmp_warehouse(tmp_path: Path) -> Path:
    """Path of a published warehouse file that does not exist yet."""
    return tmp_path / "warehouse" / "sitrep.duckdb"


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Iterator[Path]:
    """A writable copy of the seed articles (to add or change files)."""
    dst = tmp_path / "seeds"
    shutil.copytree(require(SEEDS), dst)
    yield dst


__all__ = ["FAKES_DEV", "REPO_ROOT", "SAMPLES", "SEEDS", "SHARED", "SITREP"]
