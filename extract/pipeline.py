"""run_extraction: documents in, the `extract` tables out (events, casualties, territory, doc_profiles)."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import polars as pl

from extract.casefold import contains, with_lower
from extract.casualties import find_casualty_mentions, link_parts
from extract.context import actor_mentions, background_flags, claim_sources, sentence_methods
from extract.dates import reference_dates, sentence_dates
from extract.events import EVENT_TRIGGER, classify, is_clash
from extract.groups import forward_fill_in, group_id, rank_in
from extract.places import find_places
from extract.profiles import doc_profiles
from extract.schema import EXTRACTOR_VERSION, TABLES
from extract.spans import split_sentences
from extract.territory import CAPTURE, find_territory

KEYS = ["doc_id", "sentence_idx"]
LEAD_SENTENCES = 4  # title + the first sentences: where the article's principal incident is told
REST_ARE_FIGHTERS = (
    r"(?i)(?-u:\b)the (?:rest|remainder|remaining|others?)(?-u:\b)[^.;]{0,60}?(?-u:\b)were(?-u:\b)[^.;]{0,40}?"
    r"(?-u:\b)(?:fighters|militants|jihadists|jihadis|soldiers|troops|combatants|rebels|members|gunmen)(?-u:\b)"
)
BOTH_SIDES = r"(?i)(?-u:\b)(?:both (?:sides|camps)|each side|all sides|warring sides|from both)(?-u:\b)"
WAR_TOTAL = 50_000  # a death toll this large is about the war, not one incident
MIN_SHARD_DOCS = 1_000  # below this a thread costs more than it saves


def _drop_restatements(m: pl.DataFrame) -> pl.DataFrame:
    """The same figure said twice is counted once.

    A title figure told again in the body ("35 dead" / "at least 35 fighters") keeps the body's;
    within a sentence (a headline repeated in the lead), the first of equal figures stays.
    """
    # the title's figure goes unless it names the victims and the body's says only "people"
    later = m.filter(pl.col("sentence_idx") > 0).select(
        "doc_id", "outcome", "count_best", later_group="victim_group"
    )
    title = (
        m.filter(pl.col("sentence_idx") == 0)
        .join(later, on=["doc_id", "outcome", "count_best"])
        .filter((pl.col("victim_group") == "people") | (pl.col("later_group") != "people"))
        .unique([*KEYS, "char_start"])
    )
    title_kept = (
        m.filter(pl.col("sentence_idx") == 0)
        .join(title.select(*KEYS, "char_start"), on=[*KEYS, "char_start"], how="anti")
        .select("doc_id", "outcome", "count_best")
    )
    body_restating = (
        m.filter(pl.col("sentence_idx") > 0)
        .join(title_kept, on=["doc_id", "outcome", "count_best"], how="semi")
        .filter(pl.col("victim_group") == "people")
    )
    # within a sentence: a later equal figure of the same group, or a "people" figure that a
    # named group ("15 civilians") says again
    ranked = (
        m.sort([*KEYS, "outcome", "count_best", "char_start"])
        .with_columns(_g=group_id(*KEYS, "outcome", "count_best"))
        .with_columns(specific=(pl.col("victim_group") != "people").cast(pl.Int64), order=rank_in("_g"))
        .drop("_g")
    )
    best = ranked.sort(
        [*KEYS, "outcome", "count_best", "specific", "order"],
        descending=[False, False, False, False, True, False],
    )
    keep = best.unique([*KEYS, "outcome", "count_best", "victim_group"], keep="first")
    keep_specific = keep.filter(pl.col("specific") == 1).select(*KEYS, "outcome", "count_best").unique()
    repeated = pl.concat(
        [
            ranked.join(keep.select(*KEYS, "char_start"), on=[*KEYS, "char_start"], how="anti"),
            ranked.filter(pl.col("victim_group") == "people").join(
                keep_specific, on=[*KEYS, "outcome", "count_best"], how="semi"
            ),
        ]
    )
    drop = pl.concat([t.select(*KEYS, "char_start") for t in (title, body_restating, repeated)])
    return m.join(drop, on=[*KEYS, "char_start"], how="anti")


def _conform(frame: pl.DataFrame, table: str, names: pl.Series) -> pl.DataFrame:
    """`frame` in the table's schema, with the documents' own ids (`names`, by the number `_extract`
    gave each) back in `doc_id`."""
    schema = TABLES[table]
    if frame.is_empty():
        return pl.DataFrame(schema=schema)
    frame = frame.with_columns(doc_id=names.gather(frame.get_column("doc_id")))
    return frame.select(
        [
            pl.col(c).cast(t) if c in frame.columns else pl.lit(None, dtype=t).alias(c)
            for c, t in schema.items()
        ]
    )


def _best_actor(actors: pl.DataFrame, spans_to_skip: pl.DataFrame) -> pl.DataFrame:
    """Per sentence: actor1, the perpetrator (an agent or a plainly named actor, highest role first,
    then first named; never a target nor a victim), and actor2, the side acted on (a target or the
    side of the victims)."""
    inside = (
        actors.join(spans_to_skip, on=KEYS)
        .filter((pl.col("m_start") >= pl.col("v_start")) & (pl.col("m_start") < pl.col("v_end")))
        .select(*KEYS, "m_start")
        .unique()
        .with_columns(victim=pl.lit(True))
    )
    marked = actors.join(inside, on=[*KEYS, "m_start"], how="left").with_columns(
        pl.col("victim").fill_null(False)
    )
    actor1 = (
        marked.filter((pl.col("role") >= 2) & ~pl.col("victim"))
        .sort([*KEYS, "role", "m_start"], descending=[False, False, True, False])
        .unique(KEYS, keep="first")
        .select(*KEYS, actor1="actor", actor1_role="role")
    )
    actor2 = (
        marked.filter((pl.col("role") == 1) | pl.col("victim"))
        .join(actor1, on=KEYS, how="left")
        .filter(pl.col("actor1").is_null() | (pl.col("actor") != pl.col("actor1")))
        .sort([*KEYS, "m_start"])
        .unique(KEYS, keep="first")
        .select(*KEYS, actor2="actor")
    )
    return actor1.join(actor2, on=KEYS, how="full", coalesce=True)


def run_extraction(documents: pl.DataFrame, workers: int | None = None) -> dict[str, pl.DataFrame]:
    """The extract tables of `documents` (doc_id, title, text, published_date).

    Documents are independent, so a large frame is cut into `workers` shards (default: one per
    core, `SITREP_EXTRACT_WORKERS` to override) extracted in threads. Polars runs each string
    kernel on one core and releases the GIL while it does, so threads use the other cores
    without copying the documents into other processes.
    """
    workers = workers or int(os.environ.get("SITREP_EXTRACT_WORKERS", "0")) or os.cpu_count() or 1
    n_shards = max(1, min(workers, documents.height // MIN_SHARD_DOCS))
    if n_shards == 1:
        return _extract(documents)
    size = -(-documents.height // n_shards)
    shards = [documents.slice(i * size, size) for i in range(n_shards)]
    with ThreadPoolExecutor(n_shards) as pool:
        outputs = list(pool.map(_extract, shards))
    return {table: pl.concat([out[table] for out in outputs]) for table in outputs[0]}


def _extract(documents: pl.DataFrame) -> dict[str, pl.DataFrame]:
    # Nearly every step joins, sorts or groups by document, and an integer is cheaper to hash,
    # compare and sort than the id string. Each document is numbered by its id's rank (so sorting
    # by the number is sorting by the id) and gets its id back in `_conform`; the ids the tables
    # hold (event_id, casualty_id, change_id) are spelled with `name`.
    names = documents.get_column("doc_id").unique().sort()
    name = pl.lit(names).gather(pl.col("doc_id"))
    docs = documents.select("doc_id", "title", "text", "published_date").with_columns(
        doc_id=pl.col("doc_id").rank("dense").cast(pl.Int64) - 1
    )
    # case-insensitive patterns read the sentences in lower case (`extract.casefold`)
    sentences = with_lower(split_sentences(docs), "sentence")
    mentions = link_parts(_drop_restatements(find_casualty_mentions(sentences)))

    # sentences worth reading for context: the lead, violence, territory, and every figure's own
    figure_keys = mentions.select(KEYS).unique().with_columns(has_figure=pl.lit(True))
    # the violence and territory tests are kept as columns: events and territory read them again
    flagged = (
        sentences.join(figure_keys, on=KEYS, how="left")
        .with_columns(
            _event=contains(sentences, "sentence", EVENT_TRIGGER),
            _capture=contains(sentences, "sentence", CAPTURE),
        )
        .filter(
            (pl.col("sentence_idx") < LEAD_SENTENCES)
            | pl.col("_event")
            | pl.col("_capture")
            | pl.col("has_figure").fill_null(False)
        )
        .drop("has_figure")
    )
    event_keys = flagged.filter(pl.col("_event")).select(KEYS)
    capture_sentences = flagged.filter(pl.col("_capture")).drop("_event", "_capture")
    relevant = flagged.drop("_event", "_capture").with_columns(
        is_background=background_flags(flagged), method=sentence_methods()
    )
    claims = claim_sources(sentences)
    places = find_places(relevant)
    actors = actor_mentions(relevant)
    dates = sentence_dates(relevant, reference_dates(docs))
    victim_spans = (
        mentions.select(*KEYS, v_start=pl.col("char_start"), v_end=pl.col("char_end"))
        .join(sentences.select(*KEYS, "s_start"), on=KEYS)
        .with_columns(
            v_start=pl.col("v_start") - pl.col("s_start"), v_end=pl.col("v_end") - pl.col("s_start")
        )
        .drop("s_start")
    )
    sentence_actors = _best_actor(actors, victim_spans)
    first_place = (
        places.filter(pl.col("admin1").is_not_null()).unique(KEYS, keep="first").drop("m_start", "m_end")
    )

    territory = find_territory(capture_sentences, places, actors)
    gains = (
        territory.select(*KEYS, territory_gain="gaining_actor").unique(KEYS, keep="first")
        if not territory.is_empty()
        else pl.DataFrame(
            schema={
                **{k: sentences.schema[k] for k in KEYS},
                "territory_gain": pl.String,
            }
        )
    )

    casualty_sentences = mentions.select(*KEYS).unique()
    event_sentences = pl.concat([event_keys, casualty_sentences]).unique()
    # Location carries over from earlier sentences of the same document when a sentence names none.
    located = (
        relevant.select(*KEYS)
        .join(first_place, on=KEYS, how="left")
        .sort(KEYS)
        .with_columns(_d=group_id("doc_id"))
        .with_columns(
            forward_fill_in(pl.col(c), "_d")
            for c in ["location_name", "admin1", "latitude", "longitude", "geo_precision"]
        )
        .drop("_d")
    )
    war_total = (
        mentions.filter(pl.col("outcome").is_in(["killed", "died"]) & (pl.col("count_best") >= WAR_TOTAL))
        .select(KEYS)
        .unique()
    )
    events = (
        event_sentences.join(relevant, on=KEYS)
        .join(located, on=KEYS, how="left")
        .join(sentence_actors, on=KEYS, how="left")
        .join(claims, on=KEYS, how="left")
        .join(dates, on=KEYS, how="left")
        .join(gains, on=KEYS, how="left")
        .join(war_total.with_columns(war=pl.lit(True)), on=KEYS, how="left")
        .with_columns(is_background=pl.col("is_background") | pl.col("war").fill_null(False))
    )
    event_type, sub_event_type = classify(pl.col("method"), pl.col("_clash"), pl.col("territory_gain"))
    events = (
        events.with_columns(_clash=is_clash(events))
        .with_columns(
            event_id=pl.concat_str([name, pl.lit("#e"), pl.col("s_start").cast(pl.String)]),
            event_type=event_type,
            sub_event_type=sub_event_type,
            method=pl.col("method").fill_null("unknown"),
            actor1=pl.col("actor1").fill_null("unknown"),
            char_start="s_start",
            char_end="s_end",
            evidence="sentence",
            extractor_version=pl.lit(EXTRACTOR_VERSION),
        )
        .drop("_clash")
        .sort(KEYS)
    )

    by_idx = mentions.select(
        "idx",
        parent_casualty_id=pl.concat_str([name, pl.lit("#c"), pl.col("char_start").cast(pl.String)]),
    )
    casualties = (
        mentions.join(
            events.select(*KEYS, "event_id", "is_background", "claim_source", "evidence"), on=KEYS, how="left"
        )
        .join(by_idx.rename({"idx": "parent_idx"}), on="parent_idx", how="left")
        .with_columns(
            casualty_id=pl.concat_str([name, pl.lit("#c"), pl.col("char_start").cast(pl.String)]),
            is_background=pl.col("is_background").fill_null(False)
            | (pl.col("outcome").is_in(["killed", "died"]) & (pl.col("count_best") >= WAR_TOTAL)),
            extractor_version=pl.lit(EXTRACTOR_VERSION),
        )
    )
    sentence_facts = relevant.select(
        *KEYS,
        "method",
        "is_background",
        rest_are_fighters=contains(relevant, "sentence", REST_ARE_FIGHTERS),
        both_sides=contains(relevant, "sentence", BOTH_SIDES),
    ).join(sentence_actors, on=KEYS, how="left")
    profiles = doc_profiles(docs, casualties, events, sentence_facts, places, LEAD_SENTENCES)

    territory_rows = pl.DataFrame()
    if not territory.is_empty():
        territory_rows = (
            territory.join(sentences.select(*KEYS, "s_start", "s_end", "sentence"), on=KEYS)
            .join(claims, on=KEYS, how="left")
            .join(dates, on=KEYS, how="left")
            .with_columns(
                change_id=pl.concat_str(
                    [
                        name,
                        pl.lit("#t"),
                        pl.col("s_start").cast(pl.String),
                        pl.lit("-"),
                        pl.col("m_start").cast(pl.String),
                    ]
                ),
                char_start=pl.col("s_start") + pl.col("m_start").fill_null(0),
                char_end=pl.when(pl.col("m_end").is_not_null())
                .then(pl.col("s_start") + pl.col("m_end"))
                .otherwise(pl.col("s_end")),
                evidence="sentence",
                extractor_version=pl.lit(EXTRACTOR_VERSION),
            )
            # one row per span start: a gazetteer place ("Jisr al-Shughur") over an unknown name
            # read at the same start ("Jisr"), then the longer; fixed so reruns agree
            .sort(["change_id", pl.col("admin1").is_null(), "m_end"], descending=[False, False, True])
            .unique("change_id", keep="first", maintain_order=True)
            .sort(["doc_id", "char_start"])
        )
    return {
        "events": _conform(events, "events", names),
        "casualties": _conform(casualties.sort(["doc_id", "char_start"]), "casualties", names),
        "territory": _conform(territory_rows, "territory", names),
        "doc_profiles": _conform(profiles, "doc_profiles", names),
    }
