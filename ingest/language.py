"""Cheap English check, vectorised: the extractor's lexicon is English, other languages are quarantined.

A text is `not_english` when fewer than half of its letters are ASCII letters (Arabic, Cyrillic,
...), or, for texts of at least `MIN_WORDS` words, when common function words of French, Spanish,
German, Italian, Portuguese or Turkish outnumber common English ones, or English function words
are under `MIN_STOPWORD_SHARE` of the words (any other Latin-script language). English news
prose runs at 20-35 % such words, even telegraphic wire copy above 5 %. Very short texts only get
the letter test: a headline may have no function word at all.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from ingest.clean import non_ascii_rows

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
_FOREIGN_ASCII = tuple(word for word in _FOREIGN if word.isascii())
_FOREIGN_OTHER = tuple(word for word in _FOREIGN if not word.isascii())


# Placeholder for a non-ASCII word character in `_as_ascii`: a word character no listed word has.
_OTHER_WORD_CHAR = "0"


def _words_re(words: tuple[str, ...]) -> str:
    return r"(?i)\b(?:" + "|".join(words) + r")\b"


def _as_ascii(sample: pl.Series) -> pl.Series:
    """Non-ASCII characters spelt so that ASCII words between \\b count the same, ASCII only.

    Rust's regex runs a case-insensitive search with Unicode word boundaries fast on ASCII text
    only; on other text a search without a match (a foreign word, in English) takes ~30x longer.
    Each non-ASCII character becomes one ASCII character of the same kind for `\\b` (word or
    not) that the listed ASCII words cannot match, but for "ſ" and "K" (Kelvin), which match "s"
    and "k" case-insensitively and become those.
    """
    rows = non_ascii_rows(sample)
    if rows.is_empty():
        return sample
    spelt = (
        sample.gather(rows).str.replace_all("\u017f", "s", literal=True).str.replace_all("\u212a", "k", literal=True)
        .str.replace_all(r"[\w--[\x00-\x7F]]", _OTHER_WORD_CHAR).str.replace_all(r"[^\x00-\x7F]", " ")
    )
    return sample.clone().scatter(rows, spelt)


def _on_rows(values: pl.Series, rows: pl.Series, compute: Callable[[pl.Series], pl.Series]) -> pl.Series:
    """`compute` of `values` at `rows`, 0 elsewhere (where the caller knows the count does not matter)."""
    out = pl.zeros(values.len(), pl.UInt32, eager=True)
    return out.scatter(rows, compute(values.gather(rows)).cast(pl.UInt32)) if not rows.is_empty() else out


def not_english(texts: pl.Series) -> pl.Series:
    """Boolean Series: True where the text is not English by the rules above."""
    sample = texts.str.slice(0, SAMPLE_CHARS)
    spelt = _as_ascii(sample)
    # Eager polars computes the columns of one `select` in parallel.
    counts = pl.DataFrame({"s": sample, "a": spelt}).select(
        english=pl.col("a").str.count_matches(_words_re(_ENGLISH)),
        foreign=pl.col("a").str.count_matches(_words_re(_FOREIGN_ASCII))
        + pl.col("s").str.count_matches(_words_re(_FOREIGN_OTHER)),
        most_words=(pl.col("s").str.len_chars() + 1) // 2,  # words need a separator between them
    )
    english, foreign = counts.get_column("english"), counts.get_column("foreign")
    other_letters = _on_rows(sample, non_ascii_rows(sample), lambda s: s.str.count_matches(r"[\p{L}--[A-Za-z]]"))
    # Letters and words are counted only where they can decide (one regex match per word is
    # the costliest count): without non-ASCII letters the script is Latin; a text whose English
    # words are at least its foreign ones and at least MIN_STOPWORD_SHARE of the most words it
    # can hold is English.
    letters = _on_rows(sample, (other_letters > 0).arg_true(), lambda s: s.str.replace_all(r"\P{L}+", "").str.len_chars())
    may_be_foreign = (english < foreign) | (english < counts["most_words"] * MIN_STOPWORD_SHARE)
    words = _on_rows(sample, may_be_foreign.arg_true(), lambda s: s.str.count_matches(r"\p{L}+"))
    frame = pl.DataFrame({"letters": letters, "other_letters": other_letters, "words": words,
                          "english": english, "foreign": foreign})
    letters_, words_, english_, foreign_ = pl.col("letters"), pl.col("words"), pl.col("english"), pl.col("foreign")
    ascii_letters = letters_ - pl.col("other_letters")
    foreign_script = (letters_ > 0) & (ascii_letters < letters_ * MIN_ASCII_LETTER_SHARE)
    foreign_words = (words_ >= MIN_WORDS) & ((english_ < foreign_) | (english_ < words_ * MIN_STOPWORD_SHARE))
    return frame.select((foreign_script | foreign_words).alias(texts.name)).to_series()
