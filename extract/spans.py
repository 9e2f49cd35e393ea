"""Sentences and regex matches with character offsets, computed without per-row Python.

Polars has no "find all with offsets"; both functions below use one trick instead: mark the
boundaries with a control character that ingest never lets into text, split on it, and
recover offsets as cumulative lengths of the pieces.
"""

from __future__ import annotations

import polars as pl

from extract.casefold import folded, lowered, read_in_lower, with_lower
from extract.gates import alternation, gated

_MARK = "\x1e"

# Periods inside these never end a sentence. Replaced by a same-length placeholder while
# splitting so that offsets stay exact.
_ABBREVIATIONS = [
    "U.S.",
    "U.N.",
    "U.K.",
    "E.U.",
    "Mr.",
    "Mrs.",
    "Ms.",
    "Dr.",
    "Lt.",
    "Col.",
    "Gen.",
    "Maj.",
    "Capt.",
    "Sgt.",
    "Brig.",
    "Rep.",
    "Sen.",
    "St.",
    "No.",
    "Jan.",
    "Feb.",
    "Aug.",
    "Sept.",
    "Oct.",
    "Nov.",
    "Dec.",
    "a.m.",
    "p.m.",
    "i.e.",
    "e.g.",
    "vs.",
    "approx.",
]
_PLACEHOLDER = "\u2024"  # one dot leader: same length as "."
_SENTENCE_END = r"([.!?][\"”’')\]]*)([ \t]+)([A-Z0-9\"“‘(•\-–])"
# scraped text glues sentences: "Tal al-Aswad.Clashes continue" (a word, a period, a capitalised word)
_GLUED_END = r"([a-z]{2,}[.!?])([A-Z][a-z])"
_GLUED_AT = r"[a-z][.!?][A-Z][a-z]"  # what every glued end holds


def split_sentences(docs: pl.DataFrame) -> pl.DataFrame:
    """Split `docs(doc_id, text[, title])` into `(doc_id, sentence_idx, s_start, s_end, sentence)`.

    Boundaries: line breaks, and sentence punctuation followed by a capital, digit, quote or
    bullet. A text that starts with its title has the title as sentence 0 even when no period or
    line break follows it (scraped feeds run the headline into the lead). Leading/trailing blanks
    are trimmed off each sentence; empty ones are dropped. Repeated sentences of a document
    (photo captions, a title printed twice) are kept once.
    """
    text = pl.col("text")
    if "title" in docs.columns:
        title = pl.col("title").fill_null("").str.strip_chars()
        n = title.str.len_chars()
        text = (
            pl.when((n > 0) & text.str.starts_with(title))
            .then(pl.concat_str([text.str.slice(0, n), pl.lit(_MARK), text.str.slice(n)]))
            .otherwise(text)
        )
    protected = text.str.replace_many(_ABBREVIATIONS, [a.replace(".", _PLACEHOLDER) for a in _ABBREVIATIONS])
    ended = docs.select(
        "doc_id",
        _n=pl.col("text").str.len_chars(),
        marked=protected.str.replace_all(_SENTENCE_END, f"$1$2{_MARK}$3"),
    )
    # glued sentences are rare and their pattern has no literal the regex engine can look for
    # first: it reads only the texts where a lower-case letter, a stop and a capital meet
    marked = replace_where_found(ended.get_column("marked"), _GLUED_END, f"$1{_MARK}$2", found=_GLUED_AT)
    marked = marked.str.replace_all(r"\n+", f"$0{_MARK}")
    # the marks are the only characters added: the pieces add up to the text
    pieces = _explode_with_offsets(
        ended.select("doc_id", "_n", piece=marked.str.split(_MARK)),
        "piece",
        pl.col("_n"),
    ).rename({"p_len": "n"})
    stripped = pl.col("piece").str.strip_chars()
    lead = pl.col("n") - pl.col("piece").str.strip_chars_start().str.len_chars()
    sentences = pieces.with_columns(sentence=stripped, s_start=pl.col("p_start") + lead)
    # few sentences hold an abbreviation: only those are rewritten
    sentences = sentences.with_columns(
        replace_where_found(sentences.get_column("sentence"), _PLACEHOLDER, ".", literal=True)
    )
    sentences = (
        _first_of_each(
            sentences.with_columns(s_end=pl.col("s_start") + pl.col("sentence").str.len_chars()).filter(
                pl.col("sentence").str.len_chars() > 0
            )
        )
        .with_columns(_row=pl.int_range(pl.len(), dtype=pl.Int64))
        # rows of a document are contiguous: index = row - the document's first row
        .with_columns(
            sentence_idx=pl.col("_row")
            - pl.when(pl.col("doc_id").ne_missing(pl.col("doc_id").shift(1)))
            .then(pl.col("_row"))
            .otherwise(None)
            .forward_fill()
        )
    )
    return sentences.select(
        "doc_id",
        "sentence_idx",
        pl.col("s_start").cast(pl.Int64),
        pl.col("s_end").cast(pl.Int64),
        "sentence",
    )


