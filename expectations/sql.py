"""The suites' rules evaluated in DuckDB: for tables too large to hand GX as pandas frames.

GX 1.x validates pandas frames (its SQL datasource fails on DuckDB), and copying a full run's
nine million incidents into pandas costs minutes. So the same suite objects (`suites.py`, the one
definition of every rule) are compiled here into `count_if` aggregates that DuckDB evaluates in
one scan of the rows. The semantics follow GX's: set, range, regex and pair rules skip nulls,
`unique` counts every row whose value occurs more than once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb

from expectations.runner import SuiteOutcome, subject
from expectations.suites import SUITES


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _bound(value: Any) -> Any:
    # pandas Timestamps (the date bounds) bind as plain datetimes
    to_datetime = getattr(value, "to_pydatetime", None)
    return to_datetime() if to_datetime is not None else value


def _range(expr: str, kwargs: dict[str, Any]) -> tuple[str, list[Any]]:
    """`expr` outside [min_value, max_value] (strict bounds exclude the bound itself)."""
    parts, params = [], []
    if kwargs.get("min_value") is not None:
        parts.append(f"{expr} {'<=' if kwargs.get('strict_min') else '<'} ?")
        params.append(_bound(kwargs["min_value"]))
    if kwargs.get("max_value") is not None:
        parts.append(f"{expr} {'>=' if kwargs.get('strict_max') else '>'} ?")
        params.append(_bound(kwargs["max_value"]))
    return (" OR ".join(parts) or "false"), params


def _unexpected(kind: str, kwargs: dict[str, Any]) -> tuple[str, list[Any]]:
    """SQL counting the rows that break one expectation, and its parameters."""
    col = _ident(kwargs["column"]) if "column" in kwargs else ""
    if kind == "expect_column_values_to_not_be_null":
        return f"count_if({col} IS NULL)", []
    if kind == "expect_column_values_to_be_unique":
        return f"count({col}) - count(DISTINCT {col})", []
    if kind == "expect_column_values_to_be_in_set":
        return f"count_if({col} IS NOT NULL AND NOT list_contains(?, {col}))", [list(kwargs["value_set"])]
    if kind == "expect_column_values_to_be_between":
        cond, params = _range(col, kwargs)
        return f"count_if({col} IS NOT NULL AND ({cond}))", params
    if kind == "expect_column_value_lengths_to_be_between":
        cond, params = _range(f"length({col})", kwargs)
        return f"count_if({col} IS NOT NULL AND ({cond}))", params
    if kind == "expect_column_values_to_match_regex":
        return f"count_if({col} IS NOT NULL AND NOT regexp_matches({col}::VARCHAR, ?))", [kwargs["regex"]]
    if kind == "expect_column_pair_values_a_to_be_greater_than_b":
        if kwargs.get("ignore_row_if") != "either_value_is_missing":
            raise ValueError(f"{kind}: only ignore_row_if='either_value_is_missing' is compiled")
        a, b = _ident(kwargs["column_A"]), _ident(kwargs["column_B"])
        op = ">=" if kwargs.get("or_equal") else ">"
        return f"count_if({a} IS NOT NULL AND {b} IS NOT NULL AND NOT ({a} {op} {b}))", []
    raise ValueError(f"no SQL form for {kind}: add one here or keep its table under the GX row limit")


def validate_sql(
    suite: str, con: duckdb.DuckDBPyConnection, relation: str, params: Sequence[Any] = ()
) -> SuiteOutcome:
    """Evaluate suite `suite` on the rows of the query `relation` (with `params`) in one scan."""
    expectations = [e.configuration for e in SUITES[suite]()]
    columns = set(con.sql(f"SELECT * FROM ({relation}) LIMIT 0", params=list(params)).columns)
    failed: list[str] = []
    aggregates, labels, agg_params = ["count(*)"], [], []
    for config in expectations:
        if config.type == "expect_table_columns_to_match_set":
            wanted = set(config.kwargs["column_set"])
            missing = sorted(wanted - columns)
            extra = sorted(columns - wanted) if config.kwargs.get("exact_match") else []
            if missing or extra:
                failed.append(f"{config.type}: missing columns {missing}, unexpected columns {extra}")
            continue
        named = [config.kwargs[k] for k in ("column", "column_A", "column_B") if k in config.kwargs]
        if absent := [c for c in named if c not in columns]:
            failed.append(f"{config.type}{subject(config)}: could not be evaluated: no column {absent}")
            continue
        sql, extra_params = _unexpected(config.type, config.kwargs)
        aggregates.append(sql)
        labels.append(f"{config.type}{subject(config)}")
        agg_params += extra_params
    ((total, *unexpected),) = con.execute(
        f"WITH scope AS ({relation}) SELECT {', '.join(aggregates)} FROM scope", [*params, *agg_params]
    ).fetchall()
    failed += [
        f"{label}: {n} of {total} rows unexpected" for label, n in zip(labels, unexpected, strict=True) if n
    ]
    return SuiteOutcome(
        suite=suite,
        success=not failed,
        evaluated=len(expectations),
        failed=sorted(failed),
        row_count=int(total),
    )
