"""Sitrep's orchestration: the Dagster definitions, the warehouse files, the CLI.

dbt-core is kept out of the processes that import this package. dbt runs in a process of its own
(`orchestration.dbt_warm`, which lets it back in), and Sitrep uses nothing of dagster-dbt that
needs dbt-core in-process (no adapter handle: `dbt_manifest.DbtCli`). But dagster-dbt
imports dbt-core whenever it is installed, which cost every run, CLI call and code-server load
~1.5 s of start-up under the GIL. Without it dagster-dbt builds the same assets and checks from
the manifest (`tests/test_orchestration.py`).
"""

from __future__ import annotations

import importlib.abc
import sys
from importlib.machinery import ModuleSpec
from types import ModuleType


class _DbtCoreKeptOut(importlib.abc.MetaPathFinder):
    def find_spec(
        self, fullname: str, path: object = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname == "dbt" or fullname.startswith("dbt."):
            raise ModuleNotFoundError(
                f"No module named {fullname!r} here: Sitrep keeps dbt-core out of its pipeline "
                "processes (orchestration/__init__.py); dbt runs in orchestration.dbt_warm",
                name=fullname,
            )
        return None


def let_dbt_core_in() -> None:
    """For the process that runs dbt itself (`orchestration.dbt_warm`)."""
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _DbtCoreKeptOut)]


# A process that imported dbt-core already (someone wanted it) keeps it.
if "dbt" not in sys.modules and not any(isinstance(f, _DbtCoreKeptOut) for f in sys.meta_path):
    sys.meta_path.insert(0, _DbtCoreKeptOut())