def _first_of_each(sentences: pl.DataFrame) -> pl.DataFrame:
    """`sentences` without the repeats of a sentence earlier in its document. Only the rows whose
    hash of document and text is not unique can be repeats, and few are: only those are compared
    as text (a unique over all the text took 54-95 ms for 20 000 articles)."""
    key = pl.col("doc_id").hash(1) ^ pl.col("sentence").hash(2)
    maybe = sentences.select(key.is_duplicated()).to_series().arg_true()
    repeats = maybe.filter(
        ~sentences[maybe].select(pl.struct("doc_id", "sentence").is_first_distinct()).to_series()
    )
    return sentences.filter(~pl.int_range(pl.len(), dtype=maybe.dtype).is_in(repeats.implode()))


def replace_where_found(
    text: pl.Series, pattern: str, value: str, *, found: str | None = None, literal: bool = False
) -> pl.Series:
    """`text.str.replace_all(pattern, value, literal=literal)`, rewriting only the texts in which
    `found` (default: `pattern`) occurs: a rare pattern costs a search, not a copy of every text,
    and a replacement with capture groups costs the regex engine's slow capture search."""
    rows = text.str.contains(found or pattern, literal=literal).arg_true()
    rewritten = text.gather(rows).str.replace_all(pattern, value, literal=literal)
    return text.clone().scatter(rows, rewritten)


def find_spans(frame: pl.DataFrame, column: str, pattern: str, keys: list[str]) -> pl.DataFrame:
    """Every non-overlapping match of `pattern` in `frame[column]`, one row per match.

    Returns `keys + [match, m_start, m_end, match_rank]`; offsets are in characters within
    the column's string, end exclusive. `pattern` must not match the empty string. A
    case-insensitive pattern is searched in the column's lower-cased copy where the frame has one
    (`extract.casefold`); the matches are cut from the original.
    """
    fold = folded(pattern) if read_in_lower(frame, column) else None
    searched, pattern = (column, pattern) if fold is None else (lowered(column), fold)
    hits = frame.filter(pl.col(searched).str.contains(pattern))
    if hits.is_empty():
        return pl.DataFrame(
            schema={
                **{k: frame.schema[k] for k in keys},
                "match": pl.String,
                "m_start": pl.Int64,
                "m_end": pl.Int64,
                "match_rank": pl.Int64,
            }
        )
    parts = pl.col(searched).str.replace_all(pattern, f"{_MARK}$0{_MARK}").str.split(_MARK)
    pieces = _explode_with_offsets(
        hits.select(
            *keys, parts.alias("match"), _n=pl.col(searched).str.len_chars(), _row=pl.int_range(pl.len())
        ),
        "match",
        pl.col("_n"),
        index=True,
    )
    found = pieces.filter(pl.col("_i") % 2 == 1)
    if fold is not None:
        # the same characters, in their own case
        original = hits.get_column(column).gather(found.get_column("_row"))
        found = found.with_columns(match=original.str.slice(found["p_start"], found["p_len"]))
    return found.select(
        *keys,
        "match",
        m_start="p_start",
        m_end=pl.col("p_start") + pl.col("p_len"),
        match_rank=pl.col("_i") // 2,
    )


def find_each(
    frame: pl.DataFrame, column: str, named: list[tuple[str, str]], keys: list[str], label: str
) -> pl.DataFrame:
    """`find_spans` of every `(name, pattern)` in `named` (case-insensitive), the name in `label`.

    Rows that none of the patterns matches are dropped first with one pass of their alternation:
    one scan instead of one per pattern over text that names nothing (most of it). Each pattern
    then reads only the rows that pass its literal gate (`extract.gates`), when it has one.
    """
    # the candidates' own lower-cased copy, not the frame's filtered one: the per-pattern gates
    # scan a fresh compact column faster (claim sources, three calls: 287 ms against 765 ms)
    candidates = with_lower(
        frame.select(*keys, column).filter(pl.col(column).str.contains(alternation(named))), column
    )
    found = []
    for name, pattern in named:
        rows = gated(candidates, column, f"(?i){pattern}")
        found.append(find_spans(rows, column, f"(?i){pattern}", keys).with_columns(pl.lit(name).alias(label)))
    return pl.concat(found)


