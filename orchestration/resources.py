"""Resources: where the pipeline reads from and publishes to, and the dbt CLI."""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import sys
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

from dagster import ConfigurableResource
from dagster_dbt import DbtCliResource
from packaging import version

from orchestration.dbt_manifest import DBT_PROJECT
from orchestration.paths import DEFAULT_SOURCE, DEFAULT_WAREHOUSE
from orchestration.warehouse import Warehouse


class SitrepSettings(ConfigurableResource):
    """The input to read and the warehouse to publish (both overridable per run)."""

    source: str
    format: str = "auto"
    warehouse: str

    @property
    def source_path(self) -> Path:
        return Path(self.source).expanduser().resolve()

    def warehouse_files(self) -> Warehouse:
        return Warehouse.at(self.warehouse)


def settings_from_env() -> SitrepSettings:
    """Settings from SITREP_SOURCE, SITREP_FORMAT and SITREP_WAREHOUSE, with repo defaults."""
    return SitrepSettings(
        source=os.environ.get("SITREP_SOURCE", str(DEFAULT_SOURCE)),
        format=os.environ.get("SITREP_FORMAT", "auto"),
        warehouse=os.environ.get("SITREP_WAREHOUSE", str(DEFAULT_WAREHOUSE)),
    )


class SitrepDbtCliResource(DbtCliResource):
    """dbt CLI without the in-process dbt adapter dagster-dbt sets up before every command.

    That handle (dbt-core imported and configured in the pipeline's process, ~2-4 s a run) only
    serves `fetch_column_metadata` / `fetch_row_counts`, which Sitrep does not use; dbt itself
    runs in its subprocess as before.
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


def dbt_resource() -> DbtCliResource:
    return SitrepDbtCliResource(project_dir=DBT_PROJECT)
