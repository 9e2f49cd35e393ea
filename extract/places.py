"""Place names: the shipped Syrian gazetteer (`extract/data/places.csv`) matched in sentences.

Capitalised word runs are cut into 1..5-word windows whose normalised key (lower case, no
apostrophes, hyphens as spaces: "Maarat Al-Nouman" = "maarat al nouman") is joined against the
gazetteer's variants; the longest match wins. A join, not one giant alternation regex, because
the gazetteer has thousands of spellings and must run over millions of sentences. A governorate
name followed by "province", "countryside", "governorate" or preceded by "rural" is the
governorate (geo_precision 3); a town with "near", "outskirts of", "west of"... is
geo_precision 2; otherwise a town is 1.

A name that places in several governorates share (the Midan quarters of Aleppo and Damascus) is
the one whose governorate the sentence, else the article, names (a tie: the first in the
alphabet). A place the text puts in a governorate ("al-Salehia village in the northern
countryside of Raqqa") is in it; its coordinates are then the governorate's (geo_precision 3).
"Alwaer" is matched as "al-Waer".

Lower-case words after a capitalised one are read with it (feeds lower-case the tail of a name:
"Deir ezzor"), and so is a name after up to three of them ("Shelling hit al-Tall"). English words
that begin names ("eastern Ghouta", "rural Damascus") begin them in lower case too. An Arabic
article that is also an English word starts a name only when hyphenated to it: "at-Tall" is a
town, "at Tal Rifaat" is "at" and another. A number may be a word of a name ("Division 17",
"the 17th Division": army bases).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import polars as pl

from extract.spans import find_spans, split_on_chars

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
_REGION_AFTER = r"(?i)^(?-u:\s)*(?:'s(?-u:\s)+)?(?:province|governorate|countryside|region|suburbs|outskirts|rural areas|area|countryside's)(?-u:\b)"
_REGION_BEFORE = r"(?i)(?:(?-u:\b)rural|(?-u:\b)countryside of(?: the)?|(?-u:\b)province of|(?-u:\b)governorate of|(?-u:\b)suburbs of|(?-u:\b)outskirts of the province of)(?-u:\s)*$"
_NEAR_BEFORE = (
    r"(?i)(?:(?-u:\b)near|(?-u:\b)nearby|(?-u:\b)close to|(?-u:\b)outskirts of|(?-u:\b)vicinity of|(?-u:\b)around|(?-u:\b)(?:north|south|east|west|"
    r"northeast|northwest|southeast|southwest|north-east|north-west|south-east|south-west)(?:ern)? of|(?-u:\b)km from|"
    r"(?-u:\b)kilometres from|(?-u:\b)kilometers from|(?-u:\b)miles from|(?-u:\b)edge of|(?-u:\b)entrance of|(?-u:\b)from)(?-u:\s)*(?:the(?-u:\s)+)?(?:town of(?-u:\s)+|city of(?-u:\s)+|village of(?-u:\s)+)?$"
)
_GOVERNMENT_RIGHT = (
    r"(?i)^(?-u:\s)*(?:'s(?-u:\s)+)?(?:regime|government|authorities|forces|troops|all(?:y|ies)|and Moscow)(?-u:\b)"
    r"|^(?-u:\s)*(?:(?:has|have|had)(?-u:\s)+)?(?:(?:also|repeatedly|always|long|officially)(?-u:\s)+)?"
    r"(?:denie[sd]|blame[sd]|accuse[sd]|rejected|declared|joined|insist(?:s|ed)|agreed)(?-u:\b)"
)
# "Salhiyeh village in the northern countryside of", "Midan neighbourhood of": what lies between a
# place and the governorate it is said to be in
_CONTAINED = (
    r"(?i)^(?-u:\s)*(?:(?:village|town|city|neighbou?rhood|district|area|suburb|quarter)s?(?-u:\s)+)?(?:in|of)(?-u:\s)+"
    r"(?:the(?-u:\s)+)?(?:(?:(?:north|south)-?(?:east|west)?|east|west)(?:ern)?(?-u:\s)+)?"
    r"(?:rural(?-u:\s)+|countryside of(?-u:\s)+(?:the(?-u:\s)+)?)?$"
)
_UNKNOWN_PLACE = (
    r"(?-u:\b)(?:town|village|city|neighbo(?:u)?rhood|district|suburb|hamlet|area) of "
    r"(?-i:(?:al-|Al-|el-|El-|ar-|as-|ash-)?[A-Z][A-Za-z0-9_'’]+(?:[- ](?:al-|Al-|el-)?[A-Z][A-Za-z0-9_'’]+){0,3})"
)


def _fold(text: pl.Expr) -> pl.Expr:
    return text.str.to_lowercase().str.replace_all(r"['’‘`ʿʾ]", "")


def _key(name: pl.Expr) -> pl.Expr:
    return _fold(name).str.replace_all(r"[- \t\n\r\f]+", " ").str.strip_chars()


# A run of capitalised words with Arabic article/connector words between them: where place names are.
_CONNECT = r"(?:al|el|Al|El|ez|ar|as|ash|ad|at|az|an|um|Um|umm|bin|ibn|wa)"
# a number may be a word of it ("Division 17", "Mezzeh 86": army bases)
_NAME = rf"[A-Z][A-Za-z0-9_'’]*(?:[- \t\n\r\f]+(?:{_CONNECT}[- \t\n\r\f]+)*(?:[A-Z][A-Za-z0-9_'’]*|[0-9]+))*"
# ...and up to three lower-case words after it, since feeds lower-case the tail of a name
# ("Syria's Deir ezzor"); windows still have to start with a capital, a number, an article or a
# lead word below, and match a gazetteer key
_TAIL = r"(?:[- \t]+[a-z'’]+){0,3}"
# English words that begin names in the gazetteer, written lower-case ("eastern Ghouta", "rural Damascus")
_LEAD = r"(?:eastern|western|northern|southern|east|west|north|south|rural|old|new|upper|lower|greater)"
# a tail may end in the beginning of the next name ("Shelling hit al-Tall", "bombs on eastern Ghouta")
_RUN = rf"(?:{_CONNECT}[-‐ ]|{_LEAD} |[0-9]+(?:st|nd|rd|th)? )?{_NAME}{_TAIL}(?:[-‐ ]{_NAME}{_TAIL})*"
_TOKEN_CHARS = " \t\n\r\f-‐"  # the space first: `split_on_chars` cuts at it
_TOKEN_SEPARATOR = "[" + _TOKEN_CHARS.replace("-", r"\-") + "]"
# Arabic articles that are also English words (see the module docstring)
_ENGLISH_HOMOGRAPHS = ["at", "as", "an"]
MAX_NGRAM = 5


def _candidates(sentences: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Every 1..MAX_NGRAM-token window of a capitalised run that starts with a word some place
    name starts with and whose lookup key is a gazetteer key, with its span."""
    first_words, any_first_word = _first_words()
    runs = find_spans(sentences, "sentence", _RUN, keys).rename({"match": "run", "m_start": "r_start"})
    # most runs ("The army said") hold no word a place name starts with: skip them before splitting
    runs = (
        runs.filter(_fold(pl.col("run")).str.contains(any_first_word))
        .with_row_index("run_id")
        .select("run_id", *keys, "run", "r_start")
    )
    # rows come out in run order, tokens of a run contiguous: the next words are the next rows
    tokens = split_on_chars(runs, "run", _TOKEN_CHARS, ["run_id"]).with_columns(
        word=_fold(pl.col("match"))
    )
    window = (
        tokens.with_row_index("_t")
        .filter(pl.col("word").is_in(first_words.implode()))
        .filter(pl.col("match").str.contains(rf"^(?:[A-Z0-9]|{_CONNECT}$|{_LEAD}$)"))
        .select("_t", "run_id", "m_start", w_end="m_end", key="word")
    )
    # such an article starts a name only when hyphenated to it
    joined_by = runs["run"].gather(window["run_id"]).str.slice(window["w_end"], 1)
    window = window.filter(~pl.col("key").is_in(_ENGLISH_HOMOGRAPHS) | joined_by.is_in(["-", "‐"]))
    names, prefixes = _key_prefixes()
    found = []
    # a window grows a word at a time, and only while its key begins some gazetteer key
    for n in range(1, MAX_NGRAM + 1):
        found.append(window.filter(pl.col("key").is_in(names.implode())).with_columns(n_tokens=pl.lit(n)))
        if n == MAX_NGRAM:
            break
        window = window.filter(
            pl.col("key").is_in(prefixes[n - 1].implode()) & (pl.col("_t") + n < tokens.height)
        )
        after = tokens.select("run_id", "word", "m_end").gather(window["_t"] + n)
        window = (
            window.with_columns(_run=after["run_id"], _word=after["word"], _end=after["m_end"])
            .filter(pl.col("_run") == pl.col("run_id"))
            .with_columns(key=pl.concat_str(["key", "_word"], separator=" "), w_end="_end")
            .drop("_run", "_word", "_end")
        )
    grams = pl.concat(found)
    # run_id is the run's row number
    grams = pl.concat([grams, runs.select(*keys, "r_start").gather(grams["run_id"])], how="horizontal")
    return grams.select(
        "run_id",
        *keys,
        m_start=pl.col("r_start") + pl.col("m_start"),
        m_end=pl.col("r_start") + pl.col("w_end"),
        n_tokens="n_tokens",
        key="key",
    )


