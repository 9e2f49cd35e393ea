"""When: dates written in a sentence, resolved against the document's reference date.

The reference date is the publication date, or else the first full date written in the text.
"on Tuesday" is the last Tuesday on or before it; "December 22" takes its year (the year before
when that would put the day after the reference date); "last week" is a week before it. Without a
reference date, a weekday or a month-day cannot be placed: the date stays null rather than a
year being invented. A sentence with no date expression gets the reference date at week precision.
"""

from __future__ import annotations

import polars as pl

from extract.casefold import ensure_lower, folded, lowered, read_in_lower

_MONTH_NUM = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH = r"(January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
_WEEKDAYS = {
    "monday": 1,
    "tuesday": 2,
    "wednesday": 3,
    "thursday": 4,
    "friday": 5,
    "saturday": 6,
    "sunday": 7,
}

_MDY = (
    rf"(?i)(?-u:\b){_MONTH}(?-u:\s)+(\d{{1,2}})(?:st|nd|rd|th)?,?(?-u:\s)+((?:19|20)(?-u:\d)(?-u:\d))(?-u:\b)"
)
_DMY = (
    rf"(?i)(?-u:\b)(\d{{1,2}})(?:st|nd|rd|th)?(?-u:\s)+{_MONTH},?(?-u:\s)+((?:19|20)(?-u:\d)(?-u:\d))(?-u:\b)"
)
_ISO = r"(?-u:\b)((?:19|20)(?-u:\d)(?-u:\d))-(\d(?-u:\d))-(\d(?-u:\d))(?-u:\b)"
_MD = rf"(?i)(?-u:\b){_MONTH}(?-u:\s)+(\d{{1,2}})(?:st|nd|rd|th)?(?-u:\b)"
_DM = rf"(?i)(?-u:\b)(\d{{1,2}})(?:st|nd|rd|th)?(?-u:\s)+{_MONTH}(?-u:\b)"
_MONTH_YEAR = rf"(?i)(?-u:\b){_MONTH}(?-u:\s)+((?:19|20)(?-u:\d)(?-u:\d))(?-u:\b)"
_YEAR = r"(?i)(?-u:\b)in ((?:19|20)(?-u:\d)(?-u:\d))(?-u:\b)"
# read as whole matches (group 0, no capture group), which need no capture slots: much faster
_WEEKDAY = r"(?i)(?-u:\b)(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?-u:\b)"
_RELATIVE = r"(?i)(?-u:\b)(?:yesterday|today|tonight|this morning|last night|overnight|last week|this week|past week|last month)(?-u:\b)"


def _month(col: pl.Expr) -> pl.Expr:
    return (
        col.str.to_lowercase().str.slice(0, 3).replace_strict(_MONTH_NUM, default=None, return_dtype=pl.Int32)
    )


def _date(year: pl.Expr | int, month: pl.Expr | int, day: pl.Expr | int) -> pl.Expr:
    """A date from parts, null where they make no date ("Sep 58", February 30): text is not trusted."""
    parts = [pl.lit(v) if isinstance(v, int) else v for v in (year, month, day)]
    text = pl.concat_str(
        [
            parts[0].cast(pl.String),
            parts[1].cast(pl.String).str.zfill(2),
            parts[2].cast(pl.String).str.zfill(2),
        ],
        separator="-",
    )
    return text.str.to_date("%Y-%m-%d", strict=False)


def _for(pattern: str, lower: bool) -> str:
    """`pattern` as written, or for lower-cased text if `lower` (what the date patterns capture is
    read case-blind either way)."""
    fold = folded(pattern) if lower else pattern
    if fold is None:
        raise ValueError(f"a date pattern that does not fold: {pattern}")
    return fold


def _full_date(text: pl.Expr, lower: bool = False, months: bool = True) -> pl.Expr:
    """The first full date written in `text` (lower-cased text if `lower`); only an ISO date
    unless `months` (where no month is named, the other patterns cannot match)."""
    iso = text.str.extract_groups(_ISO)
    written = []
    if months:
        mdy = text.str.extract_groups(_for(_MDY, lower))
        dmy = text.str.extract_groups(_for(_DMY, lower))
        written = [
            _date(
                mdy.struct.field("3").cast(pl.Int32, strict=False),
                _month(mdy.struct.field("1")),
                mdy.struct.field("2").cast(pl.Int32, strict=False),
            ),
            _date(
                dmy.struct.field("3").cast(pl.Int32, strict=False),
                _month(dmy.struct.field("2")),
                dmy.struct.field("1").cast(pl.Int32, strict=False),
            ),
        ]
    return pl.coalesce(
        *written,
        _date(
            iso.struct.field("1").cast(pl.Int32, strict=False),
            iso.struct.field("2").cast(pl.Int32, strict=False),
            iso.struct.field("3").cast(pl.Int32, strict=False),
        ),
    )


def reference_dates(docs: pl.DataFrame) -> pl.DataFrame:
    """`(doc_id, ref_date)`: publication date, else the first full date in the text."""
    # the text is read only where there is no publication date: a coalesce would read every text
    undated = docs.with_row_index("_i").filter(pl.col("published_date").is_null())
    read = undated.select(_full_date(pl.col("text").str.slice(0, 3000))).to_series()
    # a copy: scatter writes in place
    published = docs.get_column("published_date").cast(pl.Date).clone()
    return docs.select("doc_id").with_columns(ref_date=published.scatter(undated.get_column("_i"), read))


