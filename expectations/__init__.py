"""Great Expectations (1.x) suites for every stage: raw ingest, extraction and dbt marts.

    from expectations import validate, build_data_docs
    outcome = validate("extract_casualties", frame)   # pandas or polars
    outcome.success, outcome.failed, outcome.as_metadata()
    build_data_docs(Path("warehouse/gx_docs"))        # -> .../index.html
    validate_sql("extract_casualties", con, "SELECT * FROM extract.casualties")  # in DuckDB

Importing this package does not import Great Expectations (that takes seconds); the first
`validate` call does, and builds one ephemeral context that the process reuses.
"""

from expectations.runner import SuiteOutcome, build_data_docs, merge, validate, validate_batches, warm_up
from expectations.sql import validate_sql
from expectations.suites import SUITES

__all__ = [
    "SUITES",
    "SuiteOutcome",
    "build_data_docs",
    "merge",
    "validate",
    "validate_batches",
    "validate_sql",
    "warm_up",
]
