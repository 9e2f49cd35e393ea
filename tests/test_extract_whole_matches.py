"""Shortcuts the extractor takes for speed must change no result: a word read back from the end of a
whole match is the one a capture group would have read, and text rewritten or read only where it
can matter gives what rewriting or reading every text gives."""

from __future__ import annotations

import datetime as dt
import re

import polars as pl
import pytest

from extract.casualties import (
    _DATE,
    _IMMEDIATE_OUTCOME,
    _IMMEDIATE_WORDS,
    _OUTCOME_OF_WORD,
    _RIGHT_OUTCOME,
    _RIGHT_WORDS,
    _outcome_of,
    _word_ending,
)
from extract.context import actor_mentions
from extract.dates import _full_date, reference_dates
from extract.spans import _first_of_each, replace_where_found, split_on_chars, split_sentences
from extract.territory import CAPTURE, verb_offset


@pytest.fixture(scope="module")
def tails(sample_documents: pl.DataFrame) -> pl.Series:
    """What follows each word of the sample corpus, 90 characters of it (the casualty step reads the
    90 after a figure), in its own case and in upper case, and a few written for the edge cases."""
    sentence = split_sentences(sample_documents)["sentence"]
    starts = sentence.str.find_many([" "], overlapping=True)
    tails = (
        pl.DataFrame({"s": sentence, "at": starts})
        .explode("at")
        .select(pl.col("s").str.slice(pl.col("at").cast(pl.Int64), 90))
        .to_series()
    )
    written = pl.Series(
        [
            " were killed",
            "died",
            " die hard",
            " who lost their lives in the raid",
            " lost her life",
            " unhurt but missing",
            " others fled, died",
            " killed’",
            "",
        ]
    )
    return pl.concat([tails, tails.str.to_uppercase(), written]).drop_nulls()


@pytest.mark.parametrize(
    ("pattern", "words"),
    [(_RIGHT_OUTCOME, _RIGHT_WORDS), (_IMMEDIATE_OUTCOME, _IMMEDIATE_WORDS)],
    ids=["right", "immediate"],
)
def test_the_word_ending_a_whole_match_is_the_captured_word(
    tails: pl.Series, pattern: str, words: str
) -> None:
    captured = pattern.replace(f"(?:{words})", f"({words})")
    assert captured != pattern
    frame = tails.to_frame("t")
    expected = frame.select(pl.col("t").str.extract(captured, 1)).to_series()
    read = frame.select(_word_ending(pl.col("t"), pattern, words)).to_series()
    assert expected.drop_nulls().len() > 200
    assert read.equals(expected)


def test_an_outcome_word_is_looked_up_as_the_prefix_patterns_read_it(tails: pl.Series) -> None:
    """`_outcome_of` looks a word up by its first word, lower-cased; the outcome is the first whose
    words one begins the word, in `_OUTCOME_OF_WORD`'s order (as a regex per outcome read it)."""
    frame = tails.to_frame("t").select(
        word=pl.concat_list(
            _word_ending(pl.col("t"), pattern, words)
            for pattern, words in [(_RIGHT_OUTCOME, _RIGHT_WORDS), (_IMMEDIATE_OUTCOME, _IMMEDIATE_WORDS)]
        )
    ).explode("word")
    expected = pl.when(pl.lit(False)).then(pl.lit(None, dtype=pl.String))
    for outcome, words in _OUTCOME_OF_WORD:
        expected = expected.when(pl.col("word").str.contains(f"(?i)^(?:{words})")).then(pl.lit(outcome))
    got = frame.select(_outcome_of(pl.col("word")), expected=expected.otherwise(None))
    assert got["word"].drop_nulls().len() > 400
    assert got["word"].null_count() == frame["word"].null_count()  # every word read has an outcome
    assert got["word"].equals(got["expected"].rename("word"))


def test_the_verb_offset_is_the_length_of_the_text_before_the_first_verb(
    sample_documents: pl.DataFrame,
) -> None:
    sentence = split_sentences(sample_documents)["sentence"]
    written = pl.Series(
        ["Rebels’ “Tahrir” fighters captured Idlib, then took control of Saraqeb.", "no verb"]
    )
    frame = pl.concat([sentence, written]).to_frame("s")
    expected = frame.select(pl.col("s").str.extract(r"(?s)^(.*?)(?:" + CAPTURE + ")", 1).str.len_chars())
    got = frame.select(verb_offset(pl.col("s")))
    assert expected.to_series().drop_nulls().len() > 20
    assert got.to_series().equals(expected.to_series())
    assert got.to_series()[-2] == len("Rebels’ “Tahrir” fighters ")