@lru_cache(maxsize=1)
def _key_prefixes() -> tuple[pl.Series, list[pl.Series]]:
    """The gazetteer keys, and for n = 1..MAX_NGRAM-1 the n-word beginnings of its longer keys:
    a window that is none of those cannot grow into a key."""
    names = gazetteer()["key"]
    words = names.str.split(" ")
    prefixes = [
        words.filter(words.list.len() > n).list.head(n).list.join(" ").unique() for n in range(1, MAX_NGRAM)
    ]
    return names, prefixes


@lru_cache(maxsize=1)
def _first_words() -> tuple[pl.Series, str]:
    """The words gazetteer keys start with, and a pattern that finds any of them in folded text."""
    words = gazetteer()["key"].str.split(" ").list.first().unique().sort()
    alternation = "|".join(re.escape(w) for w in sorted(words.to_list(), key=len, reverse=True))
    return words, rf"(?:^|{_TOKEN_SEPARATOR})(?:{alternation})(?:{_TOKEN_SEPARATOR}|$)"


@lru_cache(maxsize=1)
def _rows() -> pl.DataFrame:
    """One row per gazetteer row and spelling, with its normalised key."""
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
    keyed = rows.with_columns(key=_key(pl.col("variant").str.strip_chars()))
    # feeds that drop the article's hyphen write "Alwaer", "Maaret Alnouman": key that spelling too
    glued = keyed.with_columns(key=pl.col("key").str.replace_all(r"(^| )al ", "${1}al")).filter(
        pl.col("key").str.contains(r"(?:^| )al[a-z]")
    )
    return pl.concat([keyed, glued]).unique(["name", "kind", "admin1", "key"], maintain_order=True)


