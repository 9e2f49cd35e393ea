"""Resources: where the pipeline reads from and publishes to, and the dbt CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dagster import ConfigurableResource, InitResourceContext
from dagster_dbt import DbtCliInvocation, DbtCliResource
from pydantic import PrivateAttr

from orchestration import dbt_warm
from orchestration.dbt_manifest import DBT_PROJECT, DbtCli
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


class SitrepDbtCliResource(DbtCli):
    """`DbtCli` with dbt's process started when the run starts (`orchestration.dbt_warm`).

    That process starts with the run's resources and imports dbt while the first steps run; the
    dbt step's command then runs in it (`dbt_warm.client`).
    """

    _waiting: subprocess.Popen[bytes] | None = PrivateAttr(default=None)
    _socket: Path | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: InitResourceContext) -> None:
        super().setup_for_execution(context)
        if self.dbt_executable == dbt_warm.CLIENT:
            try:
                self._waiting, self._socket = dbt_warm.start()
            except OSError as error:  # a saving, not a need: the dbt step then starts dbt itself
                context.log.warning(f"dbt will start with its step: no waiting dbt process ({error})")

    def teardown_after_execution(self, context: InitResourceContext) -> None:
        if self._waiting is not None:
            if self._waiting.poll() is None:
                self._waiting.kill()
            self._waiting.wait()
        if self._socket is not None:  # what a killed waiting process could not remove
            shutil.rmtree(self._socket.parent, ignore_errors=True)
        self._waiting = self._socket = None

    def cli(self, args: Sequence[str], **kwargs: Any) -> DbtCliInvocation:
        if self._socket is None:
            return super().cli(args, **kwargs)
        # dagster-dbt starts the client with a copy of this process's environment, inside cli()
        os.environ[dbt_warm.SOCKET_ENV] = str(self._socket)
        try:
            return super().cli(args, **kwargs)
        finally:
            del os.environ[dbt_warm.SOCKET_ENV]


def dbt_resource() -> DbtCliResource:
    return SitrepDbtCliResource(project_dir=DBT_PROJECT, dbt_executable=dbt_warm.CLIENT)
