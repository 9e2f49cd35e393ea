"""Quantities as written in news ("at least 35", "dozens", "thirty-five", "between 15 and 20").

Conventions (low / best / high), following ACLED where it has one (code the lowest credible
figure; "dozens" = 12, "hundreds" = 100):

| written                              | low        | best | high        |
|--------------------------------------|------------|------|-------------|
| N                                    | N          | N    | N           |
| at least / more than / over / N+     | N          | N    | null (open) |
| nearly / almost / up to / as many as | null       | N    | N           |
| about / some / around / roughly      | round(.9N) | N    | round(1.1N) |
| between X and Y, X to Y, X-Y         | X          | X    | Y           |
| a few / several                      | 2 / 3      | same | 9           |
| several (a few) hundred / thousand   | 200 / 2000 | same | 999 / 9999  |
| tens / dozens / scores               | 10/12/20   | same | 99          |
| hundreds / thousands                 | 100 / 1000 | same | 999 / 9999  |
| tens of thousands, hundreds of thousands | 10,000 / 100,000 | same | 99,999 / 999,999 |
"""

from __future__ import annotations

import polars as pl

UNITS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "a dozen": 12,
    "dozen": 12,
}
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_SMALL = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    "sixteen|seventeen|eighteen|nineteen"
)
_WORD_NUMBER = rf"(?:(?:{_TENS})(?:[- ](?:{_SMALL}))?|a dozen|{_SMALL}|a|an)"
_DIGITS = r"(?-u:\d){1,3}(?:,(?-u:\d){3})+|(?-u:\d)+(?:\.(?-u:\d)+)?"
_MULT = r"(?:(?-u:\s)+(?:hundred|thousand|million))"
NUMBER = rf"(?:(?:{_DIGITS}){_MULT}?|{_WORD_NUMBER}{_MULT}?)"

_VAGUE = {
    "tens of thousands": (10_000, 99_999),
    "hundreds of thousands": (100_000, 999_999),
    "tens": (10, 99),
    "dozens": (12, 99),
    "scores": (20, 99),
    "hundreds": (100, 999),
    "thousands": (1_000, 9_999),
    "several hundred": (200, 999),
    "a few hundred": (200, 999),
    "several thousand": (2_000, 9_999),
    "a few thousand": (2_000, 9_999),
    "several": (3, 9),
    "a few": (2, 9),
    "a number": (2, 9),
}
VAGUE = r"(?:tens of thousands|hundreds of thousands|several hundred|a few hundred|several thousand|a few thousand|tens|dozens|scores|hundreds|thousands|several|a few|a number)"

_AT_LEAST = r"at least|more than|over|upwards of|in excess of|no fewer than|no less than|a minimum of"
_AT_MOST = r"nearly|almost|up to|as many as|at most|fewer than|less than|close to|closer to|just under"
_ABOUT = r"about|around|some|roughly|approximately|an estimated|estimated|nearly about|about|circa"
MODIFIER = rf"(?:{_AT_LEAST}|{_AT_MOST}|{_ABOUT})"

# The full quantity phrase; used inside larger patterns, so no capture groups.
QUANTITY = (
    rf"(?:between(?-u:\s)+{NUMBER}(?-u:\s)+and(?-u:\s)+{NUMBER}"
    rf"|(?:{_DIGITS})(?-u:\s)*(?:-|–)(?-u:\s)*(?:{_DIGITS})|{NUMBER}(?-u:\s)+to(?-u:\s)+{NUMBER}"
    rf"|(?:{MODIFIER}(?-u:\s)+)?(?:{VAGUE}(?:(?-u:\s)+of)?|{NUMBER}\+?))"
)


def _number_value(text: pl.Expr) -> pl.Expr:
    """Value of one NUMBER phrase (lower-case) as Int64; null when it is not a number."""
    # whole matches (group 0, no capture group) are found without capture slots: much faster
    digits = text.str.extract(rf"^(?:{_DIGITS})", 0).str.replace_all(",", "").cast(pl.Float64, strict=False)
    first = text.str.extract(rf"^(?:{_TENS}|{_SMALL}|a dozen|dozen|a|an)(?-u:\b)", 0)
    second = text.str.extract(rf"^(?:{_TENS})[- ]({_SMALL})(?-u:\b)")
    words = (
        first.replace_strict(UNITS, default=None, return_dtype=pl.Int64)
        + pl.coalesce(second.replace_strict(UNITS, default=None, return_dtype=pl.Int64), pl.lit(0))
    ).cast(pl.Float64)
    mult = (
        pl.when(text.str.contains(r"(?-u:\b)million$"))
        .then(1_000_000)
        .when(text.str.contains(r"(?-u:\b)thousand$"))
        .then(1_000)
        .when(text.str.contains(r"(?-u:\b)hundred$"))
        .then(100)
        .otherwise(1)
    )
    # absurd figures (a 19-digit "number" is an id, not a toll) become null rather than overflow
    value = pl.coalesce(digits, words) * mult
    return pl.when(value < 1e12).then(value.round(0)).cast(pl.Int64, strict=False)


_PLAIN = r"^(?:(at least|more than|over|nearly|almost|about|some|around|up to) )?(\d{1,3}(?:,\d{3})+|\d+)$"


