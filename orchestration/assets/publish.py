"""Group `publish`: atomically publish the build file and build the GX Data Docs beside it."""

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from dagster import AssetExecutionContext, AssetKey, AssetsDefinition, Failure, MaterializeResult, asset

import expectations
from orchestration.resources import SitrepSettings
from orchestration.runs import POOL, check_outcomes, run_key

PUBLISHED_WAREHOUSE = AssetKey("published_warehouse")


class PublishRefusedError(Failure):
    """Raised instead of publishing when a check of the run failed."""


def build_publish_asset(mart_keys: Sequence[AssetKey]) -> AssetsDefinition:
    @asset(
        name=PUBLISHED_WAREHOUSE.path[-1],
        group_name="publish",
        deps=list(mart_keys),
        pool=POOL,
        kinds={"duckdb"},
        description="The user-facing warehouse file, replaced atomically once every check passed.",
    )
    def published_warehouse(context: AssetExecutionContext, sitrep: SitrepSettings) -> MaterializeResult:
        # Belt and braces to blocking checks: never publish if any blocking check of this run failed.
        failed = [c.label for c in check_outcomes(context.instance, context.run.run_id) if c.stops_publish]
        if failed:
            raise PublishRefusedError(description=f"not publishing: checks failed: {', '.join(failed)}")
        warehouse = sitrep.warehouse_files()
        warehouse.begin(run_key(context))
        # GX renders the Data Docs (Python) while DuckDB, which releases the GIL, publishes.
        with ThreadPoolExecutor(1) as pool:
            docs_built = pool.submit(expectations.build_data_docs, warehouse.data_docs_dir)
            how = warehouse.publish()
        context.log.info(f"published {warehouse.published} from {how.method}: {how.detail}")
        docs = docs_built.result()
        return MaterializeResult(
            metadata={
                "path": str(warehouse.published),
                "bytes": warehouse.published.stat().st_size,
                "staged_from": how.method,
                "staged_detail": how.detail,
                "staged_during_checks": how.early,
                "staged_seconds": round(how.seconds, 2),
                "data_docs": str(docs),
            }
        )

    return published_warehouse