@lru_cache(maxsize=1)
def gazetteer() -> pl.DataFrame:
    """Gazetteer rows keyed by normalised variant: a town row and, for a governorate name, its governorate row."""
    rows = _rows()
    # one town row and, when the name is also a governorate, its governorate row
    towns = (
        rows.filter(pl.col("kind") != "governorate")
        .sort("rank", maintain_order=True)
        .unique("key", keep="first")
        .select("key", "name", "kind", "admin1", "latitude", "longitude")
    )
    governorates = (
        rows.filter(pl.col("kind") == "governorate")
        .unique("key", keep="first")
        .select("key", gov_name="name", gov_admin1="admin1", gov_lat="latitude", gov_lon="longitude")
    )
    return towns.join(governorates, on="key", how="full", coalesce=True)


@lru_cache(maxsize=1)
def homonyms() -> pl.DataFrame:
    """Every governorate a name shared by places in several governorates (the Midan quarters of
    Damascus and Aleppo) can be in, with that place's row."""
    rows = (
        _rows()
        .filter(pl.col("kind") != "governorate")
        .sort("rank", maintain_order=True)
        .unique(["key", "admin1"], keep="first")
    )
    return rows.filter(pl.col("admin1").n_unique().over("key") > 1).select(
        "key", h_name="name", h_admin1="admin1", h_lat="latitude", h_lon="longitude"
    )