def first_of_each(
    frame: pl.DataFrame, column: str, named: list[tuple[str, str]], keys: list[str], label: str
) -> pl.DataFrame:
    """Per row, the first match that `leftmost_longest(find_each(...))` gives: the leftmost match of
    any of `named`'s patterns (case-insensitive), the longest of those starting there, then the
    earliest in the list. `keys + [m_start, m_end, label]`, rows without a match left out.

    One search of the patterns' alternation finds where (no pattern matches earlier, since each
    one's first match is its leftmost); each pattern is then tried only there, anchored, instead
    of searching the rows once per pattern. The character before that start goes with it, so a
    word boundary at the start reads as it does in the sentence.
    """
    either = alternation(named)
    found = frame.select(*keys, column).filter(pl.col(column).str.contains(either))
    texts = found.get_column(column)
    # `str.find` counts bytes in some polars versions and characters in others: the same where
    # every character is one byte. The few other texts take the length of what comes before it.
    starts = texts.str.find(either).cast(pl.Int64)
    wide = (texts.str.len_bytes() != texts.str.len_chars()).arg_true()
    before = texts.gather(wide).str.extract(rf"^((?s:.*?))(?:{either})", 1)
    found = found.with_columns(m_start=starts.scatter(wide, before.str.len_chars().cast(pl.Int64))).select(
        *keys,
        "m_start",
        # from the character before the start (a space before the text's first): a word boundary
        # at the start then reads as it does in the sentence
        _probe=pl.concat_str([pl.lit(" "), pl.col(column)]).str.slice(pl.col("m_start")),
    )
    lengths = found.select(
        pl.col("_probe").str.extract(rf"^(?s:.)(?i:{pattern})", 0).str.len_chars().fill_null(0).alias(f"_{i}")
        for i, (_, pattern) in enumerate(named)
    )
    # the longest, the earlier pattern on a tie: a fold over the patterns in order (strictly longer
    # replaces), far cheaper than a list per row
    best = lengths.with_columns(_i=pl.lit(None, dtype=pl.Int64), _n=pl.lit(0, dtype=lengths.dtypes[0]))
    for i, length in enumerate(lengths.columns):
        longer = pl.col(length) > pl.col("_n")
        best = best.with_columns(
            _i=pl.when(longer).then(pl.lit(i, dtype=pl.Int64)).otherwise("_i"),
            _n=pl.when(longer).then(length).otherwise("_n"),
        )
    names = pl.Series([name for name, _ in named])
    return found.select(*keys, "m_start").with_columns(
        # the probe has the character before the start: one more than the match
        m_end=pl.col("m_start") + best.get_column("_n").cast(pl.Int64) - 1,
        **{label: names.gather(best.get_column("_i"))},
    )


def leftmost_longest(found: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """`find_each` matches in text order; at the same start the longest first ("UN refugee agency"
    before "UN"), then the earlier pattern of the list. Keep the first per start or per row."""
    return found.sort(
        [*keys, "m_start", "m_end"],
        descending=[*([False] * len(keys)), False, True],
        maintain_order=True,
    )


def split_on_chars(frame: pl.DataFrame, column: str, separators: str, keys: list[str]) -> pl.DataFrame:
    """The pieces of `frame[column]` between any of the characters `separators`, one row per
    non-empty piece: `keys + [match, m_start, m_end]`.

    The other separators become the first one (one character each, so offsets hold), which a
    literal split then cuts at: much cheaper than `find_spans` with a word pattern. Put the most
    common separator first: it is the one not replaced (a space, for words: 1.9 million tokens of
    290 000 capitalised runs split in 0.19-0.21 s instead of 0.28-0.36 s through a regex class).
    """
    cut, others = separators[0], list(separators[1:])
    text = pl.col(column).str.replace_many(others, [cut] * len(others)) if others else pl.col(column)
    return (
        _explode_with_offsets(
            frame.select(*keys, text.str.split(cut).alias("match"), _n=pl.col(column).str.len_chars()),
            "match",
            pl.col("_n"),
            separator_len=1,
        )
        .filter(pl.col("p_len") > 0)
        .select(*keys, "match", m_start="p_start", m_end=pl.col("p_start") + pl.col("p_len"))
    )


def _explode_with_offsets(
    frame: pl.DataFrame, pieces: str, length: pl.Expr, separator_len: int = 0, index: bool = False
) -> pl.DataFrame:
    """One row per piece of the list column `pieces`, with its length `p_len` and start offset
    `p_start` within the string the pieces were split from (`length`: that string's length;
    `separator_len`: the length of the separator that the split removed after each piece, which
    `length` must then count once more, after the last); with its index `_i` if `index`.

    The offset is a running sum over all pieces less the running sum before the string's first
    piece, which the string lengths give before exploding: no per-group window, which is slow
    over millions of tiny groups, nor a fill over the exploded rows.
    """
    total = length.fill_null(0) + separator_len
    rows = frame.with_columns(_before=total.cum_sum() - total)
    if index:
        rows = rows.with_columns(_i=pl.int_ranges(0, pl.col(pieces).list.len(), dtype=pl.Int64))
    return (
        rows.explode([pieces, "_i"] if index else pieces)
        .with_columns(p_len=pl.col(pieces).str.len_chars().cast(pl.Int64))
        .with_columns(
            p_start=(pl.col("p_len") + separator_len).cum_sum()
            - pl.col("p_len")
            - separator_len
            - pl.col("_before")
        )
    )