@pytest.mark.parametrize(
    ("pattern", "value", "literal"),
    [(_DATE, "$1/$2/", False), ("\u2024", ".", True)],
    ids=["dates", "abbreviation-dots"],
)
def test_texts_are_rewritten_where_found_as_everywhere(pattern: str, value: str, literal: bool) -> None:
    text = pl.Series(
        ["on 12-03-#### 5 killed", "no date", "1.2.3 and 4-5-", "", None, "٣-٤-2015", "U\u2024S\u2024 jets"]
    )
    expected = text.str.replace_all(pattern, value, literal=literal)
    assert not expected.equals(text)
    assert replace_where_found(text, pattern, value, literal=literal).equals(expected)
    assert text[0] == "on 12-03-#### 5 killed"  # the input is not written over
    assert replace_where_found(pl.Series(["a", "b"]), pattern, value, literal=literal).to_list() == ["a", "b"]


def test_a_repeated_sentence_is_kept_once_where_it_first_comes(sample_documents: pl.DataFrame) -> None:
    sentences = split_sentences(sample_documents).with_row_index("row")
    repeated = pl.concat([sentences, sentences.sample(200, seed=1), sentences.head(3)]).with_columns(
        # the same text in another document is no repeat
        doc_id=pl.when(pl.col("row") % 7 == 0).then(pl.lit("other")).otherwise(pl.col("doc_id"))
    )
    expected = repeated.unique(["doc_id", "sentence"], keep="first", maintain_order=True)
    kept = _first_of_each(repeated)
    assert repeated.height - kept.height > 150
    assert kept.equals(expected)


def test_the_text_gives_the_reference_date_only_without_a_publication_date(
    sample_documents: pl.DataFrame,
) -> None:
    docs = sample_documents.with_row_index("i").with_columns(
        doc_id=pl.col("i").cast(pl.Int64) % 30,  # some ids twice: every row keeps its own date
        published_date=pl.when(pl.col("i") % 2 == 0).then(pl.col("published_date")),
    )
    docs = pl.concat(
        [
            docs.drop("i"),
            pl.DataFrame(
                {
                    "doc_id": [99],
                    "title": [None],
                    "text": ["On March 3, 2016 jets struck."],
                    "published_date": [None],
                },
                schema=docs.drop("i").schema,
            ),
        ]
    )
    expected = docs.select(
        "doc_id", ref_date=pl.coalesce("published_date", _full_date(pl.col("text").str.slice(0, 3000)))
    )
    got = reference_dates(docs)
    assert got.equals(expected)
    assert got["ref_date"][-1] == dt.date(2016, 3, 3)
    assert reference_dates(docs.head(0)).height == 0


def test_actors_of_an_earlier_incident_are_left_out_without_a_lower_case_copy() -> None:
    sentences = pl.DataFrame(
        {
            "doc_id": [0, 0],
            "sentence_idx": [0, 1],
            "sentence": [
                "Russian jets struck Idlib two days after a regime chemical attack.",
                "Russian jets struck Idlib.",
            ],
        }
    )
    actors = actor_mentions(sentences)
    assert actors.filter(pl.col("sentence_idx") == 0)["actor"].to_list() == ["russia"]
    assert actors.filter(pl.col("sentence_idx") == 1)["actor"].to_list() == ["russia"]


@pytest.mark.parametrize("separators", [" \t\n\r\f-‐", "-", " -"])
def test_split_on_chars_cuts_where_a_regex_class_would(separators: str) -> None:
    """`split_on_chars` replaces the other separators by the first and splits there: the pieces and
    their character offsets are those of splitting at any of them, multi-byte characters included."""
    texts = [
        "Maarat  Al-Nouman\tcountryside",
        "Deir‐ez-Zor\nRaqqa\r\fHoms",
        "-Idlib--",
        "Ḥamāh Ash-Shaykh Maskin",
        "",
        "al-Bab",
    ]
    frame = pl.DataFrame({"row": list(range(len(texts))), "text": texts})
    got = split_on_chars(frame, "text", separators, ["row"]).rows()
    cut = re.compile("[" + re.escape(separators) + "]")
    expected = []
    for row, text in enumerate(texts):
        start = 0
        for piece in [*cut.split(text)]:
            if piece:
                expected.append((row, piece, start, start + len(piece)))
            start += len(piece) + 1
    assert got == expected
