"""Where things live by default: everything is relative to the repository root."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
DEFAULT_SOURCE = REPO_ROOT / "samples" / "corpus"
DEFAULT_WAREHOUSE = REPO_ROOT / "warehouse" / "sitrep.duckdb"
WORKSPACE_FILE = REPO_ROOT / "workspace.yaml"
DAGSTER_YAML = Path(__file__).resolve().parent / "dagster.yaml"
