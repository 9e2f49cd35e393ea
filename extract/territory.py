"""Territory changes: "regime forces captured Khan Sheikhoun", "took control of 25 towns and villages"."""

from __future__ import annotations

import polars as pl

from extract.quantities import QUANTITY, add_counts

CAPTURE = (
    r"(?i)(?-u:\b)(?:captur(?:ed|e|ing)|seiz(?:ed|e|ing)|t(?:ook|aken|ake|aking) (?:full |complete |back )?control|"
    r"gain(?:ed|ing) control|recaptur(?:ed|e|ing)|ret(?:ook|aken|ake)|regain(?:ed|ing)|recover(?:ed|ing)|"
    r"took over|overr?an|stormed|liberat(?:ed|ing)|wrested|fell to|entered|took|made advances|advanced into|"
    r"secured|withdrew from|pulled out of|lost control)(?-u:\b)"
)
# up to and including the first capture verb: the verb's offset is this match's length less the verb's
_TO_VERB = r"(?s)^.*?(?:" + CAPTURE + ")"
_ATTEMPT = r"(?i)(?-u:\b)(?:attempt(?:ed|ing|s)?|tr(?:y|ied|ying) to|seeking to|seek to|aim(?:ed|ing|s)? to|bid to|in order to|plans? to|failed to|would|could)(?-u:\b)[^.]{0,40}$"
_LOSS = r"(?i)(?-u:\b)(?:withdrew from|pulled out of|lost control|fell to)(?-u:\b)"
_AREA = (
    r"(?i)(?-u:\b)("
    + QUANTITY
    + r")(?-u:\s)*(square kilometers|square kilometres|sq km|km2|km²|square miles)(?-u:\b)"
)
_COUNT = (
    r"(?i)(?-u:\b)("
    + QUANTITY
    + r")(?-u:\s)+(?:(?:towns?|villages?|hamlets?|localities|settlements|hills?|areas|positions|neighbo(?:u)?rhoods|farms)(?:(?-u:\s)+(?:and|or)(?-u:\s)+)?)+(?-u:\b)"
)


def verb_offset(text: pl.Expr) -> pl.Expr:
    """Where the first capture verb starts, in characters, like the actors' and places' m_start it is
    compared with (`str.find` counts bytes in polars 2.1, characters in 2.2). Read from whole
    matches: the text before the verb as a capture group needs the regex engine's slow capture
    search (67 ms against 9 ms)."""
    return text.str.extract(_TO_VERB, 0).str.len_chars() - text.str.extract(CAPTURE, 0).str.len_chars()


def find_territory(sentences: pl.DataFrame, places: pl.DataFrame, actors: pl.DataFrame) -> pl.DataFrame:
    """One row per place (or per counted group of places) changing hands, before ids and claims."""
    keys = ["doc_id", "sentence_idx"]
    cand = (
        sentences.filter(pl.col("sentence").str.contains(CAPTURE))
        .with_columns(verb_pos=verb_offset(pl.col("sentence")))
        .filter(~pl.col("sentence").str.slice(0, pl.col("verb_pos")).str.contains(_ATTEMPT))
        .with_columns(
            is_loss=pl.col("sentence").str.contains(_LOSS),
            area=pl.col("sentence").str.extract(_AREA, 1),
            area_unit=pl.col("sentence").str.extract(_AREA, 2),
            count_text=pl.col("sentence").str.extract(_COUNT, 1),
        )
    )
    if cand.is_empty():
        return pl.DataFrame()
    # gaining side: the actor named before the verb with the best role; losing: named after it
    acts = actors.join(cand.select(*keys, "verb_pos", "is_loss"), on=keys)
    before = (
        acts.filter(pl.col("m_start") < pl.col("verb_pos"))
        .sort([*keys, "role", "m_start"], descending=[False, False, True, False])
        .unique(keys, keep="first")
        .select(*keys, subject="actor")
    )
    # the losing side is named "from the rebels" or as the holder ("opposition-held territory")
    after = (
        acts.filter(
            (pl.col("m_start") > pl.col("verb_pos"))
            & (pl.col("is_loss") | pl.col("after_from") | (pl.col("role") == 0))
        )
        .sort([*keys, "m_start"])
        .unique(keys, keep="first")
        .select(*keys, obj="actor")
    )
    cand = (
        cand.join(before, on=keys, how="left")
        .join(after, on=keys, how="left")
        .with_columns(
            gaining_actor=pl.when(pl.col("is_loss")).then(pl.col("obj")).otherwise(pl.col("subject")),
            losing_actor=pl.when(pl.col("is_loss")).then(pl.col("subject")).otherwise(pl.col("obj")),
        )
        .with_columns(
            losing_actor=pl.when(pl.col("losing_actor") == pl.col("gaining_actor"))
            .then(None)
            .otherwise(pl.col("losing_actor"))
        )
    )
    cand = add_counts(cand, "count_text").rename({"count_best": "n_counted"}).drop("count_low", "count_high")
    cand = (
        add_counts(cand, "area")
        .with_columns(
            area_km2=pl.when(pl.col("area_unit").str.contains("(?i)miles"))
            .then(pl.col("count_best") * 2.58999)
            .otherwise(pl.col("count_best").cast(pl.Float64)),
        )
        .drop("count_low", "count_best", "count_high")
    )
    named = (
        places.join(cand.select(*keys, "verb_pos"), on=keys)
        .filter(pl.col("m_start") > pl.col("verb_pos"))
        .select(
            *keys,
            "m_start",
            "m_end",
            place_name="location_name",
            admin1="admin1",
            n_places=pl.lit(1, dtype=pl.Int64),
        )
    )
    counted_or_area = (
        cand.filter(pl.col("n_counted").is_not_null() | pl.col("area_km2").is_not_null())
        .join(
            places.join(cand.select(*keys, "verb_pos"), on=keys)
            .filter(pl.col("m_start") > pl.col("verb_pos"))
            .sort([*keys, "m_start"])
            .unique(keys, keep="first")
            .select(*keys, place_name="location_name", admin1="admin1"),
            on=keys,
            how="left",
        )
        .select(*keys, m_start="verb_pos", place_name="place_name", admin1="admin1", n_places="n_counted")
    )
    rows = pl.concat(
        [
            counted_or_area.with_columns(m_end=pl.lit(None, dtype=pl.Int64), kind=pl.lit("counted")),
            named.join(counted_or_area.select(keys), on=keys, how="anti").with_columns(kind=pl.lit("named")),
        ],
        how="diagonal_relaxed",
    )
    # a capture verb with an actor but no place: still a change ("the regime made advances in the region")
    bare = (
        cand.filter(pl.col("gaining_actor").is_not_null())
        .join(rows.select(keys).unique(), on=keys, how="anti")
        .select(
            *keys,
            m_start="verb_pos",
            place_name=pl.lit(None, dtype=pl.String),
            admin1=pl.lit(None, dtype=pl.String),
            n_places=pl.lit(None, dtype=pl.Int64),
        )
        .with_columns(m_end=pl.lit(None, dtype=pl.Int64), kind=pl.lit("bare"))
    )
    rows = pl.concat([rows, bare], how="diagonal_relaxed")
    return rows.join(
        cand.select(*keys, "gaining_actor", "losing_actor", "area_km2", "verb_pos"), on=keys
    ).filter(pl.col("gaining_actor").is_not_null() | pl.col("place_name").is_not_null())
