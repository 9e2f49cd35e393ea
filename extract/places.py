"""Place names: the shipped Syrian gazetteer (`extract/data/places.csv`) matched in sentences.

Variants are matched case-insensitively with flexible separators ("Maarat al-Numan",
"Maarat Al Numan"), then resolved to one gazetteer row by a normalised key. A governorate
name followed by "province", "countryside", "governorate" or preceded by "rural" is the
governorate (geo_precision 3); a town with "near", "outskirts of", "west of"... is
geo_precision 2; otherwise a town is 1.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import polars as pl

from extract.spans import find_spans

GAZETTEER = Path(__file__).parent / "data" / "places.csv"

_KIND_RANK = {
    "neighbourhood": 0,
    "village": 1,
    "town": 2,
    "landmark": 3,
    "city": 4,
    "district": 5,
    "region": 6,
    "governorate": 7,
}
_REGION_AFTER = r"(?i)^\s*(?:'s\s+)?(?:province|governorate|countryside|region|suburbs|outskirts|rural areas|area|countryside's)\b"
_REGION_BEFORE = r"(?i)(?:\brural|\bcountryside of(?: the)?|\bprovince of|\bgovernorate of|\bsuburbs of|\boutskirts of the province of)\s*$"
_NEAR_BEFORE = (
    r"(?i)(?:\bnear|\bnearby|\bclose to|\boutskirts of|\bvicinity of|\baround|\b(?:north|south|east|west|"
    r"northeast|northwest|southeast|southwest|north-east|north-west|south-east|south-west)(?:ern)? of|\bkm from|"
    r"\bkilometres from|\bkilometers from|\bmiles from|\bedge of|\bentrance of|\bfrom)\s*(?:the\s+)?(?:town of\s+|city of\s+|village of\s+)?$"
)
_UNKNOWN_PLACE = (
    r"\b(?:town|village|city|neighbo(?:u)?rhood|district|suburb|hamlet|area) of "
    r"(?-i:(?:al-|Al-|el-|El-|ar-|as-|ash-)?[A-Z][\w'’]+(?:[- ](?:al-|Al-|el-)?[A-Z][\w'’]+){0,3})"
)


def _key(name: pl.Expr) -> pl.Expr:
    return (
        name.str.to_lowercase()
        .str.replace_all(r"['’‘`ʿʾ]", "")
        .str.replace_all(r"[-\s]+", " ")
        .str.strip_chars()
    )


def _variant_regex(variant: str) -> str:
    out = []
    for ch in variant:
        if ch in "-  ":
            out.append(r"[-\s]?")
        elif ch in "'’‘`":
            out.append(r"['’‘`]?")
        else:
            out.append(re.escape(ch))
    return "".join(out)


@lru_cache(maxsize=1)
def gazetteer() -> tuple[pl.DataFrame, str]:
    """(rows keyed by normalised variant, one regex matching any variant)."""
    raw = pl.read_csv(GAZETTEER, infer_schema=False)
    rows = (
        raw.with_columns(
            pl.col("latitude").cast(pl.Float64),
            pl.col("longitude").cast(pl.Float64),
            rank=pl.col("kind").replace_strict(_KIND_RANK, default=9, return_dtype=pl.Int64),
            variant=pl.concat_list(pl.col("name"), pl.col("variants").fill_null("").str.split("|")),
        )
        .explode("variant")
        .filter(pl.col("variant").str.strip_chars().str.len_chars() > 0)
    )
    rows = rows.with_columns(key=_key(pl.col("variant").str.strip_chars()))
    variants = sorted(set(rows["variant"].str.strip_chars().to_list()), key=len, reverse=True)
    pattern = r"(?i)\b(?:" + "|".join(_variant_regex(v) for v in variants) + r")\b"
    # one town row and, when the name is also a governorate, its governorate row
    towns = (
        rows.filter(pl.col("kind") != "governorate")
        .sort("rank")
        .unique("key", keep="first")
        .select("key", "name", "kind", "admin1", "latitude", "longitude")
    )
    governorates = (
        rows.filter(pl.col("kind") == "governorate")
        .unique("key", keep="first")
        .select("key", gov_name="name", gov_admin1="admin1", gov_lat="latitude", gov_lon="longitude")
    )
    table = towns.join(governorates, on="key", how="full", coalesce=True)
    return table, pattern


def find_places(sentences: pl.DataFrame) -> pl.DataFrame:
    """Places named in each sentence: keys, span, location_name, admin1, lat/lon, geo_precision."""
    table, pattern = gazetteer()
    keys = ["doc_id", "sentence_idx"]
    hits = find_spans(sentences, "sentence", pattern, keys)
    # Place names are proper nouns: a lower-case hit ("hama" in a word list) is not one.
    hits = hits.filter(pl.col("match").str.contains(r"^(?:[A-Z]|al-|el-|ar-|as-|ad-|at-|ash-|az-)"))
    hits = (
        hits.join(sentences.select(*keys, "sentence", "s_start"), on=keys)
        .with_columns(
            key=_key(pl.col("match")),
            left=pl.col("sentence").str.slice(0, pl.col("m_start")).str.slice(-45),
            right=pl.col("sentence").str.slice(pl.col("m_end"), 30),
        )
        .join(table, on="key", how="left")
    )
    as_region = (
        pl.col("right").str.contains(_REGION_AFTER)
        | pl.col("left").str.contains(_REGION_BEFORE)
        | pl.col("name").is_null()
    ) & pl.col("gov_name").is_not_null()
    near = pl.col("left").str.contains(_NEAR_BEFORE)
    town_precision = (
        pl.when(pl.col("kind").is_in(["region", "district", "governorate"]))
        .then(2 + (pl.col("kind") == "governorate").cast(pl.Int64))
        .when(near)
        .then(2)
        .otherwise(1)
    )
    known = hits.with_columns(
        location_name=pl.when(as_region).then(pl.col("gov_name")).otherwise(pl.col("name")),
        admin1=pl.when(as_region).then(pl.col("gov_admin1")).otherwise(pl.col("admin1")),
        latitude=pl.when(as_region).then(pl.col("gov_lat")).otherwise(pl.col("latitude")),
        longitude=pl.when(as_region).then(pl.col("gov_lon")).otherwise(pl.col("longitude")),
        geo_precision=pl.when(as_region)
        .then(pl.lit(3, dtype=pl.Int64))
        .otherwise(town_precision)
        .cast(pl.Int64),
    ).filter(pl.col("admin1").is_not_null())
    unknown = (
        find_spans(sentences, "sentence", _UNKNOWN_PLACE, keys)
        .with_columns(location_name=pl.col("match").str.replace(r"^\w+ of ", ""))
        .with_columns(key=_key(pl.col("location_name")))
        .join(table.select("key"), on="key", how="anti")
        .join(sentences.select(*keys, "s_start"), on=keys)
        .with_columns(
            m_start=pl.col("m_end") - pl.col("location_name").str.len_chars(),
            admin1=pl.lit(None, dtype=pl.String),
            latitude=pl.lit(None, dtype=pl.Float64),
            longitude=pl.lit(None, dtype=pl.Float64),
            geo_precision=pl.lit(None, dtype=pl.Int64),
        )
    )
    cols = [*keys, "m_start", "m_end", "location_name", "admin1", "latitude", "longitude", "geo_precision"]
    return (
        pl.concat([known.select(cols), unknown.select(cols)])
        .with_columns(pl.col("m_start").cast(pl.Int64), pl.col("m_end").cast(pl.Int64))
        .sort([*keys, "m_start"])
    )
