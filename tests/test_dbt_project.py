"""The dbt project builds the warehouse marts from the `raw` and `extract` source tables.

Each test builds a small fixture DuckDB (source tables with the columns of ingest/schema.py and
extract/schema.py), points SITREP_BUILD_DB at it and runs the venv's dbt in a subprocess, with
target/ and logs/ inside tmp_path so tests never collide.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl
import pytest

from expectations.suites import SUITES
from extract import schema as xs
from ingest import schema as ins
from orchestration.dbt_manifest import ensure_manifest
from orchestration.tables import FACT_TABLES

REPO = Path(__file__).resolve().parents[1]
PROJECT = REPO / "dbt_project"
_venv_dbt = Path(sys.executable).parent / "dbt"
DBT = str(_venv_dbt) if _venv_dbt.exists() else (shutil.which("dbt") or "dbt")

V = xs.EXTRACTOR_VERSION
INGESTED = dt.datetime(2024, 1, 2, 3, 4, 5)

# --------------------------------------------------------------------------- fixture data

D1 = "syria/2019-05-12-maarat.txt"
D1_TEXT = (
    "Airstrikes on Maarat al-Numan kill 87 civilians\n\n"
    "Russian airstrikes on a market in Maarat al-Numan in Idlib province killed 87 civilians, "
    "including 34 children, on Sunday, the Syrian Observatory for Human Rights said. "
    "The United Nations put the death toll at 80 civilians. "
    "More than 120 people were wounded."
)
D2 = "syria/2019-07-02-busra.txt"
D2_TEXT = (
    "Shelling kills eight in Daraa\n\n"
    "Government shelling on Busra al-Harir in Daraa killed five rebel fighters and three civilians "
    "on Tuesday, SOHR said. "
    "The war, now in its ninth year, has killed more than 370,000 people since 2011."
)
D3 = "syria/2017-09-20-deir.txt"
D3_TEXT = (
    "SDF captures 12 villages in Deir ez-Zor\n\n"
    "The Syrian Democratic Forces captured 12 villages covering 150 square kilometres from "
    "Islamic State east of the Euphrates on Wednesday, the SDF said."
)
D4 = "syria/2019-08-01-geneva.txt"
D4_TEXT = "Ceasefire talks to resume in Geneva\n\nDiplomats said talks would resume next month."

TEXTS = {D1: D1_TEXT, D2: D2_TEXT, D3: D3_TEXT, D4: D4_TEXT}


def _span(doc_id: str, sentence: str, idx: int) -> dict:
    text = TEXTS[doc_id]
    start = text.index(sentence)
    return {
        "doc_id": doc_id,
        "sentence_idx": idx,
        "char_start": start,
        "char_end": start + len(sentence),
        "evidence": sentence,
        "extractor_version": V,
    }


S1 = (
    "Russian airstrikes on a market in Maarat al-Numan in Idlib province killed 87 civilians, "
    "including 34 children, on Sunday, the Syrian Observatory for Human Rights said."
)
S1_UN = "The United Nations put the death toll at 80 civilians."
S1_INJ = "More than 120 people were wounded."
S2 = (
    "Government shelling on Busra al-Harir in Daraa killed five rebel fighters and three civilians "
    "on Tuesday, SOHR said."
)
S2_BG = "The war, now in its ninth year, has killed more than 370,000 people since 2011."
S3 = (
    "The Syrian Democratic Forces captured 12 villages covering 150 square kilometres from "
    "Islamic State east of the Euphrates on Wednesday, the SDF said."
)


def _document(doc_id: str, title: str, published: dt.date, fmt: str = "txt") -> dict:
    text = TEXTS[doc_id]
    return {
        "doc_id": doc_id,
        "source": "Example Wire",
        "url": f"https://example.org/{doc_id}",
        "title": title,
        "published_date": published,
        "text": text,
        "n_chars": len(text),
        "content_sha256": hashlib.sha256(text.encode()).hexdigest(),
        "source_ref": doc_id,
        "format": fmt,
        "ingested_at": INGESTED,
    }


def fixture_rows() -> dict[tuple[str, str], list[dict]]:
    """Rows of every source table, keyed by (schema, table)."""
    documents = [
        _document(D1, "Airstrikes on Maarat al-Numan kill 87 civilians", dt.date(2019, 5, 12)),
        _document(D2, "Shelling kills eight in Daraa", dt.date(2019, 7, 2)),
        _document(D3, "SDF captures 12 villages in Deir ez-Zor", dt.date(2017, 9, 20), "html"),
        _document(D4, "Ceasefire talks to resume in Geneva", dt.date(2019, 8, 1), "md"),
    ]
    quarantine = [
        {
            "source_ref": "broken/empty.txt",
            "reason": "empty",
            "detail": "The file is empty, so there is nothing to read.",
            "seen_at": INGESTED,
        }
    ]
    duplicates = [
        {
            "source_ref": "mirror/2019-05-12-maarat.html",
            "doc_id": "mirror/2019-05-12-maarat.html",
            "duplicate_of": D1,
            "reason": "same_content",
            "seen_at": INGESTED,
        }
    ]
    events = [
        {
            "event_id": "ev-maarat",
            **_span(D1, S1, 1),
            "claim_source": "SOHR",
            "event_date": dt.date(2019, 5, 12),
            "date_precision": "day",
            "location_name": "Maarat al-Numan",
            "admin1": "Idlib",
            "latitude": 35.6433,
            "longitude": 36.6733,
            "geo_precision": 1,
            "event_type": "Explosions/Remote violence",
            "sub_event_type": "Air/drone strike",
            "method": "airstrike",
            "actor1": "russia",
            "actor2": None,
            "is_background": False,
        },
        {
            "event_id": "ev-busra",
            **_span(D2, S2, 1),
            "claim_source": "SOHR",
            "event_date": dt.date(2019, 7, 2),
            "date_precision": "day",
            "location_name": "Busra al-Harir",
            "admin1": "Daraa",
            "latitude": 32.8436,
            "longitude": 36.3400,
            "geo_precision": 1,
            "event_type": "Explosions/Remote violence",
            "sub_event_type": "Shelling/artillery/missile attack",
            "method": "shelling",
            "actor1": "syrian_government",
            "actor2": "opposition",
            "is_background": False,
        },
        {
            "event_id": "ev-war-total",
            **_span(D2, S2_BG, 2),
            "claim_source": None,
            "event_date": dt.date(2011, 1, 1),
            "date_precision": "year",
            "location_name": None,
            "admin1": None,
            "latitude": None,
            "longitude": None,
            "geo_precision": None,
            "event_type": None,
            "sub_event_type": None,
            "method": "unknown",
            "actor1": None,
            "actor2": None,
            "is_background": True,
        },
    ]
    casualties = [
        {
            "casualty_id": "cas-maarat-civ",
            "event_id": "ev-maarat",
            **_span(D1, S1, 1),
            "claim_source": "SOHR",
            "outcome": "killed",
            "victim_group": "civilians",
            "count_low": 87,
            "count_best": 87,
            "count_high": 87,
            "quantity_text": "87",
            "is_background": False,
        },
        {
            "casualty_id": "cas-maarat-children",
            "event_id": "ev-maarat",
            **_span(D1, S1, 1),
            "claim_source": "SOHR",
            "outcome": "killed",
            "victim_group": "children",
            "count_low": 34,
            "count_best": 34,
            "count_high": 34,
            "quantity_text": "34",
            "parent_casualty_id": "cas-maarat-civ",
            "is_background": False,
        },
        {
            "casualty_id": "cas-maarat-civ-un",
            "event_id": "ev-maarat",
            **_span(D1, S1_UN, 2),
            "claim_source": "UN",
            "outcome": "killed",
            "victim_group": "civilians",
            "count_low": 80,
            "count_best": 80,
            "count_high": 80,
            "quantity_text": "80",
            "is_background": False,
        },
        {
            "casualty_id": "cas-maarat-injured",
            "event_id": "ev-maarat",
            **_span(D1, S1_INJ, 3),
            "claim_source": None,
            "outcome": "injured",
            "victim_group": "people",
            "count_low": 121,
            "count_best": 121,
            "count_high": None,
            "quantity_text": "More than 120",
            "is_background": False,
        },
        {
            "casualty_id": "cas-busra-fighters",
            "event_id": "ev-busra",
            **_span(D2, S2, 1),
            "claim_source": "SOHR",
            "outcome": "killed",
            "victim_group": "combatants",
            "victim_actor": "opposition",
            "count_low": 5,
            "count_best": 5,
            "count_high": 5,
            "quantity_text": "five",
            "is_background": False,
        },
        {
            "casualty_id": "cas-busra-civ",
            "event_id": "ev-busra",
            **_span(D2, S2, 1),
            "claim_source": "SOHR",
            "outcome": "killed",
            "victim_group": "civilians",
            "count_low": 3,
            "count_best": 3,
            "count_high": 3,
            "quantity_text": "three",
            "is_background": False,
        },
        {
            "casualty_id": "cas-war-total",
            "event_id": "ev-war-total",
            **_span(D2, S2_BG, 2),
            "claim_source": None,
            "outcome": "killed",
            "victim_group": "people",
            "count_low": 370001,
            "count_best": 370001,
            "count_high": None,
            "quantity_text": "more than 370,000",
            "is_background": True,
        },
    ]
    territory = [
        {
            "change_id": "terr-deir-villages",
            **_span(D3, S3, 1),
            "claim_source": "SDF",
            "event_date": dt.date(2017, 9, 20),
            "date_precision": "day",
            "place_name": "east of the Euphrates",
            "admin1": "Deir ez-Zor",
            "n_places": 12,
            "area_km2": 150.0,
            "gaining_actor": "sdf",
            "losing_actor": "islamic_state",
        }
    ]
    doc_profiles = [
        {
            "doc_id": D1,
            "principal_event_id": "ev-maarat",
            "primary_admin1": "Idlib",
            "primary_actor": "russia",
            "primary_method": "airstrike",
            "civilians_killed": 87,
            "children_killed": 34,
            "women_killed": 0,
            "combatants_killed": 0,
            "extractor_version": V,
        },
        {
            "doc_id": D2,
            "principal_event_id": "ev-busra",
            "primary_admin1": "Daraa",
            "primary_actor": "syrian_government",
            "primary_method": "shelling",
            "civilians_killed": 3,
            "children_killed": 0,
            "women_killed": 0,
            "combatants_killed": 5,
            "extractor_version": V,
        },
        {
            "doc_id": D3,
            "principal_event_id": None,
            "primary_admin1": "Deir ez-Zor",
            "primary_actor": "sdf",
            "primary_method": None,
            "civilians_killed": None,
            "children_killed": None,
            "women_killed": None,
            "combatants_killed": None,
            "extractor_version": V,
        },
        # D4 has no facts and no profile.
    ]
    return {
        ("raw", "documents"): documents,
        ("raw", "quarantine"): quarantine,
        ("raw", "duplicates"): duplicates,
        ("extract", "events"): events,
        ("extract", "casualties"): casualties,
        ("extract", "territory"): territory,
        ("extract", "doc_profiles"): doc_profiles,
    }


SCHEMAS: dict[tuple[str, str], dict[str, pl.DataType]] = {
    ("raw", "documents"): {**ins.DOCUMENTS, "ingested_at": pl.Datetime("us")},
    ("raw", "quarantine"): {**ins.QUARANTINE, "seen_at": pl.Datetime("us")},
    ("raw", "duplicates"): {**ins.DUPLICATES, "seen_at": pl.Datetime("us")},
    **{("extract", name): cols for name, cols in FACT_TABLES.items()},  # as the pipeline stores them
}


def write_fixture(db_path: Path, rows: dict[tuple[str, str], list[dict]]) -> None:
    con = duckdb.connect(str(db_path))
    try:
        for (schema, table), schema_cols in SCHEMAS.items():
            df = pl.DataFrame(rows[(schema, table)], schema=schema_cols)
            con.execute(f"create schema if not exists {schema}")
            con.register("fixture_df", df)
            con.execute(f"create or replace table {schema}.{table} as select * from fixture_df")
            con.unregister("fixture_df")
    finally:
        con.close()


# --------------------------------------------------------------------------- running dbt


def run_dbt(command: str, workdir: Path, db_path: Path) -> tuple[subprocess.CompletedProcess, dict | None]:
    target = workdir / "target"
    env = {
        **os.environ,
        "SITREP_BUILD_DB": str(db_path),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DO_NOT_TRACK": "1",
    }
    proc = subprocess.run(
        [
            DBT, command,
            "--project-dir", str(PROJECT),
            "--profiles-dir", str(PROJECT),
            "--target-path", str(target),
            "--log-path", str(workdir / "logs"),
            "--no-use-colors",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    results_file = target / "run_results.json"
    results = json.loads(results_file.read_text()) if results_file.exists() else None
    return proc, results


def failed_nodes(results: dict) -> set[str]:
    return {r["unique_id"] for r in results["results"] if r["status"] in ("fail", "error")}


def build(tmp: Path, rows: dict) -> tuple[Path, subprocess.CompletedProcess, dict | None]:
    tmp.mkdir(parents=True, exist_ok=True)
    db_path = tmp / "sitrep.duckdb"
    write_fixture(db_path, rows)
    proc, results = run_dbt("build", tmp, db_path)
    return db_path, proc, results


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("dbt_good")
    db_path, proc, results = build(tmp, fixture_rows())
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-3000:]
    con = duckdb.connect(str(db_path), read_only=True)
    yield con, proc, results
    con.close()


# --------------------------------------------------------------------------- expectations

CONTRACTS: dict[str, list[tuple[str, str]]] = {
    "documents": [
        ("doc_id", "VARCHAR"), ("source", "VARCHAR"), ("url", "VARCHAR"), ("title", "VARCHAR"),
        ("published_date", "DATE"), ("n_chars", "BIGINT"), ("content_sha256", "VARCHAR"),
        ("ingested_at", "TIMESTAMP"), ("format", "VARCHAR"), ("source_ref", "VARCHAR"),
    ],
    "quarantine": [
        ("source_ref", "VARCHAR"), ("reason", "VARCHAR"), ("detail", "VARCHAR"), ("seen_at", "TIMESTAMP"),
    ],
    "fct_incidents": [
        ("incident_id", "VARCHAR"), ("doc_id", "VARCHAR"), ("event_date", "DATE"),
        ("date_precision", "VARCHAR"), ("event_type", "VARCHAR"), ("sub_event_type", "VARCHAR"),
        ("method", "VARCHAR"), ("actor1", "VARCHAR"), ("actor2", "VARCHAR"),
        ("location_name", "VARCHAR"), ("admin1", "VARCHAR"), ("latitude", "DOUBLE"),
        ("longitude", "DOUBLE"), ("geo_precision", "BIGINT"), ("claim_source", "VARCHAR"),
        ("is_background", "BOOLEAN"), ("evidence", "VARCHAR"), ("char_start", "BIGINT"),
        ("char_end", "BIGINT"), ("sentence_idx", "BIGINT"), ("extractor_version", "VARCHAR"),
        ("processed_at", "TIMESTAMP"), ("killed_total", "BIGINT"),
    ],
    "fct_casualties": [
        ("casualty_id", "VARCHAR"), ("incident_id", "VARCHAR"), ("doc_id", "VARCHAR"),
        ("outcome", "VARCHAR"), ("victim_group", "VARCHAR"), ("victim_actor", "VARCHAR"),
        ("count_low", "BIGINT"), ("count_best", "BIGINT"), ("count_high", "BIGINT"),
        ("quantity_text", "VARCHAR"), ("parent_casualty_id", "VARCHAR"), ("claim_source", "VARCHAR"),
        ("is_background", "BOOLEAN"), ("evidence", "VARCHAR"), ("char_start", "BIGINT"),
        ("char_end", "BIGINT"), ("sentence_idx", "BIGINT"), ("extractor_version", "VARCHAR"),
        ("processed_at", "TIMESTAMP"),
    ],
    "fct_territory_changes": [
        ("change_id", "VARCHAR"), ("doc_id", "VARCHAR"), ("event_date", "DATE"),
        ("date_precision", "VARCHAR"), ("place_name", "VARCHAR"), ("admin1", "VARCHAR"),
        ("n_places", "BIGINT"), ("area_km2", "DOUBLE"), ("gaining_actor", "VARCHAR"),
        ("losing_actor", "VARCHAR"), ("claim_source", "VARCHAR"), ("evidence", "VARCHAR"),
        ("char_start", "BIGINT"), ("char_end", "BIGINT"), ("sentence_idx", "BIGINT"),
        ("extractor_version", "VARCHAR"), ("processed_at", "TIMESTAMP"),
    ],
    "doc_summary": [
        ("doc_id", "VARCHAR"), ("primary_admin1", "VARCHAR"), ("primary_actor", "VARCHAR"),
        ("primary_method", "VARCHAR"), ("civilians_killed", "BIGINT"), ("children_killed", "BIGINT"),
        ("women_killed", "BIGINT"), ("combatants_killed", "BIGINT"),
        ("principal_incident_id", "VARCHAR"), ("processed_at", "TIMESTAMP"),
    ],
    "dim_actors": [("code", "VARCHAR"), ("label", "VARCHAR"), ("description", "VARCHAR")],
    "dim_admin1": [
        ("admin1", "VARCHAR"), ("capital", "VARCHAR"), ("latitude", "DOUBLE"), ("longitude", "DOUBLE"),
    ],
}

STAGING = [
    "stg_documents", "stg_quarantine", "stg_duplicates", "stg_events", "stg_casualties",
    "stg_territory", "stg_doc_profiles",
]


# --------------------------------------------------------------------------- tests


def test_build_succeeds_without_deprecations(built):
    _, proc, results = built
    assert results is not None
    statuses = {r["unique_id"]: r["status"] for r in results["results"]}
    assert all(s in ("success", "pass") for s in statuses.values()), {
        k: v for k, v in statuses.items() if v not in ("success", "pass")
    }
    assert any(k.startswith("test.") for k in statuses)
    assert "eprecat" not in proc.stdout, proc.stdout


def test_schemas_and_materialisations(built):
    con, _, _ = built
    rows = con.execute(
        "select table_schema, table_name, table_type from information_schema.tables"
    ).fetchall()
    kinds = {(schema, name): kind for schema, name, kind in rows}
    for name in STAGING:
        assert kinds.get(("staging", name)) == "VIEW", name
    for name in ("int_casualties_linked", "int_claims"):
        assert ("intermediate", name) in kinds, name
    for name in CONTRACTS:
        # documents is a projection of raw.documents: a view, so no run rebuilds or diffs it
        assert kinds.get(("marts", name)) == ("VIEW" if name == "documents" else "BASE TABLE"), name
    schemas = {schema for schema, _, _ in rows}
    assert schemas == {"raw", "extract", "staging", "intermediate", "marts", "seeds"}
    assert not any(schema.startswith("main_") for schema, _, _ in rows)


@pytest.mark.parametrize("table", sorted(CONTRACTS))
def test_mart_contract_columns(built, table):
    con, _, _ = built
    cols = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = 'marts' and table_name = ? order by ordinal_position",
        [table],
    ).fetchall()
    assert cols == CONTRACTS[table]


def test_doc_summary_one_row_per_document_zeros_without_facts(built):
    con, _, _ = built
    rows = con.execute(
        "select doc_id, primary_admin1, primary_actor, primary_method, civilians_killed, "
        "children_killed, women_killed, combatants_killed, principal_incident_id "
        "from marts.doc_summary order by doc_id"
    ).fetchall()
    assert [r[0] for r in rows] == sorted(TEXTS)
    by_doc = {r[0]: r[1:] for r in rows}
    assert by_doc[D4] == (None, None, None, 0, 0, 0, 0, None)  # no facts, no profile
    assert by_doc[D3] == ("Deir ez-Zor", "sdf", None, 0, 0, 0, 0, None)  # profile with null counts
    assert by_doc[D1] == ("Idlib", "russia", "airstrike", 87, 34, 0, 0, "ev-maarat")
    assert by_doc[D2] == ("Daraa", "syrian_government", "shelling", 3, 0, 0, 5, "ev-busra")


def test_children_part_points_at_civilians_total(built):
    con, _, _ = built
    row = con.execute(
        "select p.casualty_id, p.victim_group, p.count_best, c.count_best "
        "from marts.fct_casualties c join marts.fct_casualties p on p.casualty_id = c.parent_casualty_id "
        "where c.victim_group = 'children'"
    ).fetchall()
    assert row == [("cas-maarat-civ", "civilians", 87, 34)]
    n_top = con.execute(
        "select count(*) from marts.fct_casualties where parent_casualty_id is null"
    ).fetchone()[0]
    assert n_top == 6


def test_linked_figures_carry_their_parent_and_root(built):
    """int_casualties_linked: a part has its parent's outcome, group and count and the root of its
    chain; a top-level figure has no parent columns and is its own root."""
    con, _, _ = built
    rows = con.execute(
        "select casualty_id, is_part, has_parent_row, parent_outcome, parent_victim_group, "
        "parent_count_best, root_casualty_id, part_depth from intermediate.int_casualties_linked "
        "where doc_id = ? and victim_group in ('civilians', 'children') order by casualty_id",
        [D1],
    ).fetchall()
    children = [r for r in rows if r[1]]
    assert [r[1:] for r in children] == [(True, True, "killed", "civilians", 87, "cas-maarat-civ", 1)]
    top = [r for r in rows if r[0] == "cas-maarat-civ"]
    assert top == [("cas-maarat-civ", False, False, None, None, None, "cas-maarat-civ", 0)]


def test_killed_total_excludes_parts_and_does_not_add_sources(built):
    con, _, _ = built
    totals = dict(con.execute("select incident_id, killed_total from marts.fct_incidents").fetchall())
    # 87 civilians (SOHR) incl. 34 children; UN says 80: neither 121 (parts) nor 167 (sources added)
    assert totals["ev-maarat"] == 87
    assert totals["ev-busra"] == 8  # 5 fighters + 3 civilians
    assert totals["ev-war-total"] == 370001
    claims = con.execute(
        "select claim_source, killed_total, injured_total from intermediate.int_claims "
        "where incident_id = 'ev-maarat' order by claim_source nulls last"
    ).fetchall()
    assert claims == [("SOHR", 87, 0), ("UN", 80, 0), (None, 0, 121)]


def test_territory_and_background(built):
    con, _, _ = built
    terr = con.execute(
        "select change_id, doc_id, n_places, area_km2, gaining_actor, losing_actor, admin1 "
        "from marts.fct_territory_changes"
    ).fetchall()
    assert terr == [("terr-deir-villages", D3, 12, 150.0, "sdf", "islamic_state", "Deir ez-Zor")]
    bg = con.execute(
        "select incident_id from marts.fct_incidents where is_background"
    ).fetchall()
    assert bg == [("ev-war-total",)]


def test_small_marts(built):
    con, _, _ = built
    assert con.execute("select * from marts.quarantine").fetchall() == [
        ("broken/empty.txt", "empty", "The file is empty, so there is nothing to read.", INGESTED)
    ]
    assert con.execute("select count(*) from marts.documents").fetchone()[0] == 4
    assert con.execute("select count(*) from staging.stg_duplicates").fetchone()[0] == 1
    codes = {r[0] for r in con.execute("select code from marts.dim_actors").fetchall()}
    assert codes == set(xs.ACTORS)
    admin1 = {r[0] for r in con.execute("select admin1 from marts.dim_admin1").fetchall()}
    assert admin1 == set(xs.ADMIN1)


def test_a_table_no_model_builds_any_more_is_dropped(tmp_path):
    """An upgrade that removes a model leaves its table behind; the next build drops it (it has a
    fingerprint as its comment, as every table the project builds). Tables without one stay."""
    db_path, proc, _ = build(tmp_path, fixture_rows())
    assert proc.returncode == 0, proc.stdout[-4000:]
    con = duckdb.connect(str(db_path))
    con.execute("create table intermediate.int_retired as select 1 as x")
    con.execute("comment on table intermediate.int_retired is '" + "0123456789abcdef" * 2 + "'")
    con.execute("create table marts.analyst_notes as select 'keep me' as note")
    con.execute("comment on table marts.analyst_notes is 'my own table'")
    con.close()

    proc, _ = run_dbt("build", tmp_path, db_path)
    assert proc.returncode == 0, proc.stdout[-4000:]
    assert "Dropping intermediate.int_retired: no model builds it any more" in proc.stdout
    con = duckdb.connect(str(db_path), read_only=True)
    tables = {tuple(r) for r in con.execute("select schema_name, table_name from duckdb_tables()").fetchall()}
    con.close()
    assert ("intermediate", "int_retired") not in tables
    assert {("marts", "analyst_notes"), ("intermediate", "int_claims"), ("raw", "documents")} <= tables


def _copied_tables(plan: dict) -> list[str]:
    """CTEs in a DuckDB plan (EXPLAIN as JSON) that DuckDB materializes although they only read a
    table: their rows are copied (and spilled past the memory limit) to be read again."""
    copied = []
    if plan["name"] == "CTE":
        body = plan["children"][0]
        while body["name"] in ("PROJECTION", "FILTER") and len(body["children"]) == 1:
            body = body["children"][0]
        if body["name"] in ("SEQ_SCAN", "TABLE_SCAN"):
            copied.append(body["extra_info"]["Table"])
    for child in plan["children"]:
        copied.extend(_copied_tables(child))
    return copied


def test_no_model_or_test_copies_a_table_into_a_cte(built):
    """A CTE read twice is materialized by DuckDB. When it only reads a table, that copies every
    row the run has: on 2M articles it made int_casualties_linked write 11.4 GB instead of 3.8 GB
    (31.5 s instead of 20.1 s), and assert_casualty_links_within_document spill 1.9 GB. Such
    CTEs are `not materialized`: the table is scanned twice instead."""
    con, _, results = built
    explained, copies = 0, {}
    for result in results["results"]:
        code = result.get("compiled_code") or ""
        if not result["unique_id"].startswith(("model.", "test.")) or not code.strip():
            continue
        (_, plan_json), = con.execute("explain (format json) " + code).fetchall()
        copied = [t for root in json.loads(plan_json) for t in _copied_tables(root)]
        if copied:
            copies[result["unique_id"]] = copied
        explained += 1
    assert explained > 40
    assert not copies


def _set(rows: dict, table: tuple[str, str], row_id: tuple[str, str], **changes) -> dict:
    rows = copy.deepcopy(rows)
    key, value = row_id
    for r in rows[table]:
        if r[key] == value:
            r.update(changes)
    return rows


BAD_CASES = {
    "orphan_parent": (  # a parent outside the figure's document (here: nowhere) fails both
        ("extract", "casualties"), ("casualty_id", "cas-maarat-children"),
        {"parent_casualty_id": "cas-does-not-exist"},
        ("assert_casualty_links_within_document", "relationships_fct_casualties_parent_casualty_id"),
    ),
    "parent_in_another_document": (
        ("extract", "casualties"), ("casualty_id", "cas-maarat-children"),
        {"parent_casualty_id": "cas-war-total"},
        ("assert_casualty_links_within_document",),
    ),
    "part_exceeds_total": (
        ("extract", "casualties"), ("casualty_id", "cas-maarat-children"), {"count_best": 90},
        "assert_parts_not_exceed_totals",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_row_fails_the_right_test(tmp_path, case):
    table, row_id, changes, expected = BAD_CASES[case]
    expected_tests = (expected,) if isinstance(expected, str) else expected
    rows = _set(fixture_rows(), table, row_id, **changes)
    _, proc, results = build(tmp_path, rows)
    assert proc.returncode != 0
    assert results is not None, proc.stdout[-4000:]
    failed = sorted(failed_nodes(results))
    assert len(failed) == len(expected_tests), failed
    for node, test in zip(failed, sorted(expected_tests), strict=True):
        assert node.startswith(f"test.sitrep.{test}"), node
    # the models themselves were built; only the check failed
    model_status = {r["status"] for r in results["results"] if r["unique_id"].startswith("model.")}
    assert model_status == {"success"}


# Values outside a mart's contract: DuckDB refuses the rows (CHECK / NOT NULL constraints), so the
# mart is not built and nothing downstream of it runs.
CONSTRAINT_CASES = {
    "bad_outcome": (
        ("extract", "casualties"), ("casualty_id", "cas-maarat-injured"), {"outcome": "exploded"},
        "fct_casualties", "outcome",
    ),
    "bad_actor": (
        ("extract", "territory"), ("change_id", "terr-deir-villages"), {"gaining_actor": "kurds"},
        "fct_territory_changes", "gaining_actor",
    ),
    "bad_method": (
        ("extract", "events"), ("event_id", "ev-busra"), {"method": "catapult"},
        "fct_incidents", "method",
    ),
    "null_victim_group": (
        ("extract", "casualties"), ("casualty_id", "cas-maarat-injured"), {"victim_group": None},
        "fct_casualties", "victim_group",
    ),
}


@pytest.mark.parametrize("case", sorted(CONSTRAINT_CASES))
def test_row_outside_the_contract_fails_its_mart(tmp_path, case):
    table, row_id, changes, mart, column = CONSTRAINT_CASES[case]
    rows = _set(fixture_rows(), table, row_id, **changes)
    _, proc, results = build(tmp_path, rows)
    assert proc.returncode != 0
    assert results is not None, proc.stdout[-4000:]
    status = {r["unique_id"]: r for r in results["results"]}
    assert failed_nodes(results) == {f"model.sitrep.{mart}"}
    message = status[f"model.sitrep.{mart}"]["message"]
    assert "constraint" in message.lower() and column in message, message
    assert status["model.sitrep.documents"]["status"] == "success"
    # the mart's own tests never ran on a table that is not there
    assert {r["status"] for uid, r in status.items() if uid.startswith(f"test.sitrep.unique_{mart}")} == {"skipped"}


def test_contract_value_lists_are_the_gx_suites_sets():
    """Every CHECK of a mart's contract ("col in (...)") allows exactly the set that the GX suites
    (expectations/suites.py, from extract/schema.py) allow in that column."""
    manifest = json.loads(ensure_manifest().read_text())
    checked = 0
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model" or node["config"]["schema"] != "marts":
            continue
        configs = [e.configuration for e in SUITES.get(f"marts_{node['name']}", lambda: [])()]
        suite = {
            c.kwargs["column"]: set(c.kwargs["value_set"])
            for c in configs
            if c.type == "expect_column_values_to_be_in_set"
        }
        for name, column in node["columns"].items():
            for constraint in column["constraints"]:
                if constraint["type"] != "check":
                    continue
                match = re.fullmatch(rf"{name} in \((.*)\)", constraint["expression"])
                assert match, constraint["expression"]
                allowed = {v.strip().strip("'") for v in match.group(1).split(",")}
                assert allowed == {str(v) for v in suite[name]}, (node["name"], name)
                checked += 1
    assert checked >= 16


def test_parse_without_database(tmp_path):
    db_path = tmp_path / "absent" / "sitrep.duckdb"
    proc, _ = run_dbt("parse", tmp_path, db_path)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert not db_path.exists()
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text())
    assert "model.sitrep.fct_incidents" in manifest["nodes"]
    assert "eprecat" not in proc.stdout, proc.stdout
