"""Window functions over runs of rows, without `.over()`.

`.over(keys)` hashes the keys of every row; over hundreds of thousands of tiny groups (a
document's sentences, a sentence's figures) that costs far more than the arithmetic. The frames
of the extractor are sorted by their keys, so each group is a run of consecutive rows: a
run-length id (`group_id`), materialised once as a column, and shifts compared against it do the
same work in a few vectorised passes. Every function here assumes rows sorted by the group keys.
"""

from __future__ import annotations

import polars as pl


def group_id(*keys: str) -> pl.Expr:
    """1, 2, 3...: a new value wherever any key differs from the row before."""
    return pl.any_horizontal([pl.col(k).ne_missing(pl.col(k).shift(1)) for k in keys]).cum_sum()


def shift_in(expr: pl.Expr, n: int, group: str) -> pl.Expr:
    """`expr.shift(n).over(keys)`: null where the shifted row belongs to another group."""
    return pl.when(pl.col(group).shift(n) == pl.col(group)).then(expr.shift(n))


def _first_row(group: str) -> pl.Expr:
    row = pl.int_range(pl.len(), dtype=pl.Int64)
    return pl.when(pl.col(group).ne_missing(pl.col(group).shift(1))).then(row).forward_fill()


def rank_in(group: str) -> pl.Expr:
    """`pl.int_range(pl.len()).over(keys)`: 0, 1, 2... within each group."""
    return pl.int_range(pl.len(), dtype=pl.Int64) - _first_row(group)


def forward_fill_in(expr: pl.Expr, group: str) -> pl.Expr:
    """`expr.forward_fill().over(keys)`: a value never carries into the next group."""
    source = pl.when(expr.is_not_null()).then(pl.col(group)).forward_fill()
    return pl.when(source == pl.col(group)).then(expr.forward_fill())


def cum_sum_in(expr: pl.Expr, group: str) -> pl.Expr:
    """`expr.cum_sum().over(keys)` for a column without nulls."""
    total = expr.cum_sum()
    before = pl.when(pl.col(group).ne_missing(pl.col(group).shift(1))).then(total - expr).forward_fill()
    return total - before