def add_counts(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """`frame` with count_low, count_best, count_high read from the QUANTITY phrases in `column`.

    Plain figures ("87", "at least 35": most of them) take a cheap path; the rest (words, ranges,
    vague amounts) the full parse. Nulls where the phrase is not a quantity.
    """
    t = pl.col(column).str.to_lowercase().str.strip_chars().str.replace_all(r"(?-u:\s)+", " ")
    frame = frame.with_columns(_q=t).with_columns(_plain=pl.col("_q").str.extract_groups(_PLAIN))
    plain = frame.filter(pl.col("_plain").struct.field("2").is_not_null())
    other = frame.filter(pl.col("_plain").struct.field("2").is_null())
    mod = pl.col("_plain").struct.field("1")
    n = pl.col("_plain").struct.field("2").str.replace_all(",", "").cast(pl.Int64, strict=False)
    plain = (
        plain.with_columns(_n=n, _mod=mod)
        .with_columns(
            count_low=pl.when(pl.col("_mod").is_in(["nearly", "almost", "up to"]))
            .then(None)
            .when(pl.col("_mod").is_in(["about", "some", "around"]))
            .then((pl.col("_n") * 0.9).round(0).cast(pl.Int64))
            .otherwise(pl.col("_n")),
            count_best=pl.col("_n"),
            count_high=pl.when(pl.col("_mod").is_in(["at least", "more than", "over"]))
            .then(None)
            .when(pl.col("_mod").is_in(["about", "some", "around"]))
            .then((pl.col("_n") * 1.1).round(0).cast(pl.Int64))
            .otherwise(pl.col("_n")),
        )
        .drop("_n", "_mod")
    )
    return pl.concat([plain, _parse(other, "_q")], how="diagonal_relaxed").drop("_q", "_plain")


def _parse(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """`frame` with count_low, count_best, count_high of the lower-cased QUANTITY phrases in
    `column`, per the table above. Staged as columns: eager polars does not share repeated
    subexpressions, and each value feeds several of the three counts."""
    t = pl.col(column)
    rng = t.str.extract_groups(
        rf"^(?:between ({NUMBER}) and ({NUMBER})|({_DIGITS})(?-u:\s)*(?:-|–)(?-u:\s)*({_DIGITS})|({NUMBER}) to ({NUMBER}))$"
    )
    core = t.str.replace(rf"^{MODIFIER}(?-u:\s)+", "").str.replace(r"(?-u:\s)+of$", "").str.strip_chars("+ ")
    frame = frame.with_columns(_rng=rng, _modifier=t.str.extract(rf"^({MODIFIER})(?-u:\s)"), _core=core)
    r = pl.col("_rng").struct
    vague = pl.col("_core").str.extract(rf"^{VAGUE}$", 0)
    frame = frame.with_columns(
        _r_lo=pl.coalesce(*(_number_value(r.field(str(i))) for i in (1, 3, 5))),
        _r_hi2=pl.coalesce(*(_number_value(r.field(str(i))) for i in (2, 4, 6))),
        _v_lo=vague.replace_strict({k: v[0] for k, v in _VAGUE.items()}, default=None, return_dtype=pl.Int64),
        _v_hi=vague.replace_strict({k: v[1] for k, v in _VAGUE.items()}, default=None, return_dtype=pl.Int64),
        _n=_number_value(pl.col("_core")),
        _at_least=(pl.col("_modifier").str.contains(rf"^(?:{_AT_LEAST})$") | t.str.ends_with("+")).fill_null(
            False
        ),
        _at_most=pl.col("_modifier").str.contains(rf"^(?:{_AT_MOST})$").fill_null(False),
        _about=pl.col("_modifier").str.contains(rf"^(?:{_ABOUT})$").fill_null(False),
    )
    r_lo, v_lo, v_hi, n = pl.col("_r_lo"), pl.col("_v_lo"), pl.col("_v_hi"), pl.col("_n")
    # "1990-95" style spans are written low to high; a reversed pair is read as its own order
    r_hi = pl.max_horizontal(r_lo, pl.col("_r_hi2"))
    low = (
        pl.when(r_lo.is_not_null())
        .then(r_lo)
        .when(v_lo.is_not_null())
        .then(v_lo)
        .when(pl.col("_at_most"))
        .then(None)
        .when(pl.col("_about"))
        .then((n * 0.9).round(0).cast(pl.Int64))
        .otherwise(n)
    )
    high = (
        pl.when(r_hi.is_not_null())
        .then(r_hi)
        .when(v_hi.is_not_null())
        .then(v_hi)
        .when(pl.col("_at_least"))
        .then(None)
        .when(pl.col("_about"))
        .then((n * 1.1).round(0).cast(pl.Int64))
        .otherwise(n)
    )
    return frame.with_columns(
        count_low=low.cast(pl.Int64),
        count_best=pl.coalesce(r_lo, v_lo, n).cast(pl.Int64),
        count_high=high.cast(pl.Int64),
    ).drop(
        "_rng",
        "_modifier",
        "_core",
        "_r_lo",
        "_r_hi2",
        "_v_lo",
        "_v_hi",
        "_n",
        "_at_least",
        "_at_most",
        "_about",
    )
