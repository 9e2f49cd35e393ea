"""The dbt project and the one way its manifest.json gets made.

Dagster needs `dbt_project/target/manifest.json` to build the dbt assets when the definitions
load. Under `dagster dev` dagster-dbt re-parses on every load (`prepare_if_dev`); everywhere else
(CLI, tests, CI) `ensure_manifest()` parses when the manifest is missing or older than any file of
the dbt project. `python -m orchestration.dbt_manifest` parses unconditionally (used by make).
"""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import sys
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

from dagster_dbt import DagsterDbtProjectPreparer, DbtCliResource, DbtProject
from dagster_shared import record
from packaging import version

from orchestration.paths import DBT_PROJECT_DIR

# dagster-dbt runs `dbt` from PATH; make it the one installed next to this interpreter, so
# `.venv/bin/sitrep` and `.venv/bin/dagster` work without an activated venv.
_BIN_DIR = str(Path(sys.executable).parent)
if _BIN_DIR not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = os.pathsep.join([_BIN_DIR, os.environ.get("PATH", "")])


class DbtCli(DbtCliResource):
    """dagster-dbt's dbt CLI without what it does in this process before each command.

    It would set up a dbt adapter handle here (dbt-core imported and configured, ~2-4 s), which
    only serves `fetch_column_metadata` / `fetch_row_counts`: Sitrep uses neither, and keeps
    dbt-core out of its processes (`orchestration/__init__.py`). dbt runs in its own process.
    """

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> Any:
        return None

    @cached_property
    def _cli_version(self) -> version.Version:
        """The dbt version, from dbt-core's package metadata when `dbt` is this environment's.

        dagster-dbt otherwise runs `dbt --version` before every command: 2.7 s a run here (dbt
        imports its adapters), and it asks PyPI for the latest release over the network.
        """
        found = shutil.which(self.dbt_executable)
        if found is not None and Path(found).parent == Path(sys.executable).parent:
            return version.parse(importlib.metadata.version("dbt-core"))
        return super()._cli_version


class _Preparer(DagsterDbtProjectPreparer):
    """dagster-dbt's preparer (its locking and partial-parse handling), running dbt by `DbtCli`."""

    def _prepare_packages(self, project: DbtProject) -> None:
        DbtCli(project_dir=project).cli(["deps", "--quiet"], target_path=project.target_path).wait()

    def _prepare_manifest(self, project: DbtProject) -> None:
        DbtCli(project_dir=project).cli(
            self._prepare_project_cli_args, target_path=project.target_path
        ).wait()
        self._invalidate_seeds_in_partial_parse(project)


# DbtProject builds its own preparer; the record's `replace` swaps in ours
DBT_PROJECT = record.replace(DbtProject(project_dir=DBT_PROJECT_DIR), preparer=_Preparer())

# Files whose change makes the manifest stale.
_SOURCE_GLOBS = ("models/**/*", "macros/**/*", "seeds/**/*", "tests/**/*", "snapshots/**/*", "analyses/**/*")
_SOURCE_FILES = ("dbt_project.yml", "profiles.yml", "packages.yml", "dependencies.yml")


def _newest_source_mtime(project_dir: Path) -> float:
    paths = [project_dir / name for name in _SOURCE_FILES]
    for pattern in _SOURCE_GLOBS:
        paths.extend(project_dir.glob(pattern))
    return max((p.stat().st_mtime for p in paths if p.is_file()), default=0.0)


def manifest_is_fresh() -> bool:
    manifest = DBT_PROJECT.manifest_path
    return manifest.exists() and manifest.stat().st_mtime >= _newest_source_mtime(DBT_PROJECT.project_dir)


def parse() -> Path:
    """Run `dbt parse` now and return the manifest path."""
    DBT_PROJECT.preparer.prepare(DBT_PROJECT)
    return DBT_PROJECT.manifest_path


def ensure_manifest() -> Path:
    """Make sure a manifest matching the dbt project exists; return its path."""
    DBT_PROJECT.prepare_if_dev()
    if not manifest_is_fresh():
        parse()
    return DBT_PROJECT.manifest_path


def main() -> int:
    print(parse())
    return 0


if __name__ == "__main__":
    sys.exit(main())