def _resolve_homonyms(known: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """A shared name is the place in the governorate its context names: places of that governorate in
    the same sentence count most ("the Midan neighbourhood of Damascus"), then in the whole document."""
    table = homonyms()
    shared = known.filter(pl.col("geo_precision") != 3).join(table, on="key")
    # the context: every other place of the documents that name a shared one
    context = known.join(shared.select("doc_id").unique(), on="doc_id", how="semi").join(
        table.select("key").unique(), on="key", how="anti"
    )
    in_sentence = context.group_by(*keys, h_admin1="admin1").agg(s_n=pl.len())
    in_doc = context.group_by("doc_id", h_admin1="admin1").agg(d_n=pl.len())
    chosen = (
        shared.select(*keys, "m_start", "h_name", "h_admin1", "h_lat", "h_lon")
        .join(in_sentence, on=[*keys, "h_admin1"], how="left")
        .join(in_doc, on=["doc_id", "h_admin1"], how="inner")
        # a tie (the context names both governorates as often) goes to the first in the alphabet:
        # any fixed choice, so that reruns and other batchings agree
        .sort([pl.col("s_n").fill_null(0), "d_n", "h_admin1"], descending=[True, True, False])
        .unique([*keys, "m_start"], keep="first")
        .drop("s_n", "d_n")
    )
    return known.join(chosen, on=[*keys, "m_start"], how="left").with_columns(
        location_name=pl.coalesce("h_name", "location_name"),
        admin1=pl.coalesce("h_admin1", "admin1"),
        latitude=pl.coalesce("h_lat", "latitude"),
        longitude=pl.coalesce("h_lon", "longitude"),
    )


def _contained(known: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """A place the sentence says lies in a governorate ("al-Salehia village in the northern countryside
    of Raqqa province") is in it throughout the document, whatever governorate the gazetteer's place of
    that name is in; its coordinates are then the governorate's. Rif Dimashq places "of Damascus" are
    left alone: the countryside surrounds the capital."""
    ordered = known.sort([*keys, "m_start"])
    same_sentence = (pl.col("doc_id").shift(-1) == pl.col("doc_id")) & (
        pl.col("sentence_idx").shift(-1) == pl.col("sentence_idx")
    )
    nxt = ordered.with_columns(
        pl.when(same_sentence).then(pl.col(c).shift(-1)).alias(n)
        for c, n in [
            ("m_start", "n_start"),
            ("gov_admin1", "n_gov"),
            ("gov_lat", "n_lat"),
            ("gov_lon", "n_lon"),
        ]
    )
    between = pl.col("sentence").str.slice(pl.col("m_end"), (pl.col("n_start") - pl.col("m_end")).clip(0))
    contained = (
        nxt.filter(
            (pl.col("geo_precision") != 3)
            & pl.col("gov_name").is_null()
            & (pl.col("n_gov") != pl.col("admin1"))
            & ~((pl.col("admin1") == "Rif Dimashq") & (pl.col("n_gov") == "Damascus"))
        )
        .filter(between.str.contains(_CONTAINED))
        .select(*keys, "m_start", "key", "n_gov", "n_lat", "n_lon")
    )
    # the same name elsewhere in the document, in a sentence that names no other place, is that place too
    per_name = contained.unique(["doc_id", "key"], keep="first").drop("sentence_idx", "m_start")
    places_here = known.group_by(keys).agg(n_here=pl.len())
    town = pl.col("n_gov").is_not_null() & (pl.col("is_said").fill_null(False) | (pl.col("n_here") == 1))
    return (
        known.join(per_name, on=["doc_id", "key"], how="left")
        .join(contained.select(*keys, "m_start", is_said=pl.lit(True)), on=[*keys, "m_start"], how="left")
        .join(places_here, on=keys, how="left")
        .with_columns(
            admin1=pl.when(town).then(pl.col("n_gov")).otherwise(pl.col("admin1")),
            latitude=pl.when(town).then(pl.col("n_lat")).otherwise(pl.col("latitude")),
            longitude=pl.when(town).then(pl.col("n_lon")).otherwise(pl.col("longitude")),
            geo_precision=pl.when(town).then(pl.lit(3, dtype=pl.Int64)).otherwise(pl.col("geo_precision")),
        )
    )


def find_places(sentences: pl.DataFrame) -> pl.DataFrame:
    """Places named in each sentence: keys, span, location_name, admin1, lat/lon, geo_precision."""
    table = gazetteer()
    keys = ["doc_id", "sentence_idx"]
    grams = _candidates(sentences, keys)
    # keep the longest name of each overlap ("Maarat al-Numan", not "Maarat" and "Numan")
    longer = grams.join(grams.select("run_id", o_start="m_start", o_end="m_end", o_n="n_tokens"), on="run_id")
    covered = (
        longer.filter(
            (pl.col("o_n") > pl.col("n_tokens"))
            & (pl.col("o_start") <= pl.col("m_start"))
            & (pl.col("o_end") >= pl.col("m_end"))
        )
        .select("run_id", "m_start", "m_end")
        .unique()
    )
    hits = grams.join(covered, on=["run_id", "m_start", "m_end"], how="anti").unique(
        [*keys, "m_start"], keep="first"
    )
    hits = (
        hits.join(sentences.select(*keys, "sentence", "s_start"), on=keys)
        .with_columns(
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
    ).filter(
        pl.col("admin1").is_not_null()
        # "Damascus regime forces", "recaptured by Damascus", "its Damascus ally", "Damascus denied":
        # the capital names the government
        & ~pl.col("right").str.contains(_GOVERNMENT_RIGHT)
        & ~pl.col("left").str.contains(r"(?i)(?:(?-u:\b)by|(?-u:\b)(?:Moscow|Tehran) and)(?-u:\s)+$")
    )
    known = _contained(_resolve_homonyms(known, keys), keys)
    unknown = (
        find_spans(sentences, "sentence", _UNKNOWN_PLACE, keys)
        .with_columns(location_name=pl.col("match").str.replace(r"^(?-u:\w)+ of ", ""))
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
        # "town of Jisr al Shughour": the gazetteer read the whole name where the pattern stopped short
        .join(known.select(*keys, "m_start"), on=[*keys, "m_start"], how="anti")
    )
    cols = [*keys, "m_start", "m_end", "location_name", "admin1", "latitude", "longitude", "geo_precision"]
    return (
        pl.concat([known.select(cols), unknown.select(cols)])
        .with_columns(pl.col("m_start").cast(pl.Int64), pl.col("m_end").cast(pl.Int64))
        .sort([*keys, "m_start"])
    )
