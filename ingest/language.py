"""Cheap English check, vectorised: the extractor's lexicon is English, other languages are quarantined.

A text is `not_english` when fewer than half of its letters are ASCII letters (Arabic, Cyrillic,
...), or, for texts of at least `MIN_WORDS` words, when common function words of French, Spanish,
German, Italian, Portuguese or Turkish outnumber common English ones, or English function words
are under `MIN_STOPWORD_SHARE` of the words (any other Latin-script language). English news
prose runs at 20-35 % such words, even telegraphic wire copy above 5 %. Very short texts only get
the letter test: a headline may have no function word at all.
"""

from __future__ import annotations

import polars as pl

MIN_ASCII_LETTER_SHARE = 0.5
MIN_WORDS = 15
SAMPLE_CHARS = 20_000  # the language of an article shows in its first pages; bounds the cost
MIN_STOPWORD_SHARE = 0.03
# Frequent in English, rare as words of other Latin-script languages ("a", "on", "as", "die"
# and the like are left out: they are common words elsewhere too).
_ENGLISH = (
    "the", "of", "and", "to", "in", "is", "was", "were", "that", "for", "with", "by", "from",
    "said", "has", "have", "had", "been", "it", "its", "are", "be", "this", "their", "they",
    "after", "which", "who", "at", "an", "he", "she", "his", "her", "we", "not", "but", "or", "will",
)
_FOREIGN = (
    "le", "la", "les", "des", "du", "une", "et", "est", "dans", "pour", "qui", "que", "au", "aux",
    "sur", "ont", "été", "avec", "par", "el", "los", "las", "del", "y", "en", "por", "con", "una",
    "fue", "según", "der", "das", "und", "ist", "mit", "von", "den", "dem", "für", "auf", "nicht",
    "wurde", "il", "di", "che", "della", "sono", "anche", "não", "uma", "com", "foram", "ve", "bir",
    "bu", "ile", "için", "olarak",
)


def _words_re(words: tuple[str, ...]) -> str:
    return r"(?i)\b(?:" + "|".join(words) + r")\b"


def not_english(texts: pl.Series) -> pl.Series:
    """Boolean Series: True where the text is not English by the rules above."""
    # Each count is a column of its own, computed once (and in parallel): eager polars does not
    # share repeated subexpressions. Letters are counted without one regex match per letter: the
    # length of the text without its non-letters; ASCII letters are letters less the (rare) others.
    sample = pl.col("t").str.slice(0, SAMPLE_CHARS)
    counts = pl.DataFrame({"t": texts}).with_columns(
        letters=sample.str.replace_all(r"\P{L}+", "").str.len_chars(),
        other_letters=sample.str.count_matches(r"[\p{L}--[A-Za-z]]"),
        words=sample.str.count_matches(r"\p{L}+"),
        english=sample.str.count_matches(_words_re(_ENGLISH)),
        foreign=sample.str.count_matches(_words_re(_FOREIGN)),
    )
    letters, words, english, foreign = pl.col("letters"), pl.col("words"), pl.col("english"), pl.col("foreign")
    ascii_letters = letters - pl.col("other_letters")
    foreign_script = (letters > 0) & (ascii_letters < letters * MIN_ASCII_LETTER_SHARE)
    foreign_words = (words >= MIN_WORDS) & ((english < foreign) | (english < words * MIN_STOPWORD_SHARE))
    return counts.select((foreign_script | foreign_words).alias(texts.name)).to_series()
