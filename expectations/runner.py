"""Run the suites on pandas / polars frames with one ephemeral GX context per process."""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import os
import re
import threading
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from expectations import gx_tuning
from expectations.gx_import import import_gx
from expectations.suites import DATE_COLUMNS, SUITES

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl

DATASOURCE = "sitrep"
BATCH_DEFINITION = "whole_frame"
PARTIAL_UNEXPECTED_COUNT = 5
# BASIC has what a failure is described with (unexpected count, examples, observed value); SUMMARY
# adds value counts of the unexpected values, which cost ~0.1 s more per suite even when all pass.
RESULT_FORMAT = {"result_format": "BASIC", "partial_unexpected_count": PARTIAL_UNEXPECTED_COUNT}

_lock = threading.RLock()
_state: dict[str, Any] = {}  # "context", "validations" (suite name -> ValidationDefinition), "sites"


@dataclass(frozen=True)
class SuiteOutcome:
    suite: str
    success: bool
    evaluated: int  # expectations run
    failed: list[str] = field(default_factory=list)  # one human-readable line per failed expectation
    row_count: int = 0

    def as_metadata(self) -> dict[str, object]:
        """Plain JSON-able dict for Dagster check metadata."""
        return {
            "suite": self.suite,
            "success": self.success,
            "evaluated": self.evaluated,
            "n_failed": len(self.failed),
            "failed": list(self.failed),
            "row_count": self.row_count,
        }


# --- the context -------------------------------------------------------------------------------


def _context() -> Any:
    """The process's ephemeral GX context, created on first use (import + setup take seconds)."""
    with _lock:
        if "context" not in _state:
            os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
            gx = import_gx()
            gx_tuning.install()
            from great_expectations.data_context.types.base import (
                DataContextConfig,
                InMemoryStoreBackendDefaults,
                ProgressBarsConfig,
            )

            config = DataContextConfig(
                store_backend_defaults=InMemoryStoreBackendDefaults(),
                analytics_enabled=False,
                progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
                data_docs_sites={},
            )
            context = gx.get_context(mode="ephemeral", project_config=config)
            context.data_sources.add_pandas(DATASOURCE)
            _state["context"] = context
            _state["validations"] = {}
            _state["sites"] = {}
        return _state["context"]


def _prepare() -> None:
    for suite in SUITES:
        _validation_definition(suite)


def warm_up() -> threading.Thread:
    """Create the process's GX context and register every suite in a background thread, so that
    the checks of a run do not wait seconds for GX to import: the pipeline calls it when ingest
    starts. Checks wait for it on the context's lock."""
    thread = threading.Thread(target=_prepare, name="gx-warm-up", daemon=True)
    thread.start()
    return thread


def _validation_definition(suite_name: str) -> Any:
    """Suite, dataframe asset and ValidationDefinition of `suite_name`, registered once.

    Running through a ValidationDefinition (not `batch.validate`) stores the result in the
    context's validation-results store, which is what Data Docs render.
    """
    with _lock:
        context = _context()
        validations: dict[str, Any] = _state["validations"]
        if suite_name not in validations:
            gx = import_gx()
            # all expectations at once: `add_expectation` stores the whole suite again each time
            # (0.8 s against 0.05 s for the eleven suites)
            suite = context.suites.add(
                gx.ExpectationSuite(name=suite_name, expectations=list(SUITES[suite_name]()))
            )
            datasource = context.data_sources.get(DATASOURCE)
            batch_definition = datasource.add_dataframe_asset(
                suite_name
            ).add_batch_definition_whole_dataframe(BATCH_DEFINITION)
            validations[suite_name] = context.validation_definitions.add(
                gx.ValidationDefinition(name=suite_name, data=batch_definition, suite=suite)
            )
        return validations[suite_name]


# --- frames ------------------------------------------------------------------------------------


def _to_pandas(frame: pd.DataFrame | pl.DataFrame) -> pd.DataFrame:
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        to_pandas = getattr(frame, "to_pandas", None)
        if to_pandas is None:
            raise TypeError(f"expected a pandas or polars DataFrame, got {type(frame).__name__}")
        frame = to_pandas()
    frame = frame.reset_index(drop=True)
    converted = {}
    for column in DATE_COLUMNS:
        if column in frame.columns:
            values = frame[column]
            if not pd.api.types.is_datetime64_any_dtype(values):
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore", UserWarning)  # "could not infer format"
                        values = pd.to_datetime(values)
                except (TypeError, ValueError, OverflowError):
                    continue  # left as is: the date-range expectation then fails on it
            if getattr(values.dt, "tz", None) is not None:
                values = values.dt.tz_localize(None)
            # GX compares datetime64[ns] in one vectorised step and any other unit (polars dates
            # arrive as [ms]) with a Python call per value: the suite of 5,000 incidents took
            # 0.37 s against 0.18 s. Past 2262 (pandas' OutOfBoundsDatetime) the unit stays and
            # values are compared one by one, correctly but slowly.
            with contextlib.suppress(OverflowError, ValueError):
                values = values.astype("datetime64[ns]")
            converted[column] = values
    if converted:
        frame = frame.assign(**converted)
    return frame


