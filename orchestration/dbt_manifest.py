"""The dbt project and the one way its manifest.json gets made.

Dagster needs `dbt_project/target/manifest.json` to build the dbt assets when the definitions
load. Under `dagster dev` dagster-dbt re-parses on every load (`prepare_if_dev`); everywhere else
(CLI, tests, CI) `ensure_manifest()` parses when the manifest is missing or older than any file of
the dbt project. `python -m orchestration.dbt_manifest` parses unconditionally (used by make).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from dagster_dbt import DbtProject

from orchestration.paths import DBT_PROJECT_DIR

# dagster-dbt runs `dbt` from PATH; make it the one installed next to this interpreter, so
# `.venv/bin/sitrep` and `.venv/bin/dagster` work without an activated venv.
_BIN_DIR = str(Path(sys.executable).parent)
if _BIN_DIR not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = os.pathsep.join([_BIN_DIR, os.environ.get("PATH", "")])

DBT_PROJECT = DbtProject(project_dir=DBT_PROJECT_DIR)

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
