"""The one Dagster `Definitions` of Sitrep (loaded by `dagster dev`, the webserver and the CLI)."""

from __future__ import annotations

import warnings

from dagster import BetaWarning, Definitions, PreviewWarning, in_process_executor

# `pool=` and blocking checks are still flagged beta/preview; the flags are noise to users.
warnings.filterwarnings("ignore", category=BetaWarning)
warnings.filterwarnings("ignore", category=PreviewWarning)

from orchestration.assets.dbt import dbt_models, mart_keys  # noqa: E402
from orchestration.assets.extract import extract_tables  # noqa: E402
from orchestration.assets.ingest import raw_tables  # noqa: E402
from orchestration.assets.publish import build_publish_asset  # noqa: E402
from orchestration.checks import all_checks  # noqa: E402
from orchestration.jobs import sitrep_job  # noqa: E402
from orchestration.resources import dbt_resource, settings_from_env  # noqa: E402
from orchestration.schedules import daily_schedule  # noqa: E402
from orchestration.sensors import source_folder_sensor  # noqa: E402

_assets = [raw_tables, extract_tables, dbt_models, build_publish_asset(mart_keys())]
_asset_keys = {key for assets_def in _assets for key in assets_def.keys}

defs = Definitions(
    assets=_assets,
    asset_checks=all_checks(_asset_keys),
    jobs=[sitrep_job],
    schedules=[daily_schedule],
    sensors=[source_folder_sensor],
    resources={"sitrep": settings_from_env(), "dbt": dbt_resource()},
    # One process per run: DuckDB allows a single writer, so steps must not run side by side.
    executor=in_process_executor,
)