# --- results -----------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """numpy / pandas scalars as plain Python values for messages and metadata."""
    if isinstance(value, (tuple, list)):
        return type(value)(_plain(v) for v in value)
    if isinstance(value, dt.datetime):  # also pandas.Timestamp
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            value = value.item()
        except (ValueError, TypeError):
            return str(value)
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return value


def subject(config: Any) -> str:
    kwargs = config.kwargs
    if "column" in kwargs:
        return f"({kwargs['column']})"
    if "column_A" in kwargs:
        return f"({kwargs['column_A']}, {kwargs['column_B']})"
    return ""


def _exception_message(result: Any) -> str | None:
    info = result.exception_info or {}
    if info.get("raised_exception"):
        return str(info.get("exception_message"))
    for nested in info.values():  # keyed by metric id when a metric raised
        if isinstance(nested, dict) and (nested.get("raised_exception") or nested.get("exception_message")):
            return str(nested.get("exception_message"))
    return None


def _describe(result: Any) -> str:
    config = result.expectation_config
    head = f"{config.type}{subject(config)}"
    error = _exception_message(result)
    if error is not None:
        error = re.sub(r"\s+", " ", error).strip()
        return f"{head}: could not be evaluated: {error[:300]}"
    res = result.result or {}
    details = (res.get("details") or {}).get("mismatched")
    if details is not None:
        parts = [f"{k} columns {v}" for k, v in sorted(details.items())]
        return f"{head}: {'; '.join(parts)}"
    if "unexpected_count" in res:
        examples = [_plain(v) for v in (res.get("partial_unexpected_list") or [])]
        # distinct examples, in order
        seen: list[Any] = []
        for v in examples:
            if v not in seen:
                seen.append(v)
        return (
            f"{head}: {res['unexpected_count']} of {res.get('element_count', '?')} rows unexpected, "
            f"e.g. {seen[:PARTIAL_UNEXPECTED_COUNT]!r}"
        )
    if "observed_value" in res:
        return f"{head}: observed {_plain(res['observed_value'])!r}"
    return head


# --- API ---------------------------------------------------------------------------------------


def validate(suite: str, frame: pd.DataFrame | pl.DataFrame) -> SuiteOutcome:
    """Validate `frame` against the suite named `suite` (a key of SUITES).

    Polars frames are converted to pandas (GX 1.x cannot read polars). Date columns are
    normalised to datetime64. The result is stored in the process's context for Data Docs.
    """
    if suite not in SUITES:
        raise KeyError(f"unknown suite {suite!r}; known: {sorted(SUITES)}")
    data = _to_pandas(frame)
    with _lock, gx_tuning.memoised_configurations():
        validation = _validation_definition(suite)
        result = validation.run(batch_parameters={"dataframe": data}, result_format=RESULT_FORMAT)
    failed = [_describe(r) for r in result.results if not r.success]
    return SuiteOutcome(
        suite=suite,
        success=bool(result.success),
        evaluated=len(result.results),
        failed=sorted(failed),
        row_count=len(data),
    )


def validate_batches(suite: str, frames: Iterable[pd.DataFrame | pl.DataFrame]) -> SuiteOutcome:
    """`validate` over a table given in batches (bounded memory): passes if every batch passes.

    Each batch is one validation result. Row rules (types, sets, ranges, nulls) find what a
    whole-table validation would; uniqueness is checked within each batch only. Across batches
    it holds by construction or is a dbt test: raw.documents is upserted by doc_id and
    deduplicated by content_sha256, and the marts' keys have dbt `unique` tests.
    """
    outcomes = [validate(suite, frame) for frame in frames]
    if not outcomes:
        raise ValueError(f"no batch to validate with suite {suite!r}")
    return merge(suite, outcomes)


def merge(suite: str, outcomes: Sequence[SuiteOutcome]) -> SuiteOutcome:
    """One outcome for rows validated in parts: passes if every part passes."""
    return SuiteOutcome(
        suite=suite,
        success=all(o.success for o in outcomes),
        evaluated=max(o.evaluated for o in outcomes),
        failed=sorted({line for o in outcomes for line in o.failed}),
        row_count=sum(o.row_count for o in outcomes),
    )


def build_data_docs(target_dir: Path) -> Path:
    """Write GX Data Docs (HTML) for the suites and validations run so far in this process.

    Returns the path of the site's index.html.
    """
    target = Path(target_dir).resolve()
    target.mkdir(parents=True, exist_ok=True)
    with _lock:
        context = _context()
        sites: dict[str, str] = _state["sites"]
        name = sites.get(str(target))
        if name is None:
            name = f"sitrep_{len(sites)}"
            context.add_data_docs_site(
                site_name=name,
                site_config={
                    "class_name": "SiteBuilder",
                    "store_backend": {
                        "class_name": "TupleFilesystemStoreBackend",
                        "base_directory": str(target),
                    },
                    "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                },
            )
            sites[str(target)] = name
        context.build_data_docs(site_names=[name])
    return target / "index.html"
