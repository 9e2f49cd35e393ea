"""Case-insensitive patterns read in lower-cased text, and documents numbered inside the extractor,
must change no result: the same matches at the same offsets, the same tables with the same ids."""

from __future__ import annotations

import polars as pl
import pytest

from extract.casefold import contains, folded, lowered, lowered_for_gates, with_lower
from extract.casualties import find_casualty_mentions
from extract.pipeline import _extract
from extract.spans import find_spans, split_sentences
from tests.test_extract_gates import _module_patterns


@pytest.fixture(scope="module")
def texts(sample_documents: pl.DataFrame) -> pl.DataFrame:
    """The sample corpus's sentences as written, in upper case, in title case, and with capitals
    whose lower case is longer ("İ") or is an ASCII letter (the Kelvin sign), as `with_lower` has them."""
    sentence = split_sentences(sample_documents)["sentence"]
    recased = pl.concat(
        [
            sentence,
            sentence.str.to_uppercase(),
            sentence.str.to_titlecase(),
            sentence.str.replace_all("I", "İ").str.replace_all("i", "İ"),
        ]
    )
    return with_lower(recased.to_frame("text").with_row_index("row"), "text")


def test_lower_case_copy_keeps_every_character_at_its_offset(texts: pl.DataFrame) -> None:
    lower = texts[lowered("text")]
    assert (lower.str.len_chars() == texts["text"].str.len_chars()).all()
    assert texts.filter(pl.col("text").str.contains("İ", literal=True)).height > 100
    assert not lower.str.contains("[A-Z]").any()


def test_long_s_or_kelvin_sign_leave_only_a_copy_for_the_gates() -> None:
    frame = with_lower(pl.DataFrame({"text": ["Rebelſ", "KILLED \u212a", "İdlib"]}), "text")
    assert lowered("text") not in frame.columns
    assert frame[lowered_for_gates("text")].to_list() == ["rebels", "killed k", "ıdlib"]
    # so patterns are read in the original: "ſ" is a letter to the copy, not to a word boundary
    assert frame.select(contains(frame, "text", r"(?i)(?-u:\b)rebels(?-u:\b)")).to_series().to_list() == [
        False,
        False,
        False,
    ]


def test_folded_patterns_match_where_and_what_the_originals_do(texts: pl.DataFrame) -> None:
    keys = ["row"]
    tried = 0
    for name, pattern in _module_patterns().items():
        if folded(pattern) is None:
            continue
        as_written = texts.select(pl.col("text").str.contains(pattern)).to_series()
        assert texts.select(contains(texts, "text", pattern)).to_series().equals(as_written), name
        spans = find_spans(texts, "text", pattern, keys)
        assert spans.equals(find_spans(texts.drop(lowered("text")), "text", pattern, keys)), name
        tried += as_written.any()
    assert tried >= 40  # not vacuous: most of the extractor's case-insensitive patterns fold and match


def test_a_pattern_that_depends_on_case_is_not_folded() -> None:
    assert folded(r"(?i)(?-u:\b)killed(?-u:\b)") == r"(?-u:\b)killed(?-u:\b)"
    assert folded(r"(?i)[A-Z][a-z]+ (?:Forces|army)\S") == r"[a-z][a-z]+ (?:forces|army)\S"
    assert folded(r"(?i)at least(?-u:\s)+(?P<N>\d+)–") == r"at least(?-u:\s)+(?P<N>\d+)–"
    for kept_as_is in (
        r"(?-u:\b)killed",  # case-sensitive
        r"(?i)rebels|(?-i:IS)",  # a case-sensitive part
        r"(?i)rebels(?i:x)",
        r"(?i)\x41",  # the escape's letter has a case
        r"(?i)\p{Lu}",
        r"(?i)[A-z]",  # a range across cases
        r"(?i)[[:upper:]]",
        r"(?i)Qamishli|Hasakéh",  # a letter outside ASCII has a case
    ):
        assert folded(kept_as_is) is None, kept_as_is


def test_figures_are_read_alike_with_and_without_the_lower_case_copy(sample_documents: pl.DataFrame) -> None:
    year = pl.DataFrame(
        {
            "doc_id": ["y"],
            "title": [None],
            "text": ["Between 2012 and 15 killed were found. On 12-03-2016 killed 4 people."],
            "published_date": [None],
        },
        schema=sample_documents.schema,
    )
    sentences = split_sentences(pl.concat([sample_documents, year]))
    plain = find_casualty_mentions(sentences)
    assert plain.equals(find_casualty_mentions(with_lower(sentences, "sentence")))
    # years and dates are masked in the copy too: no "2012 and 15" range, no "3" of a date
    assert plain.filter(pl.col("doc_id") == "y")["count_best"].to_list() == [15, 4]


def test_document_numbers_stay_inside_the_extractor(sample_documents: pl.DataFrame) -> None:
    """A batch in any order and with any ids gives each document the tables it gets alone."""
    docs = sample_documents.head(6).with_columns(doc_id=pl.Series(["10", "9", "b#1", "a", "Z", "0"]))
    together = _extract(docs.reverse())
    alone = [_extract(docs.slice(i, 1)) for i in range(docs.height)]
    for table, frame in together.items():
        expected = pl.concat([out[table] for out in alone]).sort(frame.columns)
        assert frame.sort(frame.columns).equals(expected), table
        assert set(frame["doc_id"]) <= set(docs["doc_id"]), table
    events = together["events"]
    assert events.height > 10
    assert (events["event_id"].str.split("#e").list.first() == events["doc_id"]).all()


def test_a_batch_with_a_long_s_reads_the_original_text_with_the_same_results(
    sample_documents: pl.DataFrame,
) -> None:
    """One document with "ſ" leaves the batch without an exact lower-cased copy: every pattern
    then reads the original, and the other documents get the tables they get without it."""
    archaic = sample_documents.head(1).with_columns(
        doc_id=pl.lit("archaic"), text=pl.col("text").str.replace_all("s", "ſ", literal=True)
    )
    plain = _extract(sample_documents)
    mixed = _extract(pl.concat([sample_documents, archaic]))
    for table, frame in plain.items():
        others = mixed[table].filter(pl.col("doc_id") != "archaic")
        assert others.equals(frame), table
    assert mixed["doc_profiles"].filter(pl.col("doc_id") == "archaic").height == 1
