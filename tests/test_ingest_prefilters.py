"""Cheaper forms of costly ingest steps (prefilters, ASCII copies, narrower regexes) give the same results."""

from __future__ import annotations

import sys
import unicodedata

import polars as pl
from ftfy.badness import is_bad
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest import clean, language
from ingest.badness import MAY_NEED_FTFY
from ingest.clean import NFC_MAY_CHANGE, repair_mojibake, single_line
from ingest.language import _as_ascii

_FRAGMENTS = ["â€™", "Ã©", "Ã", "Â", "\xa0", "‚Äč", "‚Äô", "√©", "≈°", "Œ", "œ", "×²", "вЂ", "ГўВЂВ", "Ø§", "à²",
              "\x1b[31m", "\x85", "\x9d", "é", "£", "©", "°", "—", "“", "’", "\n", " ", "a", "Syria", "1"]
_ENCODINGS = ["cp1252", "latin-1", "mac_roman", "cp1251", "cp437", "iso-8859-2"]


@st.composite
def mojibake(draw: st.DrawFn) -> str:
    """Text, sometimes with a stretch of it encoded as UTF-8 and decoded as a single-byte charset."""
    text = "".join(draw(st.lists(st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=6)), max_size=25)))
    if draw(st.booleans()):
        encoding = draw(st.sampled_from(_ENCODINGS))
        text = text.encode("utf-8", "surrogatepass").decode(encoding, errors="replace")
    return text.encode("utf-8", "replace").decode("utf-8")


@settings(max_examples=600, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(mojibake(), min_size=1, max_size=20))
def test_ftfy_is_skipped_only_where_it_changes_nothing(texts: list[str]) -> None:
    flagged = pl.Series(texts, dtype=pl.String).str.contains(MAY_NEED_FTFY).to_list()
    for text, flag in zip(texts, flagged, strict=True):
        if any(is_bad(line) for line in text.splitlines(keepends=True)):
            assert flag, text
        if not flag:
            assert repair_mojibake(text) == text


def test_nfc_prefilter_covers_every_code_point() -> None:
    chars = [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]
    flagged = pl.Series(chars).str.contains(NFC_MAY_CHANGE).to_list()
    seconds = set()
    for char in chars:
        pair = unicodedata.decomposition(char).split()
        if len(pair) == 2 and not pair[0].startswith("<"):
            seconds.add(chr(int(pair[1], 16)))
    unflagged = [char for char, flag in zip(chars, flagged, strict=True) if not flag]
    assert "\u0301" not in unflagged and "\u212b" not in unflagged and "é" in unflagged and "—" in unflagged
    for char in unflagged:
        assert unicodedata.combining(char) == 0 and unicodedata.normalize("NFC", char) == char, hex(ord(char))
        assert char not in seconds, hex(ord(char))


