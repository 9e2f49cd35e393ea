"""Literal gates: a cheap necessary condition for an expensive regex.

`required_literals(pattern)` reads the pattern's syntax tree and returns words of which every
match must contain at least one (in lower case), or None when there are none worth testing.
Testing those words in lower-cased text is a plain literal search (SIMD, several times faster
than a case-insensitive pattern, which the regex engine cannot prefilter); the pattern itself
then runs only on the rows that pass, and a row that fails cannot match, so results are unchanged.
"""

from __future__ import annotations

import re
from functools import cache
from re import _constants as sre
from re import _parser as sre_parse

import polars as pl

from extract.casefold import contains, gate_column, with_lower

MIN_LITERAL = 3  # shorter words occur in nearly every sentence: no gate is cheaper than such a one
MAX_GATE_WORDS = 16  # a gate of more words scans about as slowly as a pattern without prefilter
MAX_LITERALS = 200  # bound on the word sets built while reading a pattern


@cache
def required_literals(pattern: str) -> tuple[str, ...] | None:
    """Lower-case words one of which every match of `pattern` (Rust regex syntax) contains."""
    # Python's parser reads the rest of the syntax; ASCII-only groups are plain groups to it
    try:
        tree = sre_parse.parse(pattern.replace("(?-u:", "(?:"))
    except re.error:
        return None
    words = _needed(list(tree))
    if not words or min(map(len, words)) < MIN_LITERAL or len(words) > MAX_GATE_WORDS:
        return None
    return tuple(sorted(words))


def gate(frame: pl.DataFrame, column: str, pattern: str) -> pl.Expr | None:
    """True where `pattern` may match `column` of `frame`, read in the frame's lower-cased copy of
    it (`casefold.with_lower`); None when the pattern has no gate."""
    words = required_literals(pattern)
    if words is None:
        return None
    return pl.col(gate_column(frame, column)).str.contains("|".join(re.escape(w) for w in words))


def gated(frame: pl.DataFrame, column: str, pattern: str) -> pl.DataFrame:
    """The rows of `frame` that `pattern` may match by its gate (`gate`); all of them when it has none."""
    may_match = gate(frame, column, pattern)
    return frame if may_match is None else frame.filter(may_match)


def alternation(named: list[tuple[str, str]]) -> str:
    """One case-insensitive pattern that matches where any of `named`'s patterns does."""
    return "(?i)" + "|".join(f"(?:{pattern})" for _, pattern in named)


def first_named(text: pl.Series, named: list[tuple[str, str]], strip: str | None = None) -> pl.Series:
    """The name of the first `(name, pattern)` whose pattern (case-insensitive) occurs in each
    text once the matches of `strip` are taken out of it, else null.

    Only the texts that the patterns' alternation matches are read further (and stripped), and
    each pattern only where its gate passes and no earlier pattern matched: the case-insensitive
    patterns have no literal prefilter of their own, so each would otherwise scan every text.
    Stripping only removes text, so a text the alternation misses has no name once stripped
    either (but for words the strip would join: "air" and "strike" around a removed clause).
    """
    rows = text.to_frame("text").with_row_index("_i").filter(pl.col("text").str.contains(alternation(named)))
    if strip is not None:
        rows = rows.with_columns(pl.col("text").str.replace_all(strip, ""))
    rows = with_lower(rows, "text")
    found = []
    for name, pattern in named:
        candidates = gated(rows, "text", f"(?i){pattern}")
        hits = candidates.filter(contains(candidates, "text", f"(?i){pattern}")).select(
            "_i", name=pl.lit(name)
        )
        found.append(hits)
        rows = rows.filter(~pl.col("_i").is_in(hits["_i"].implode()))
    return scattered(text, pl.concat(found))


def scattered(text: pl.Series, rows: pl.DataFrame) -> pl.Series:
    """A string column as long as `text`: the second column of `rows` at the row numbers in its
    first (`_i`), null elsewhere."""
    values = rows.to_series(1).cast(pl.String)
    empty = pl.repeat(None, text.len(), dtype=pl.String, eager=True).alias(text.name)
    return empty.scatter(rows["_i"], values)


def _needed(items: list) -> frozenset[str] | None:
    """A set of words every match of the sequence `items` contains one of: the best found."""
    options: list[frozenset[str]] = []
    run = frozenset([""])  # the words a stretch of fixed-text items spells, letters joined up
    for op, arg in items:
        words = _exact(op, arg)
        if words is not None and len(run) * len(words) <= MAX_LITERALS:
            run = frozenset(a + b for a in run for b in words)
            continue
        options.append(run)
        run = frozenset([""]) if words is None else words
        inner = None
        if op is sre.SUBPATTERN:
            inner = _needed(list(arg[-1]))
        elif op is sre.BRANCH:
            branches = [_needed(list(b)) for b in arg[1]]
            inner = frozenset().union(*branches) if all(branches) else None
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and arg[0] >= 1:
            inner = _needed(list(arg[2]))
        if inner:
            options.append(inner)
    options.append(run)
    options = [_minimal(o) for o in options if "" not in o]
    if not options:
        return None
    # the rarest condition: long words first, then few of them
    return max(options, key=lambda words: (min(map(len, words)), -len(words)))


def _exact(op, arg) -> frozenset[str] | None:
    """Every text the item can match, in lower case, when that is a small set of ASCII words."""
    if op is sre.LITERAL:
        return frozenset([chr(arg).lower()]) if arg < 128 else None
    if op is sre.AT:  # zero width: the letters around it are contiguous in the match
        return frozenset([""])
    if op is sre.IN:
        if all(o is sre.LITERAL and a < 128 for o, a in arg):
            return frozenset(chr(a).lower() for _, a in arg)
        return None
    if op is sre.SUBPATTERN:
        return _exact_sequence(list(arg[-1]))
    if op is sre.BRANCH:
        branches = [_exact_sequence(list(b)) for b in arg[1]]
        if any(b is None for b in branches):
            return None
        union = frozenset().union(*branches)
        return union if len(union) <= MAX_LITERALS else None
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and arg[1] <= 2:
        item = _exact_sequence(list(arg[2]))
        if item is None:
            return None
        words, out = frozenset([""]), frozenset()
        for n in range(arg[1] + 1):
            if n >= arg[0]:
                out |= words
            words = frozenset(a + b for a in words for b in item)
        return out if len(out) <= MAX_LITERALS else None
    return None


def _exact_sequence(items: list) -> frozenset[str] | None:
    words = frozenset([""])
    for op, arg in items:
        item = _exact(op, arg)
        if item is None:
            return None
        words = frozenset(a + b for a in words for b in item)
        if len(words) > MAX_LITERALS:
            return None
    return words


def _minimal(words: frozenset[str]) -> frozenset[str]:
    """Without the words that contain another of them: finding the shorter one is enough."""
    return frozenset(w for w in words if not any(o != w and o in w for o in words))
