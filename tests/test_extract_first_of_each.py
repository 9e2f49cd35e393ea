"""`first_of_each` finds per row what every pattern's own search, leftmost-longest, puts first."""

from __future__ import annotations

import polars as pl
import pytest

from extract.lexicon import ACTORS, CLAIM_SOURCES
from extract.spans import find_each, first_of_each, leftmost_longest, split_sentences

KEYS = ["doc_id", "sentence_idx"]


def _by_each_search(frame: pl.DataFrame, named: list[tuple[str, str]]) -> pl.DataFrame:
    found = find_each(frame, "sentence", named, KEYS, "name").select(*KEYS, "m_start", "m_end", "name")
    return leftmost_longest(found, KEYS).unique(KEYS, keep="first")


def _first(frame: pl.DataFrame, named: list[tuple[str, str]]) -> pl.DataFrame:
    return first_of_each(frame, "sentence", named, KEYS, "name")


def _sentences(texts: list[str]) -> pl.DataFrame:
    return pl.DataFrame(
        {"doc_id": [0] * len(texts), "sentence_idx": list(range(len(texts))), "sentence": texts},
        schema={"doc_id": pl.Int64, "sentence_idx": pl.Int64, "sentence": pl.String},
    )


NAMED = [
    ("UN", r"(?-i:(?-u:\b)UN(?-u:\b))|(?-u:\b)United Nations(?-u:\b)"),
    ("UNHCR", r"(?-u:\b)UN refugee agency(?-u:\b)"),
    ("monitor", r"(?-u:\b)monitor(?:ing group)?(?-u:\b)"),
    ("group", r"(?-u:\b)monitoring group(?-u:\b)"),
    ("ministry", r"ministry(?-u:\b)"),
    ("defence ministry", r"(?-u:\b)ministry of defen[cs]e(?-u:\b)"),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the longest at the leftmost start, whatever the list's order
        ("The UN refugee agency said 5 died.", (4, 21, "UNHCR")),
        # equally long at the same start: the earlier pattern
        ("the monitoring group said", (4, 20, "monitor")),
        # a pattern matching later does not count, however long
        ("UN officials and the monitoring group said", (0, 2, "UN")),
        # no word boundary inside a word ("FUN"), so the match is the later one
        ("FUN and the UN said", (12, 14, "UN")),
        # a pattern without a leading boundary matches inside a word, at its own start
        ("the defenceministry said", (11, 19, "ministry")),
        # ...where a longer one would match but for the letter before it
        ("the defenceministry of defence said", (11, 19, "ministry")),
        ("the ministry of defence said", (4, 23, "defence ministry")),
        # characters of two or more bytes before the match: offsets are in characters
        ("Ḥalab — the Monitor said", (12, 19, "monitor")),
        # at the very start
        ("United Nations envoys said", (0, 14, "UN")),
        # the case-sensitive acronym does not match in lower case
        ("un officials said nothing", None),
    ],
)
def test_the_first_match_is_the_leftmost_then_the_longest_then_the_earliest_pattern(
    text: str, expected: tuple[int, int, str] | None
) -> None:
    found = _first(_sentences([text]), NAMED)
    rows = [(r["m_start"], r["m_end"], r["name"]) for r in found.iter_rows(named=True)]
    assert rows == ([expected] if expected else [])
    assert rows == [
        (r["m_start"], r["m_end"], r["name"])
        for r in _by_each_search(_sentences([text]), NAMED).iter_rows(named=True)
    ]


@pytest.mark.parametrize("named", [CLAIM_SOURCES, ACTORS], ids=["claim sources", "actors"])
def test_it_agrees_with_a_search_per_pattern_on_the_sample_corpus(
    sample_documents: pl.DataFrame, named: list[tuple[str, str]]
) -> None:
    docs = sample_documents.with_columns(doc_id=pl.col("doc_id").rank("dense").cast(pl.Int64))
    sentences = split_sentences(docs)
    expected = _by_each_search(sentences, named).sort(KEYS)
    found = _first(sentences, named).sort(KEYS)
    assert found.height > 50  # the corpus names sources and actors often
    assert found.select(*KEYS, "m_start", "m_end", "name").equals(expected.select(found.columns))