def test_as_ascii_keeps_what_word_searches_see() -> None:
    chars = pl.Series([chr(c) for c in range(0x80, sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF])
    spelt = _as_ascii(chars)
    assert spelt.str.contains(r"^[\x00-\x7F]$").all()
    assert (spelt.str.contains(r"^\w$") == chars.str.contains(r"^\w$")).all()  # \b stays where it was
    for letter in "abcdefghijklmnopqrstuvwxyz":  # "ſ" and the Kelvin sign match "s" and "k"
        pattern = f"(?i)^{letter}$"
        assert (spelt.str.contains(pattern) == chars.str.contains(pattern)).all(), letter


def _not_english_by_definition(texts: pl.Series) -> pl.Series:
    """The rules of ingest.language, every count on every text."""
    sample = pl.col("t").str.slice(0, language.SAMPLE_CHARS)
    counts = pl.DataFrame({"t": texts}).select(
        letters=sample.str.replace_all(r"\P{L}+", "").str.len_chars(),
        other=sample.str.count_matches(r"[\p{L}--[A-Za-z]]"),
        words=sample.str.count_matches(r"\p{L}+"),
        english=sample.str.count_matches(language._words_re(language._ENGLISH)),
        foreign=sample.str.count_matches(language._words_re(language._FOREIGN)),
    )
    letters, words, english, foreign = pl.col("letters"), pl.col("words"), pl.col("english"), pl.col("foreign")
    script = (letters > 0) & (letters - pl.col("other") < letters * language.MIN_ASCII_LETTER_SHARE)
    by_words = (words >= language.MIN_WORDS) & (
        (english < foreign) | (english < words * language.MIN_STOPWORD_SHARE))
    return counts.select(script | by_words).to_series()


_WORDS = [*language._ENGLISH, *language._FOREIGN, "café", "Ärger", "ſ", "iſ", "\u212a", "x", "der1", "_le", "du"]
_SEPARATORS = [" ", " ", ", ", ".\n", "é", "–", "1", "_", "\u0301", "ſ", "\u212a", "ü", "\u200d", "'", "中", "й", "😀"]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(st.lists(st.tuples(st.sampled_from(_WORDS), st.sampled_from(_SEPARATORS), st.booleans()),
                         max_size=60), min_size=1, max_size=30))
def test_not_english_is_its_definition(docs: list[list[tuple[str, str, bool]]]) -> None:
    texts = pl.Series("t", ["".join((w.upper() if up else w) + sep for w, sep, up in doc) for doc in docs])
    assert language.not_english(texts).to_list() == _not_english_by_definition(texts).to_list()
    for words in (language._ENGLISH, language._FOREIGN_ASCII):
        pattern = language._words_re(words)
        assert (_as_ascii(texts).str.count_matches(pattern) == texts.str.count_matches(pattern)).all()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list(" \t\n\r\x0b\x0c\x1c\x85\xa0\u2003\u3000ab.é")), max_size=40),
                min_size=1, max_size=20))
def test_single_line_is_every_whitespace_run_to_one_space(texts: list[str]) -> None:
    series = pl.Series(texts, dtype=pl.String)
    assert single_line(series).to_list() == series.str.replace_all(r"\s+", " ").to_list()


def _normalise_by_definition(texts: pl.Series) -> pl.Series:
    for pattern, replacement, _ in clean._REPLACEMENTS:
        texts = texts.str.replace_all(pattern, replacement)
    return texts.str.strip_chars(" \t\n").str.normalize("NFC")


_ASCII_PIECES = ["a", "B", " ", "  ", "\t", " \t ", "\n", "\n\n\n", "\r\n", "\r", "\x0b", "\x0c", "\x00", "\x1f", "\x7f", "."]
_OTHER_PIECES = ["\x85", "\u2028", "’", "“", "\xa0", "\u3000", "\u200b", "\ufeff", "\x9d", "e\u0301", "é", "—", "\u1100\u1161"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_ASCII_PIECES), max_size=12).map("".join)
                | st.lists(st.sampled_from(_ASCII_PIECES + _OTHER_PIECES), max_size=12).map("".join), max_size=20))
def test_normalise_is_its_definition(texts: list[str]) -> None:
    series = pl.Series(texts, dtype=pl.String)
    assert clean._normalise(series).to_list() == _normalise_by_definition(series).to_list()
    every_ascii = pl.Series(["".join(map(chr, range(128))) * 3])
    for pattern, _, ascii_too in clean._REPLACEMENTS:
        assert ascii_too or not every_ascii.str.contains(pattern).any(), pattern


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_ASCII_PIECES + _OTHER_PIECES + ["\u2003\t", "\x1c", "\u180e"]), max_size=12)
                .map("".join), max_size=20))
def test_a_cleaned_line_is_single_once_tabs_are_spaces(texts: list[str]) -> None:
    lines = clean.clean_texts(pl.Series(texts, dtype=pl.String)).str.split("\n").explode()
    assert single_line(lines).to_list() == lines.str.replace_all("\t", " ", literal=True).to_list()
