"""The Dagster definitions: assets, lineage, groups, checks, pools, schedule and sensor."""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from dagster import AssetKey, RunRequest, SkipReason, build_sensor_context

from orchestration.checks import SUITES
from orchestration.dbt_manifest import DBT_PROJECT, ensure_manifest, manifest_is_fresh
from orchestration.definitions import defs
from orchestration.jobs import SITREP_JOB_NAME
from orchestration.resources import SitrepSettings
from orchestration.runs import POOL
from orchestration.sensors import source_fingerprint, source_folder_sensor

GRAPH = defs.resolve_asset_graph()
KEYS = {key.to_user_string() for key in GRAPH.get_all_asset_keys()}


def _manifest() -> dict:
    return json.loads(DBT_PROJECT.manifest_path.read_text())


def _node(key: str):
    return GRAPH.get(AssetKey.from_user_string(key))


def test_manifest_helper_leaves_a_fresh_manifest() -> None:
    assert ensure_manifest() == DBT_PROJECT.manifest_path
    assert manifest_is_fresh()


def test_python_assets_have_the_agreed_keys_and_groups() -> None:
    expected = {
        "raw/documents": "ingest",
        "raw/quarantine": "ingest",
        "raw/duplicates": "ingest",
        "extract/events": "extract",
        "extract/casualties": "extract",
        "extract/territory": "extract",
        "extract/doc_profiles": "extract",
        "published_warehouse": "publish",
    }
    assert {key: _node(key).group_name for key in expected if key in KEYS} == expected


def test_every_dbt_model_is_an_asset_grouped_by_folder() -> None:
    models = [n for n in _manifest()["nodes"].values() if n["resource_type"] == "model"]
    assert models, "the dbt manifest has no models"
    for model in models:
        key = f"{model['config']['schema']}/{model['name']}"
        assert key in KEYS, f"dbt model {model['name']} is not an asset"
        assert _node(key).group_name == model["fqn"][1]
    groups = {_node(f"{m['config']['schema']}/{m['name']}").group_name for m in models}
    assert {"staging", "intermediate", "marts"} <= groups


def test_dbt_sources_resolve_to_the_python_assets() -> None:
    """Lineage is connected: each dbt source is exactly the Python asset that writes the table."""
    manifest = _manifest()
    sources = {s["unique_id"]: f"{s['source_name']}/{s['name']}" for s in manifest["sources"].values()}
    assert set(sources.values()) <= KEYS
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model":
            continue
        upstream_sources = {sources[d] for d in node["depends_on"]["nodes"] if d in sources}
        parents = {
            p.to_user_string() for p in _node(f"{node['config']['schema']}/{node['name']}").parent_keys
        }
        assert upstream_sources <= parents, node["name"]
    stg_documents = {p.to_user_string() for p in _node("staging/stg_documents").parent_keys}
    assert "raw/documents" in stg_documents


def test_extract_depends_on_raw_documents_and_publish_on_every_mart() -> None:
    for name in ("events", "casualties", "territory", "doc_profiles"):
        assert AssetKey(["raw", "documents"]) in _node(f"extract/{name}").parent_keys
    marts = {k for k in KEYS if k.startswith("marts/")}
    assert marts
    assert {p.to_user_string() for p in _node("published_warehouse").parent_keys} == marts


def test_every_suite_is_a_blocking_check_on_an_existing_asset() -> None:
    specs = {
        (key.asset_key.to_user_string(), key.name): GRAPH.get_check_spec(key)
        for key in GRAPH.asset_check_keys
    }
    for key, suite in SUITES.items():
        spec = specs.get((key.to_user_string(), f"gx_{suite}"))
        assert spec is not None, f"no check for suite {suite} on {key.to_user_string()}"
        assert spec.blocking
    accounting = specs[("raw/documents", "ingest_accounting")]
    assert accounting.blocking
    # dbt tests come through as checks as well
    assert any(name.startswith("unique_") for _, name in specs)


def test_every_step_that_writes_the_build_file_is_in_the_warehouse_pool() -> None:
    job = defs.resolve_job_def(SITREP_JOB_NAME)
    nodes = {node.name: node.definition for node in job.graph.node_dict.values()}
    for op_name in ("raw_tables", "extract_tables", "dbt_models", "published_warehouse"):
        assert nodes[op_name].pool == POOL, op_name


def test_job_selects_every_asset_and_runs_in_one_process() -> None:
    job = defs.resolve_job_def(SITREP_JOB_NAME)
    assert job.executor_def.name == "in_process"
    selected = {key.to_user_string() for key in job.asset_layer.selected_asset_keys}
    assert selected == KEYS


def test_daily_schedule() -> None:
    schedule = defs.resolve_schedule_def("sitrep_daily")
    assert schedule.cron_schedule == "0 6 * * *"
    assert schedule.job_name == SITREP_JOB_NAME


