"""GX suites: good frames pass, specific bad values fail with a readable message, empty passes."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pandas as pd
import polars as pl
import pytest

from expectations import SUITES, SuiteOutcome, build_data_docs, validate
from extract.schema import CASUALTIES, DOC_PROFILES, EVENTS, EXTRACTOR_VERSION, TERRITORY
from ingest.schema import DOCUMENTS, QUARANTINE


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


_TEXTS = ["Airstrikes hit Idlib.", "Shelling in Aleppo killed 12 civilians.", "SDF took Raqqa."]
_SPAN = {
    "sentence_idx": [0, 1, 0],
    "char_start": [0, 20, 0],
    "char_end": [21, 58, 15],
    "evidence": _TEXTS,
    "claim_source": ["SOHR", None, "UN"],
    "extractor_version": [EXTRACTOR_VERSION] * 3,
}
_WHERE_WHEN = {
    "event_date": [dt.date(2016, 3, 1), None, dt.date(1982, 2, 2)],
    "date_precision": ["day", "unknown", None],
    "location_name": ["Idlib", "Aleppo", None],
    "admin1": ["Idlib", "Aleppo", None],
    "latitude": [35.93, 36.2, None],
    "longitude": [36.63, 37.16, None],
    "geo_precision": [1, 2, None],
}
_EVENT = {
    **_SPAN,
    **_WHERE_WHEN,
    "event_type": ["Explosions/Remote violence", "Explosions/Remote violence", "Battles"],
    "sub_event_type": ["Air/drone strike", "Shelling/artillery/missile attack", None],
    "method": ["airstrike", "shelling", None],
    "actor1": ["russia", "syrian_government", None],
    "actor2": [None, "opposition", "unknown"],
    "is_background": [False, False, True],
}
_CASUALTY = {
    **_SPAN,
    "outcome": ["killed", "injured", "killed"],
    "victim_group": ["civilians", "children", "combatants"],
    "victim_actor": [None, None, "islamic_state"],
    "count_low": [12, None, 100],
    "count_best": [12, 30, 100],
    "count_high": [None, 30, 999],
    "quantity_text": ["at least 12", "up to 30", "hundreds"],
    "parent_casualty_id": [None, "c1", None],
    "is_background": [False, False, False],
}
_TERRITORY = {
    **_SPAN,
    "event_date": [dt.date(2017, 10, 17), None, None],
    "date_precision": ["day", None, "month"],
    "place_name": ["Raqqa", None, "Deir ez-Zor"],
    "admin1": ["Raqqa", None, "Deir ez-Zor"],
    "n_places": [1, 12, None],
    "area_km2": [None, 450.5, 0.0],
    "gaining_actor": ["sdf", "syrian_government", None],
    "losing_actor": ["islamic_state", "opposition", "unknown"],
}
_PROFILE = {
    "doc_id": ["a.txt", "b.txt", "c.txt"],
    "primary_admin1": ["Idlib", "Aleppo", None],
    "primary_actor": ["russia", None, "sdf"],
    "primary_method": ["airstrike", "shelling", None],
    "civilians_killed": [0, 12, 0],
    "children_killed": [3, 0, 0],  # child deaths without a civilian total are legal
    "women_killed": [0, 0, 0],
    "combatants_killed": [0, 0, 100],
}
_DOC = {
    "doc_id": ["a.txt", "b.txt", "feed.jsonl#record 2"],
    "source": ["Reuters", None, "AP"],
    "url": ["https://example.org/a", None, None],
    "title": ["Airstrikes", "Shelling", None],
    "published_date": [dt.date(2016, 3, 1), None, dt.date(2024, 12, 8)],
    "n_chars": [len(t) for t in _TEXTS],
    "content_sha256": [_sha(t) for t in _TEXTS],
    "source_ref": ["a.txt", "b.txt", "feed.jsonl#record 2"],
    "format": ["txt", "html", "jsonl"],
}
_DOC_IDS = {"doc_id": ["a.txt", "b.txt", "a.txt"]}

MART_DOCUMENTS = {
    **{c: DOCUMENTS[c] for c in DOCUMENTS if c != "text"},
    "ingested_at": pl.Datetime("us"),
}
MART_INCIDENTS = {
    "incident_id": pl.String,
    **{c: t for c, t in EVENTS.items() if c != "event_id"},
    "killed_total": pl.Int64,
}
MART_CASUALTIES = {"incident_id": pl.String, **{c: t for c, t in CASUALTIES.items() if c != "event_id"}}
MART_DOC_SUMMARY = {
    c: t for c, t in DOC_PROFILES.items() if c not in ("principal_event_id", "extractor_version")
} | {"principal_incident_id": pl.String}

GOOD: dict[str, tuple[dict[str, pl.DataType], dict[str, list]]] = {
    "raw_documents": (DOCUMENTS, {**_DOC, "text": _TEXTS}),
    "raw_quarantine": (
        QUARANTINE,
        {
            "source_ref": ["x.bin", "empty.txt", "data.csv"],
            "reason": ["binary", "empty", "missing_columns"],
            "detail": ["Looks like a binary file.", "The file is empty.", "No text column."],
        },
    ),
    "extract_events": (EVENTS, {"event_id": ["e1", "e2", "e3"], **_DOC_IDS, **_EVENT}),
    "extract_casualties": (
        CASUALTIES,
        {"casualty_id": ["c1", "c2", "c3"], "event_id": ["e1", "e2", None], **_DOC_IDS, **_CASUALTY},
    ),
    "extract_territory": (TERRITORY, {"change_id": ["t1", "t2", "t3"], **_DOC_IDS, **_TERRITORY}),
    "extract_doc_profiles": (
        DOC_PROFILES,
        {
            **_PROFILE,
            "principal_event_id": ["e1", "e2", None],
            "civilians_killed": [0, 12, None],
            "extractor_version": [EXTRACTOR_VERSION] * 3,
        },
    ),
    "marts_documents": (
        MART_DOCUMENTS,
        {**_DOC, "ingested_at": [dt.datetime(2025, 1, 1, 12)] * 3},
    ),
    "marts_fct_incidents": (
        MART_INCIDENTS,
        {"incident_id": ["e1", "e2", "e3"], **_DOC_IDS, **_EVENT, "killed_total": [0, 12, 0]},
    ),
    "marts_fct_casualties": (
        MART_CASUALTIES,
        {"casualty_id": ["c1", "c2", "c3"], "incident_id": ["e1", "e2", None], **_DOC_IDS, **_CASUALTY},
    ),
    "marts_fct_territory_changes": (
        TERRITORY,
        {"change_id": ["t1", "t2", "t3"], **_DOC_IDS, **_TERRITORY},
    ),
    "marts_doc_summary": (MART_DOC_SUMMARY, {**_PROFILE, "principal_incident_id": ["e1", None, None]}),
}


def good(suite: str) -> pl.DataFrame:
    schema, data = GOOD[suite]
    return pl.DataFrame(data, schema=schema)


def with_value(suite: str, column: str, value: object, row: int = 1) -> pl.DataFrame:
    frame = good(suite)
    values = frame[column].to_list()
    values[row] = value
    return frame.with_columns(pl.Series(column, values, dtype=frame.schema[column]))


def test_every_suite_has_a_good_frame():
    assert set(GOOD) == set(SUITES)


@pytest.mark.parametrize("suite", sorted(SUITES))
def test_good_pandas_frame_passes(suite):
    frame = good(suite).to_pandas()
    outcome = validate(suite, frame)
    assert isinstance(outcome, SuiteOutcome)
    assert outcome.failed == []
    assert outcome.success
    assert outcome.row_count == 3
    assert outcome.evaluated >= 4


@pytest.mark.parametrize("suite", sorted(SUITES))
def test_good_polars_frame_passes(suite):
    outcome = validate(suite, good(suite))
    assert outcome.success, outcome.failed
    assert outcome.row_count == 3


@pytest.mark.parametrize("suite", sorted(SUITES))
def test_empty_frame_passes(suite):
    outcome = validate(suite, good(suite).clear())
    assert outcome.success, outcome.failed
    assert outcome.row_count == 0
    assert outcome.evaluated >= 4
    # also as pandas
    assert validate(suite, good(suite).clear().to_pandas()).success


# (suite, column to spoil, bad value, the check that must fail: a kind, or "a>b" for a column pair)
BAD = [
    # raw documents
    ("raw_documents", "doc_id", "a.txt", "unique"),
    ("raw_documents", "doc_id", None, "not_null"),
    ("raw_documents", "content_sha256", "ABC123", "regex"),
    ("raw_documents", "content_sha256", _sha(_TEXTS[0]), "unique"),
    ("raw_documents", "content_sha256", None, "not_null"),
    ("raw_documents", "text", None, "not_null"),
    ("raw_documents", "n_chars", 0, "between"),
    ("raw_documents", "n_chars", 20_000_000, "between"),
    ("raw_documents", "format", "docx", "in_set"),
    ("raw_documents", "published_date", dt.date(1970, 1, 1), "between"),
    ("raw_documents", "published_date", dt.date(2999, 1, 1), "between"),
    # quarantine
    ("raw_quarantine", "reason", "weird", "in_set"),
    ("raw_quarantine", "detail", None, "not_null"),
    ("raw_quarantine", "source_ref", None, "not_null"),
    # events
    ("extract_events", "event_id", "e1", "unique"),
    ("extract_events", "admin1", "Narnia", "in_set"),
    ("extract_events", "latitude", 51.5, "between"),
    ("extract_events", "longitude", -0.12, "between"),
    ("extract_events", "geo_precision", 4, "in_set"),
    ("extract_events", "method", "bombing", "in_set"),
    ("extract_events", "actor1", "martians", "in_set"),
    ("extract_events", "actor2", "Russia", "in_set"),
    ("extract_events", "date_precision", "decade", "in_set"),
    ("extract_events", "char_end", 10, "char_end>char_start"),
    ("extract_events", "char_end", 20, "char_end>char_start"),
    ("extract_events", "char_start", -1, "between"),
    ("extract_events", "evidence", None, "not_null"),
    ("extract_events", "extractor_version", None, "not_null"),
    ("extract_events", "doc_id", None, "not_null"),
    ("extract_events", "event_date", dt.date(1, 1, 1), "between"),
    # casualties
    ("extract_casualties", "outcome", "exploded", "in_set"),
    ("extract_casualties", "outcome", None, "not_null"),
    ("extract_casualties", "victim_group", "aliens", "in_set"),
    ("extract_casualties", "victim_actor", "nato", "in_set"),
    ("extract_casualties", "casualty_id", "c1", "unique"),
    ("extract_casualties", "casualty_id", None, "not_null"),
    ("extract_casualties", "count_low", 31, "count_best>count_low"),
    ("extract_casualties", "count_high", 29, "count_high>count_best"),
    ("extract_casualties", "count_best", -1, "between"),
    ("extract_casualties", "char_end", 5, "char_end>char_start"),
    # territory
    ("extract_territory", "change_id", "t1", "unique"),
    ("extract_territory", "gaining_actor", "rebels", "in_set"),
    ("extract_territory", "losing_actor", "ISIS", "in_set"),
    ("extract_territory", "admin1", "Narnia", "in_set"),
    ("extract_territory", "area_km2", 1e9, "between"),
    ("extract_territory", "n_places", -3, "between"),
    # doc profiles
    ("extract_doc_profiles", "doc_id", "a.txt", "unique"),
    ("extract_doc_profiles", "civilians_killed", -5, "between"),
    ("extract_doc_profiles", "children_killed", 5_000_000, "between"),
    ("extract_doc_profiles", "primary_actor", "nobody", "in_set"),
    ("extract_doc_profiles", "primary_admin1", "Narnia", "in_set"),
    ("extract_doc_profiles", "primary_method", "magic", "in_set"),
    ("extract_doc_profiles", "extractor_version", None, "not_null"),
    # marts
    ("marts_documents", "doc_id", "a.txt", "unique"),
    ("marts_documents", "content_sha256", "z" * 64, "regex"),
    ("marts_documents", "published_date", dt.date(1900, 1, 1), "between"),
    ("marts_fct_incidents", "incident_id", None, "not_null"),
    ("marts_fct_incidents", "admin1", "Narnia", "in_set"),
    ("marts_fct_incidents", "latitude", 51.5, "between"),
    ("marts_fct_incidents", "killed_total", -1, "between"),
    ("marts_fct_casualties", "outcome", "exploded", "in_set"),
    ("marts_fct_casualties", "casualty_id", "c1", "unique"),
    ("marts_fct_casualties", "count_low", 31, "count_best>count_low"),
    ("marts_fct_territory_changes", "gaining_actor", "rebels", "in_set"),
    ("marts_fct_territory_changes", "char_end", 0, "char_end>char_start"),
    ("marts_doc_summary", "civilians_killed", None, "not_null"),
    ("marts_doc_summary", "civilians_killed", 2_000_000, "between"),
    ("marts_doc_summary", "women_killed", -1, "between"),
    ("marts_doc_summary", "doc_id", "a.txt", "unique"),
    ("marts_doc_summary", "primary_method", "magic", "in_set"),
]


KINDS = {
    "not_null": "expect_column_values_to_not_be_null",
    "unique": "expect_column_values_to_be_unique",
    "in_set": "expect_column_values_to_be_in_set",
    "between": "expect_column_values_to_be_between",
    "regex": "expect_column_values_to_match_regex",
}


@pytest.mark.parametrize(("suite", "column", "value", "check"), BAD)
def test_bad_value_fails_and_is_named(suite, column, value, check):
    if ">" in check:
        a, b = check.split(">")
        expected = f"expect_column_pair_values_a_to_be_greater_than_b({a}, {b})"
    else:
        expected = f"{KINDS[check]}({column})"
    outcome = validate(suite, with_value(suite, column, value))
    assert not outcome.success
    assert any(line.startswith(expected + ":") for line in outcome.failed), outcome.failed
    # nothing else fails: every failure is about the column that was spoiled
    assert all(column in line.split(":")[0] for line in outcome.failed), outcome.failed


def test_failure_message_counts_and_examples():
    frame = with_value("extract_casualties", "outcome", "exploded").to_pandas()
    outcome = validate("extract_casualties", frame)
    assert outcome.failed == [
        "expect_column_values_to_be_in_set(outcome): 1 of 3 rows unexpected, e.g. ['exploded']"
    ]
    pair = validate("extract_casualties", with_value("extract_casualties", "count_low", 31))
    assert pair.failed[:1] == [
        "expect_column_pair_values_a_to_be_greater_than_b(count_best, count_low): "
        "1 of 3 rows unexpected, e.g. [(30, 31)]"
    ]


def test_nulls_in_optional_columns_pass():
    frame = good("extract_events").with_columns(
        pl.lit(None, dtype=pl.String).alias(c) for c in ("admin1", "method", "actor1", "date_precision")
    )
    assert validate("extract_events", frame).success


def test_missing_column_fails():
    frame = good("extract_casualties").drop("victim_group")
    outcome = validate("extract_casualties", frame)
    assert not outcome.success
    assert any(
        line.startswith("expect_table_columns_to_match_set: missing columns ['victim_group']")
        for line in outcome.failed
    )
    assert any(
        line.startswith("expect_column_values_to_be_in_set(victim_group): could not be evaluated")
        for line in outcome.failed
    )


def test_extra_columns_are_fine():
    frame = good("raw_quarantine").with_columns(pl.lit("2025-01-01").alias("seen_at"))
    assert validate("raw_quarantine", frame).success


@pytest.mark.parametrize(
    "dates",
    [
        [dt.date(2016, 3, 1), None, dt.date(1970, 1, 1)],  # python dates in an object column (DuckDB)
        ["2016-03-01", None, "1970-01-01"],  # ISO strings
        pd.to_datetime(["2016-03-01", None, "1970-01-01"]).tz_localize("UTC"),  # tz-aware datetime64
    ],
)
def test_pandas_date_columns_are_normalised(dates):
    frame = good("marts_documents").to_pandas()
    frame["published_date"] = list(dates) if not isinstance(dates, pd.DatetimeIndex) else dates
    outcome = validate("marts_documents", frame)
    assert outcome.failed == [
        "expect_column_values_to_be_between(published_date): 1 of 3 rows unexpected, e.g. ['1970-01-01']"
    ]


def test_unparseable_dates_fail_rather_than_crash():
    frame = good("marts_documents").to_pandas()
    frame["published_date"] = ["yesterday", None, "2016-03-01"]
    outcome = validate("marts_documents", frame)
    assert not outcome.success
    assert any(
        line.startswith("expect_column_values_to_be_between(published_date)") for line in outcome.failed
    )


def test_pandas_frame_with_odd_index_is_accepted():
    frame = good("raw_quarantine").to_pandas()
    frame.index = [10, 10, 30]
    assert validate("raw_quarantine", frame).success


def test_metadata_is_plain_json():
    outcome = validate("extract_casualties", with_value("extract_casualties", "outcome", "x"))
    metadata = outcome.as_metadata()
    assert json.loads(json.dumps(metadata)) == metadata
    assert metadata["suite"] == "extract_casualties"
    assert metadata["success"] is False
    assert metadata["n_failed"] == 1
    assert metadata["row_count"] == 3
    assert metadata["evaluated"] == outcome.evaluated


def test_unknown_suite_and_frame_type():
    with pytest.raises(KeyError):
        validate("nope", good("raw_quarantine"))
    with pytest.raises(TypeError):
        validate("raw_quarantine", [1, 2, 3])


def test_data_docs_show_validations(tmp_path: Path):
    validate("extract_casualties", good("extract_casualties"))
    validate("raw_quarantine", good("raw_quarantine"))
    index = build_data_docs(tmp_path / "gx_docs")
    assert index == (tmp_path / "gx_docs" / "index.html").resolve()
    assert index.is_file()
    html = index.read_text()
    assert "extract_casualties" in html
    assert "raw_quarantine" in html
    validation_pages = list((tmp_path / "gx_docs" / "validations" / "extract_casualties").rglob("*.html"))
    assert validation_pages
    # building again (same target) works and picks up new validations
    validate("marts_doc_summary", good("marts_doc_summary"))
    assert "marts_doc_summary" in build_data_docs(tmp_path / "gx_docs").read_text()


def test_dates_reach_gx_in_nanoseconds_unless_out_of_their_range():
    """GX compares datetime64[ns] columns in one vectorised step and other units value by value
    (polars dates arrive in [ms]); a date past 2262 keeps its unit and is still bounds-checked."""
    from expectations.runner import _to_pandas

    frame = pl.DataFrame(
        {"published_date": [dt.date(2016, 3, 1), None], "event_date": [dt.date(2999, 1, 1), None]}
    )
    converted = _to_pandas(frame)
    assert str(converted["published_date"].dtype) == "datetime64[ns]"
    assert str(converted["event_date"].dtype) == "datetime64[ms]"
    assert converted["event_date"][0] == pd.Timestamp(2999, 1, 1)
