"""Quantities as written in news, to (low, best, high): the documented conventions and their invariants."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract.quantities import UNITS, add_counts


def parse(texts: list[str]) -> list[tuple[int | None, int | None, int | None]]:
    frame = add_counts(pl.DataFrame({"q": texts}).with_row_index("i"), "q").sort("i")
    return list(frame.select("count_low", "count_best", "count_high").iter_rows())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("87", (87, 87, 87)),
        ("4,755", (4755, 4755, 4755)),
        ("at least 35", (35, 35, None)),
        ("more than 170", (170, 170, None)),
        ("nearly 290", (None, 290, 290)),
        ("about 40", (36, 40, 44)),
        ("between 15 and 20", (15, 15, 20)),
        ("15-20", (15, 15, 20)),
        ("thirty-five", (35, 35, 35)),
        ("Twenty-three", (23, 23, 23)),
        ("a thousand", (1000, 1000, 1000)),
        ("two hundred", (200, 200, 200)),
        ("1.5 million", (1_500_000, 1_500_000, 1_500_000)),
        ("a dozen", (12, 12, 12)),
        ("dozens of", (12, 12, 99)),
        ("scores of", (20, 20, 99)),
        ("hundreds of", (100, 100, 999)),
        ("tens of thousands of", (10_000, 10_000, 99_999)),
        ("several", (3, 3, 9)),
        ("several hundred", (200, 200, 999)),
    ],
)
def test_documented_conventions(text: str, expected: tuple[int | None, int | None, int | None]) -> None:
    assert parse([text]) == [expected]


def test_not_a_quantity_gives_nulls() -> None:
    assert parse(["civilians"]) == [(None, None, None)]


_number = st.one_of(
    st.integers(0, 10_000_000).map(str),
    st.integers(1_000, 999_999).map(lambda n: f"{n:,}"),
    st.sampled_from(sorted(UNITS)),
)
_phrase = st.one_of(
    _number,
    st.tuples(st.sampled_from(["at least", "more than", "nearly", "about", "some", "up to"]), _number).map(
        " ".join
    ),
    st.tuples(_number, _number).map(lambda p: f"between {p[0]} and {p[1]}"),
    st.tuples(st.integers(0, 5000), st.integers(0, 5000)).map(lambda p: f"{p[0]}-{p[1]}"),
    st.text(max_size=30),
)


@settings(max_examples=120, deadline=None)
@given(st.lists(_phrase, min_size=1, max_size=20))
def test_low_best_high_are_ordered_for_any_phrase(texts: list[str]) -> None:
    for low, best, high in parse(texts):
        if best is None:
            continue
        assert best >= 0
        assert low is None or low <= best
        assert high is None or best <= high
