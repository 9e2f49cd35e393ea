"""Deterministic benchmark corpora: N varied copies of a base corpus, written like a user's dump.

Every generated article is a copy of a base article (read through `ingest.read_source`) whose
places, actors, numbers and weekdays are swapped and whose publication date is shifted, all
chosen by a seeded, row-dependent mix of the article number. The substitutions are polars string
operations over whole partitions (one `str.replace_many` per substitution variant, never a
Python loop over articles). A closing wire reference with the article number makes every text
unique, so deduplication can never skip work.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import polars as pl

import ingest

# Record layout of the generated files (what ingest reads from CSV / Parquet dumps).
COLUMNS = ("id", "title", "text", "source", "url", "published_at")

# Swapped among themselves (a rotation per article). Whole names, none a prefix of a common word.
PLACES = (
    "Aleppo",
    "Idlib",
    "Homs",
    "Douma",
    "Raqqa",
    "Daraa",
    "Palmyra",
    "Manbij",
    "Afrin",
    "Saraqeb",
    "Khan Sheikhoun",
    "Deir ez-Zor",
    "Ghouta",
    "Kobani",
    "Maarat al-Numan",
    "Latakia",
    "Qamishli",
    "Darayya",
    "Jisr al-Shughur",
    "Tal Rifaat",
)
ADJECTIVES = ("Russian", "Iranian", "Israeli", "American")
GROUPS = (
    "Islamic State",
    "Hezbollah",
    "Syrian Democratic Forces",
    "Free Syrian Army",
    "Hayat Tahrir al-Sham",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
N_NUMBER_VARIANTS = 16
DATE_SPREAD_DAYS = 1500  # published dates move by up to this many days either way


def base_corpus(path: Path, fmt: str = "auto") -> pl.DataFrame:
    """The base articles (title, body without the title paragraph, source, url, published_date)."""
    docs = ingest.read_source(path, fmt=fmt).documents
    if docs.is_empty():
        raise ValueError(f"{path} has no usable articles")
    title = pl.col("title").fill_null("")
    return docs.select(
        title=title,
        body=pl.col("text").str.strip_prefix(pl.concat_str(title, pl.lit("\n\n"))),
        source=pl.col("source").fill_null("Sitrep Bench Wire"),
        url=pl.col("url"),
        published_date=pl.col("published_date").fill_null(pl.date(2016, 6, 15)),
    )


def _mix(i: pl.Expr, seed: int, mult: int, mod: int) -> pl.Expr:
    """A deterministic, version-independent pseudo-random integer in [0, mod) per article."""
    return ((i * mult + seed * 7919 + 12345) % 2_147_483_647 * 48_271 % 2_147_483_647) % mod


def _rotation(words: Sequence[str], shift: int) -> dict[str, str]:
    return {w: words[(j + shift) % len(words)] for j, w in enumerate(words)}


def _number_mapping(variant: int) -> dict[str, str]:
    """ " n " -> " m " for n in 1..99, a permutation. 1..28 stay within 1..28 and 29..31 stay
    themselves, so a day of the month stays a valid date in every month."""
    if variant == 0:
        return {}
    out = {}
    for n in range(1, 100):
        if n <= 28:
            m = (n - 1 + 5 * variant) % 28 + 1
        elif n <= 31:
            m = n
        else:
            m = (n - 32 + 11 * variant) % 68 + 32
        out[f" {n} "] = f" {m} "
    return out


def _substitute(frame: pl.DataFrame, key: str, mappings: dict[int, dict[str, str]]) -> pl.DataFrame:
    """Apply `mappings[v]` to title and body of the rows whose column `key` is v."""
    parts = []
    for (variant,), part in frame.partition_by(key, as_dict=True, maintain_order=True).items():
        mapping = mappings.get(int(variant)) or {}  # type: ignore[call-overload]
        if mapping:
            patterns, replacements = list(mapping), list(mapping.values())
            part = part.with_columns(
                pl.col(c).str.replace_many(patterns, replacements) for c in ("title", "body")
            )
        parts.append(part)
    return pl.concat(parts)


def generate(base: pl.DataFrame, n: int, *, seed: int = 0, start: int = 0) -> pl.DataFrame:
    """Articles number `start` .. `start + n - 1` (columns `COLUMNS`), deterministic in `seed`."""
    i = pl.col("i")
    rows = pl.DataFrame({"i": pl.int_range(start, start + n, eager=True, dtype=pl.Int64)}).with_columns(
        base_row=i % base.height,
        place=_mix(i, seed, 1_000_003, len(PLACES)),
        actor=_mix(i, seed, 2_000_029, len(ADJECTIVES) * len(GROUPS)),
        number=_mix(i, seed, 3_000_017, N_NUMBER_VARIANTS),
        weekday=_mix(i, seed, 4_000_037, len(WEEKDAYS)),
        shift_days=_mix(i, seed, 5_000_011, 2 * DATE_SPREAD_DAYS + 1) - DATE_SPREAD_DAYS,
    )
    frame = pl.concat([rows, base.select(pl.all().gather(rows["base_row"]))], how="horizontal")

    frame = _substitute(frame, "place", {k: _rotation(PLACES, k) for k in range(1, len(PLACES))})
    frame = _substitute(
        frame,
        "actor",
        {
            k: {**_rotation(ADJECTIVES, k % len(ADJECTIVES)), **_rotation(GROUPS, k // len(ADJECTIVES))}
            for k in range(1, len(ADJECTIVES) * len(GROUPS))
        },
    )
    frame = _substitute(frame, "number", {k: _number_mapping(k) for k in range(1, N_NUMBER_VARIANTS)})
    frame = _substitute(frame, "weekday", {k: _rotation(WEEKDAYS, k) for k in range(1, len(WEEKDAYS))})

    number = i.cast(pl.String).str.zfill(8)
    return frame.sort("i").select(
        id=pl.concat_str(pl.lit("bench-"), number),
        title=pl.col("title"),
        text=pl.concat_str(pl.col("body"), pl.lit("\n\n(Sitrep bench wire, ref. SB-"), number, pl.lit(")")),
        source=pl.col("source"),
        url=pl.concat_str(pl.lit("https://bench.sitrep.example/"), number),
        published_at=(pl.col("published_date") + pl.duration(days=pl.col("shift_days"))).dt.to_string(
            "%Y-%m-%d"
        ),
    )


def write_corpus(frame: pl.DataFrame, path: Path) -> Path:
    """Write generated articles as Parquet (or CSV when `path` ends in .csv)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".csv":
        frame.write_csv(path)
    else:
        frame.write_parquet(path, compression="zstd", row_group_size=50_000)
    return path


def text_megabytes(frame: pl.DataFrame) -> float:
    """Size of the article text (title + body, UTF-8) in MB (10^6 bytes)."""
    sizes = frame.select(pl.col("title").str.len_bytes().sum() + pl.col("text").str.len_bytes().sum())
    return float(sizes.item()) / 1e6