_MONTH_NAMED = rf"(?i)(?-u:\b){_MONTH}"
_PARTS = pl.Struct({"1": pl.String, "2": pl.String})  # what extract_groups gives for two groups

# any of the expressions below: sentences without one take the reference date, unparsed
_CUE = (
    rf"(?i)(?-u:\b)(?:{_MONTH}|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|yesterday|today|"
    r"tonight|this morning|last night|overnight|last week|this week|past week|last month|in (?:19|20)(?-u:\d)(?-u:\d))(?-u:\b)"
    rf"|{_ISO}"
)


def sentence_dates(sentences: pl.DataFrame, refs: pl.DataFrame) -> pl.DataFrame:
    """`(doc_id, sentence_idx, event_date, date_precision)` for every sentence."""
    # read in lower case where there is an exact copy: the patterns run several times faster there
    sentences = ensure_lower(sentences, "sentence")
    lower = read_in_lower(sentences, "sentence")
    text = pl.col(lowered("sentence") if lower else "sentence")
    s = (
        sentences.select("doc_id", "sentence_idx", text)
        .join(refs, on="doc_id", how="left")
        .with_columns(_cue=text.str.contains(_for(_CUE, lower)))
    )
    ref = pl.col("ref_date")
    undated = s.filter(~pl.col("_cue")).select(
        "doc_id",
        "sentence_idx",
        event_date=ref,
        date_precision=pl.when(ref.is_not_null()).then(pl.lit("week")).otherwise(pl.lit("unknown")),
    )
    ref_year = ref.dt.year()
    # staged: each expression is computed once as a column (eager polars does not share subexpressions)
    cued = s.filter(pl.col("_cue"))
    everywhere = {
        "_year": text.str.extract(_for(_YEAR, lower)).cast(pl.Int32, strict=False),
        "_weekday": text.str.extract(_for(_WEEKDAY, lower), 0)
        .str.to_lowercase()
        .replace_strict(_WEEKDAYS, default=None, return_dtype=pl.Int32),
        "_relative": text.str.extract(_for(_RELATIVE, lower), 0).str.to_lowercase(),
    }
    # the patterns of a month name (those that begin with the day's digits scan slowly) read only
    # the half of the dated sentences that name a month; in the rest they cannot match
    by_month = {
        "_md": text.str.extract_groups(_for(_MD, lower)),
        "_dm": text.str.extract_groups(_for(_DM, lower)),
        "_my": text.str.extract_groups(_for(_MONTH_YEAR, lower)),
        "_full": _full_date(text, lower),
    }
    no_month = {name: pl.lit(None, dtype=_PARTS) for name in ("_md", "_dm", "_my")}
    names_month = text.str.contains(_for(_MONTH_NAMED, lower))
    found = pl.concat(
        [
            cued.filter(names_month).with_columns(**everywhere, **by_month),
            cued.filter(~names_month).with_columns(
                **everywhere, **no_month, _full=_full_date(text, lower, months=False)
            ),
        ]
    )
    md, dm, my, relative = pl.col("_md"), pl.col("_dm"), pl.col("_my"), pl.col("_relative")
    m_num = pl.coalesce(_month(md.struct.field("1")), _month(dm.struct.field("2")))
    d_num = pl.coalesce(md.struct.field("2"), dm.struct.field("1")).cast(pl.Int32, strict=False)
    found = found.with_columns(
        _same_year=_date(ref_year, m_num, d_num), _prev_year=_date(ref_year - 1, m_num, d_num)
    )
    back = (ref.dt.weekday().cast(pl.Int32) - pl.col("_weekday") + 7) % 7
    found = found.with_columns(
        _month_day=pl.when(pl.col("_same_year") > ref)
        .then(pl.col("_prev_year"))
        .otherwise(pl.col("_same_year")),
        _on_weekday=ref - pl.duration(days=back),
        _rel_date=pl.when(relative.is_in(["yesterday", "last night", "overnight"]))
        .then(ref - pl.duration(days=1))
        .when(relative.is_in(["today", "tonight", "this morning", "this week", "past week"]))
        .then(ref)
        .when(relative == "last week")
        .then(ref - pl.duration(days=7))
        .when(relative == "last month")
        .then(ref - pl.duration(days=30)),
        _month_year=_date(my.struct.field("2").cast(pl.Int32, strict=False), _month(my.struct.field("1")), 1),
        _year_date=_date(pl.col("_year"), 1, 1),
    )
    rel_precision = (
        pl.when(relative.is_in(["this week", "past week", "last week"]))
        .then(pl.lit("week"))
        .when(relative == "last month")
        .then(pl.lit("month"))
        .otherwise(pl.lit("day"))
    )
    full, month_day, on_weekday = pl.col("_full"), pl.col("_month_day"), pl.col("_on_weekday")
    rel_date, month_year, year = pl.col("_rel_date"), pl.col("_month_year"), pl.col("_year_date")
    date = pl.coalesce(full, month_day, on_weekday, rel_date, month_year, year, ref)
    precision = (
        pl.when(full.is_not_null() | month_day.is_not_null() | on_weekday.is_not_null())
        .then(pl.lit("day"))
        .when(rel_date.is_not_null())
        .then(rel_precision)
        .when(month_year.is_not_null())
        .then(pl.lit("month"))
        .when(year.is_not_null())
        .then(pl.lit("year"))
        .when(ref.is_not_null())
        .then(pl.lit("week"))
        .otherwise(pl.lit("unknown"))
    )
    dated = found.select("doc_id", "sentence_idx", event_date=date, date_precision=precision)
    return pl.concat([dated, undated])