def test_sensor_runs_when_files_appear_or_change(tmp_path: Path) -> None:
    sensor = defs.resolve_sensor_def("source_folder_sensor")
    assert sensor.minimum_interval_seconds == 60
    source = tmp_path / "inbox"
    settings = SitrepSettings(source=str(source), warehouse=str(tmp_path / "wh" / "sitrep.duckdb"))

    def evaluate(cursor: str | None):
        context = build_sensor_context(cursor=cursor, resources={"sitrep": settings})
        return source_folder_sensor(context)

    assert isinstance(evaluate(None), SkipReason)  # no folder yet
    source.mkdir()
    (source / "a.txt").write_text("Five civilians were killed in Idlib.")
    first = evaluate(None)
    assert [type(r) for r in first.run_requests] == [RunRequest]
    cursor = first.cursor
    assert cursor == source_fingerprint(source)
    assert isinstance(evaluate(cursor), SkipReason)  # nothing changed
    (source / "b.txt").write_text("Another article.")
    appeared = evaluate(cursor)
    assert len(appeared.run_requests) == 1 and appeared.cursor != cursor
    later = time.time() + 10
    os.utime(source / "a.txt", (later, later))
    changed = evaluate(appeared.cursor)
    assert len(changed.run_requests) == 1 and changed.cursor != appeared.cursor


@pytest.mark.parametrize("var", ["SITREP_SOURCE", "SITREP_FORMAT", "SITREP_WAREHOUSE"])
def test_resources_read_the_environment(var: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from orchestration.resources import settings_from_env

    value = "csv" if var == "SITREP_FORMAT" else str(tmp_path / "x")
    monkeypatch.setenv(var, value)
    settings = settings_from_env()
    field = {"SITREP_SOURCE": "source", "SITREP_FORMAT": "format", "SITREP_WAREHOUSE": "warehouse"}[var]
    assert getattr(settings, field) == value


def test_resource_defaults_point_into_the_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    from orchestration.paths import REPO_ROOT
    from orchestration.resources import settings_from_env

    for var in ("SITREP_SOURCE", "SITREP_FORMAT", "SITREP_WAREHOUSE"):
        monkeypatch.delenv(var, raising=False)
    settings = settings_from_env()
    assert Path(settings.source) == REPO_ROOT / "samples" / "corpus"
    assert Path(settings.warehouse) == REPO_ROOT / "warehouse" / "sitrep.duckdb"
    assert settings.format == "auto"


def test_ui_instance_config_serialises_warehouse_runs(tmp_path: Path) -> None:
    """`sitrep ui` copies orchestration/dagster.yaml into its DAGSTER_HOME: one pool run at a time."""
    import shutil

    from dagster import DagsterInstance

    from orchestration.paths import DAGSTER_YAML

    shutil.copyfile(DAGSTER_YAML, tmp_path / "dagster.yaml")
    instance = DagsterInstance.from_config(str(tmp_path))
    try:
        pools = instance.get_concurrency_config().pool_config
        assert pools.default_pool_limit == 1
        assert pools.pool_granularity.value == "run"
    finally:
        instance.dispose()


def test_dbt_version_comes_from_this_environment_without_a_subprocess(monkeypatch: pytest.MonkeyPatch) -> None:
    """dagster-dbt would run `dbt --version` (2.7 s, and a PyPI lookup) before every dbt command."""
    import re

    from dagster_dbt.core import resource as dagster_dbt_resource

    from orchestration.resources import dbt_resource

    reported = subprocess.run(["dbt", "--version"], capture_output=True, text=True, check=True).stdout
    installed = re.search(r"installed:\s*(\d+\.\d+\.\d+)", reported)
    assert installed is not None, reported

    def no_subprocess(*args: object, **kwargs: object) -> bytes:
        raise AssertionError(f"ran {args}")

    monkeypatch.setattr(dagster_dbt_resource, "check_output", no_subprocess)
    assert str(dbt_resource()._cli_version) == installed.group(1)


_DUMP_DEFINITIONS = """
import json, sys
{first}
from orchestration.definitions import defs
graph = defs.resolve_asset_graph()
nodes = {{
    key.to_user_string(): [
        sorted(parent.to_user_string() for parent in graph.get(key).parent_keys),
        graph.get(key).group_name,
        sorted(str(check) for check in graph.get(key).check_keys),
    ]
    for key in graph.get_all_asset_keys()
}}
ops = sorted(defs.resolve_job_def("sitrep_job").graph.node_dict)
dbt = sorted(m for m in sys.modules if m == "dbt" or m.startswith("dbt."))
print(json.dumps({{"nodes": nodes, "ops": ops, "dbt_modules": len(dbt)}}))
"""


def _definitions_in_a_new_process(first: str) -> dict:
    code = _DUMP_DEFINITIONS.format(first=first)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_dbt_core_stays_out_of_the_process_and_the_definitions_are_the_same() -> None:
    """dagster-dbt imports dbt-core whenever it is installed: ~1.5 s of every run's start-up.
    Sitrep's processes load without it, to the same assets, checks and job as with it."""
    without = _definitions_in_a_new_process("")
    # a process that imported dbt-core first keeps it, and dagster-dbt then uses it
    with_dbt = _definitions_in_a_new_process("import dbt.version")
    assert without["dbt_modules"] == 0
    assert with_dbt["dbt_modules"] > 0
    assert without["nodes"] == with_dbt["nodes"]
    assert without["ops"] == with_dbt["ops"]
    assert "marts/fct_incidents" in without["nodes"] and len(without["nodes"]) > 20


def test_only_the_process_that_runs_dbt_lets_dbt_core_in() -> None:
    code = (
        "import orchestration\n"
        "try:\n"
        "    import dbt.version\n"
        "except ModuleNotFoundError as error:\n"
        "    print('kept out:', error)\n"
        "orchestration.let_dbt_core_in()\n"
        "import dbt.version\n"
        "print('in:', dbt.version.__version__)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "kept out: No module named 'dbt' here: Sitrep keeps dbt-core out" in out, out
    assert f"in: {importlib.metadata.version('dbt-core')}\n" in out, out
