"""The run-based window functions of extract.groups agree with polars' own `.over()` windows."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from extract.groups import cum_sum_in, forward_fill_in, group_id, rank_in, shift_in

rows = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "c"]),
        st.integers(0, 3),
        st.one_of(st.none(), st.integers(-5, 50)),
        st.integers(0, 9),
    ),
    max_size=40,
)


def _frame(data: list[tuple[str, int, int | None, int]]) -> pl.DataFrame:
    schema = {"doc": pl.String, "sent": pl.Int64, "value": pl.Int64, "amount": pl.Int64}
    frame = pl.DataFrame(data, schema=schema, orient="row")
    return frame.sort(["doc", "sent"], maintain_order=True).with_columns(_g=group_id("doc", "sent"))


@settings(max_examples=200, deadline=None)
@given(rows)
def test_windows_match_over(data: list[tuple[str, int, int | None, int]]) -> None:
    frame = _frame(data)
    keys = ["doc", "sent"]
    ours = frame.select(
        prev=shift_in(pl.col("value"), 1, "_g"),
        nxt2=shift_in(pl.col("value"), -2, "_g"),
        rank=rank_in("_g"),
        filled=forward_fill_in(pl.col("value"), "_g"),
        running=cum_sum_in(pl.col("amount"), "_g"),
    )
    theirs = frame.select(
        prev=pl.col("value").shift(1).over(keys),
        nxt2=pl.col("value").shift(-2).over(keys),
        rank=pl.int_range(pl.len(), dtype=pl.Int64).over(keys),
        filled=pl.col("value").forward_fill().over(keys),
        running=pl.col("amount").cum_sum().over(keys),
    )
    assert_frame_equal(ours, theirs, check_dtypes=False)


def test_group_id_starts_a_new_group_where_any_key_changes() -> None:
    frame = pl.DataFrame({"doc": ["a", "a", "a", "b", "b"], "sent": [0, 0, 1, 1, 1]})
    assert frame.select(group_id("doc", "sent"))["doc"].to_list() == [1, 1, 2, 3, 3]


def test_a_value_never_carries_into_the_next_group() -> None:
    frame = pl.DataFrame({"doc": ["a", "a", "b", "b"], "value": ["killed", None, None, "died"]})
    filled = frame.with_columns(_g=group_id("doc")).select(forward_fill_in(pl.col("value"), "_g"))
    assert filled.to_series().to_list() == ["killed", "killed", None, "died"]
