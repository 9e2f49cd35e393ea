"""The expectation suites, one builder per stage table.

Each builder returns a fresh list of GX 1.x expectations. Great Expectations is imported only
inside the builders (importing it takes seconds), so importing this module is cheap.

Rules are ones real data must never break: nulls are allowed wherever the extractor or dbt can
legitimately leave a value empty (set checks skip nulls), and numeric bounds are sanity bounds,
not guesses at typical values. No expectation uses `mostly`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from expectations.gx_import import import_gx
from extract.schema import (
    ACTORS,
    ADMIN1,
    CASUALTIES,
    DATE_PRECISIONS,
    DOC_PROFILES,
    EVENTS,
    METHODS,
    OUTCOMES,
    TERRITORY,
    VICTIM_GROUPS,
)
from ingest.schema import DOCUMENTS, QUARANTINE

if TYPE_CHECKING:
    from great_expectations.expectations import Expectation

SuiteBuilder = Callable[[], "list[Expectation]"]

FORMATS = ("txt", "html", "md", "json", "jsonl", "csv", "parquet")
QUARANTINE_REASONS = (
    "empty",
    "binary",
    "too_large",
    "no_article_text",
    "unsupported_type",
    "missing_columns",
    "invalid_json",
    "invalid_csv",
    "unreadable",
    "not_english",
    "outside_source",
)
GEO_PRECISIONS = (1, 2, 3)
SHA256_REGEX = r"^[0-9a-f]{64}$"

MAX_DOC_CHARS = 10_000_000
# Casualty / displacement figures: Syria's pre-war population was ~22 million, so no figure in
# an article about it can exceed this ("13 million displaced" is a real figure).
MAX_COUNT = 50_000_000
# Per-document killed counts (doc_profiles, doc_summary): the whole war's toll is ~0.6 million.
MAX_KILLED = 1_000_000
# Syria's area is 185,180 km²; one territory change cannot be larger.
MAX_AREA_KM2 = 200_000
MAX_PLACES = 100_000
LATITUDE = (32.0, 37.5)
LONGITUDE = (35.5, 42.5)
PUBLISHED_RANGE = (dt.date(1990, 1, 1), dt.date(2100, 1, 1))
# Events can be background history (Hama 1982), so the event-date bound is only a parse sanity bound.
EVENT_DATE_RANGE = (dt.date(1900, 1, 1), dt.date(2100, 1, 1))

# Columns holding dates; `validate` turns them into datetime64 so the date bounds compare.
DATE_COLUMNS = ("published_date", "event_date")


# --- small constructors ------------------------------------------------------------------------


def _gxe() -> Any:
    return import_gx().expectations


def _columns_present(columns: Iterable[str]) -> Expectation:
    """The frame has at least these columns (more are fine)."""
    return _gxe().ExpectTableColumnsToMatchSet(column_set=sorted(set(columns)), exact_match=False)


def _not_null(*columns: str) -> list[Expectation]:
    return [_gxe().ExpectColumnValuesToNotBeNull(column=c) for c in columns]


def _unique(column: str) -> Expectation:
    return _gxe().ExpectColumnValuesToBeUnique(column=column)


def _in_set(column: str, values: Sequence[object]) -> Expectation:
    return _gxe().ExpectColumnValuesToBeInSet(column=column, value_set=list(values))


def _between(column: str, low: object = None, high: object = None, **kwargs: Any) -> Expectation:
    if isinstance(low, dt.date) or isinstance(high, dt.date):
        # validate() normalises date columns to datetime64; compare against Timestamps.
        import pandas as pd

        low = None if low is None else pd.Timestamp(low)
        high = None if high is None else pd.Timestamp(high)
    return _gxe().ExpectColumnValuesToBeBetween(column=column, min_value=low, max_value=high, **kwargs)


def _greater(a: str, b: str, *, or_equal: bool = False) -> Expectation:
    """a > b (or a >= b) on every row where both are present."""
    return _gxe().ExpectColumnPairValuesAToBeGreaterThanB(
        column_A=a, column_B=b, or_equal=or_equal, ignore_row_if="either_value_is_missing"
    )


# --- shared groups -----------------------------------------------------------------------------


def _span(id_column: str) -> list[Expectation]:
    """Id, document, evidence span and extractor version of an extracted fact."""
    return [
        *_not_null(id_column, "doc_id", "evidence", "char_start", "char_end", "extractor_version"),
        _unique(id_column),
        _between("char_start", 0),
        _between("sentence_idx", 0),
        _greater("char_end", "char_start"),
    ]


def _where_when() -> list[Expectation]:
    return [
        _in_set("date_precision", DATE_PRECISIONS),
        _between("event_date", *EVENT_DATE_RANGE),
        _in_set("admin1", ADMIN1),
        _between("latitude", *LATITUDE),
        _between("longitude", *LONGITUDE),
        _in_set("geo_precision", GEO_PRECISIONS),
    ]


def _incident(id_column: str) -> list[Expectation]:
    return [
        *_span(id_column),
        *_where_when(),
        _in_set("method", METHODS),
        _in_set("actor1", ACTORS),
        _in_set("actor2", ACTORS),
    ]


def _casualty() -> list[Expectation]:
    return [
        *_span("casualty_id"),
        *_not_null("outcome", "victim_group"),
        _in_set("outcome", OUTCOMES),
        _in_set("victim_group", VICTIM_GROUPS),
        _in_set("victim_actor", ACTORS),
        _greater("count_best", "count_low", or_equal=True),
        _greater("count_high", "count_best", or_equal=True),
        _greater("count_high", "count_low", or_equal=True),
        *(_between(c, 0, MAX_COUNT) for c in ("count_low", "count_best", "count_high")),
    ]


def _territory() -> list[Expectation]:
    return [
        *_span("change_id"),
        _in_set("date_precision", DATE_PRECISIONS),
        _between("event_date", *EVENT_DATE_RANGE),
        _in_set("admin1", ADMIN1),
        _in_set("gaining_actor", ACTORS),
        _in_set("losing_actor", ACTORS),
        _between("n_places", 0, MAX_PLACES),
        _between("area_km2", 0, MAX_AREA_KM2),
    ]


_KILLED = ("civilians_killed", "children_killed", "women_killed", "combatants_killed")


def _profile() -> list[Expectation]:
    return [
        *_not_null("doc_id"),
        _unique("doc_id"),
        _in_set("primary_admin1", ADMIN1),
        _in_set("primary_actor", ACTORS),
        _in_set("primary_method", METHODS),
        *(_between(c, 0, MAX_KILLED) for c in _KILLED),
    ]


def _document() -> list[Expectation]:
    return [
        *_not_null("doc_id", "content_sha256", "n_chars", "source_ref"),
        _unique("doc_id"),
        _unique("content_sha256"),
        _in_set("format", FORMATS),
        _between("n_chars", 1, MAX_DOC_CHARS),
        _between("published_date", *PUBLISHED_RANGE),
        _gxe().ExpectColumnValuesToMatchRegex(column="content_sha256", regex=SHA256_REGEX),
    ]


# --- the suites --------------------------------------------------------------------------------


def raw_documents() -> list[Expectation]:
    return [
        _columns_present(DOCUMENTS),
        *_document(),
        *_not_null("text"),
        _gxe().ExpectColumnValueLengthsToBeBetween(column="text", min_value=1, max_value=MAX_DOC_CHARS),
    ]


def raw_quarantine() -> list[Expectation]:
    return [
        _columns_present(QUARANTINE),
        *_not_null("source_ref", "reason", "detail"),
        _in_set("reason", QUARANTINE_REASONS),
    ]


def extract_events() -> list[Expectation]:
    return [_columns_present(EVENTS), *_incident("event_id")]


def extract_casualties() -> list[Expectation]:
    return [_columns_present(CASUALTIES), *_casualty()]


def extract_territory() -> list[Expectation]:
    return [_columns_present(TERRITORY), *_territory()]


def extract_doc_profiles() -> list[Expectation]:
    return [_columns_present(DOC_PROFILES), *_profile(), *_not_null("extractor_version")]


def marts_documents() -> list[Expectation]:
    columns = (
        "doc_id",
        "source",
        "url",
        "title",
        "published_date",
        "n_chars",
        "content_sha256",
        "ingested_at",
        "format",
        "source_ref",
    )
    return [_columns_present(columns), *_document()]


def marts_fct_incidents() -> list[Expectation]:
    columns = (*(EVENTS.keys() - {"event_id"}), "incident_id", "killed_total")
    return [
        _columns_present(columns),
        *_incident("incident_id"),
        *_not_null("killed_total"),
        _between("killed_total", 0, MAX_COUNT),
    ]


def marts_fct_casualties() -> list[Expectation]:
    columns = (*(CASUALTIES.keys() - {"event_id"}), "incident_id")
    return [_columns_present(columns), *_casualty()]


def marts_fct_territory_changes() -> list[Expectation]:
    return [_columns_present(TERRITORY), *_territory()]


def marts_doc_summary() -> list[Expectation]:
    columns = ("doc_id", "primary_admin1", "primary_actor", "primary_method", *_KILLED)
    # dbt coalesces the counts to 0 for documents without a profile, so here they are never null.
    return [_columns_present(columns), *_profile(), *_not_null(*_KILLED)]


SUITES: dict[str, SuiteBuilder] = {
    "raw_documents": raw_documents,
    "raw_quarantine": raw_quarantine,
    "extract_events": extract_events,
    "extract_casualties": extract_casualties,
    "extract_territory": extract_territory,
    "extract_doc_profiles": extract_doc_profiles,
    "marts_documents": marts_documents,
    "marts_fct_incidents": marts_fct_incidents,
    "marts_fct_casualties": marts_fct_casualties,
    "marts_fct_territory_changes": marts_fct_territory_changes,
    "marts_doc_summary": marts_doc_summary,
}
