"""dbt models as assets: groups `staging`, `intermediate`, `marts` (and `seeds`) by folder.

The default translator already maps the dbt sources `raw.*` / `extract.*` onto the Python
assets' keys and models onto `[<schema>, <model>]`, e.g. `["marts", "fct_incidents"]`; only the
group names are customised. dbt tests become asset checks (error-severity ones are blocking).
"""

import json
from collections.abc import Iterator, Mapping
from typing import Any

from dagster import AssetExecutionContext, AssetKey
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from orchestration.assets.publish import PUBLISHED_WAREHOUSE
from orchestration.dbt_manifest import DBT_PROJECT, ensure_manifest
from orchestration.resources import SitrepSettings
from orchestration.runs import POOL, run_key

ensure_manifest()

# the dbt var profiles.yml reads the build file's path from
BUILD_DB_VAR = "sitrep_build_db"


class SitrepDbtTranslator(DagsterDbtTranslator):
    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn") or []
        if dbt_resource_props.get("resource_type") == "seed":
            return "seeds"
        # fqn = [project, folder, ..., model]
        return fqn[1] if len(fqn) > 2 else "marts"


TRANSLATOR = SitrepDbtTranslator()


@dbt_assets(
    manifest=DBT_PROJECT.manifest_path, project=DBT_PROJECT, dagster_dbt_translator=TRANSLATOR, pool=POOL
)
def dbt_models(context: AssetExecutionContext, dbt: DbtCliResource, sitrep: SitrepSettings) -> Iterator[Any]:
    warehouse = sitrep.warehouse_files()
    warehouse.begin(run_key(context))
    if _publishes(context):
        warehouse.catch_up_spare()  # beside dbt, which leaves a core mostly idle
    # dbt's artifacts and logs live with the build file, not in the repo; keeping one target
    # dir per warehouse also lets dbt's partial parsing work from run to run. Its file log at
    # info level, not debug: the debug lines (every SQL statement, ~5,000 lines a build) cost
    # ~0.4 s a run; the compiled SQL stays in dbt_target/run.
    # the build file is an argument of this command (profiles.yml reads the var), not state of the
    # process: runs of other warehouses in the same process each name their own
    # No JSON artifacts (manifest.json, semantic_manifest.json, run_results.json): nothing reads
    # them (Dagster gets each node's result from dbt's event stream, and dbt.log has them too), and
    # writing them cost ~0.3 s of a run that adds 1 % to a million articles. Partial parsing's own
    # file is still written.
    yield from dbt.cli(
        [
            "build",
            "--no-write-json",
            "--log-level-file",
            "info",
            "--vars",
            json.dumps({BUILD_DB_VAR: str(warehouse.build)}),
        ],
        context=context,
        target_path=warehouse.build_dir / "dbt_target",
    ).stream()
    # The build file is final now: stage its publication while the checks read it (a spare's
    # sync or a copy, which the publish step otherwise starts only after the last check).
    if _publishes(context):
        warehouse.stage_early()


def _publishes(context: AssetExecutionContext) -> bool:
    """Whether this run also materializes the published warehouse (a run of the whole job has no
    asset selection of its own: the job's assets are its selection)."""
    selection = context.run.asset_selection or context.job_def.asset_layer.selected_asset_keys
    return PUBLISHED_WAREHOUSE in selection


def mart_keys() -> list[AssetKey]:
    """Asset keys of the marts (the models of dbt's `marts` folder)."""
    return sorted(
        (key for key in dbt_models.keys if key.path[0] == "marts"),
        key=lambda k: k.to_user_string(),
    )
