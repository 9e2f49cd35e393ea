"""The article's principal incident, summarised per document (what `marts.doc_summary` reports).

The principal incident is told in the lead: the first body sentence among the first few that
carries a (non-background) death toll, else the title's, else the first one anywhere. Its
top-level figures are summed by group ("120 IS fighters and 60 mercenaries" = 180 combatants);
parts are never added to their totals. "people" counts as civilians unless its parts say
otherwise. Children and women come from the parts of those totals, or else from the first
figure of their own elsewhere in the article ("at least 11 children were among the dead").

Women as an analyst counts them: "including five women" is five; "a woman and her two children"
is one woman and two children; "a mother and her child" is one woman. A woman named as a part of
another toll counts only when that toll is the principal's told again or in full (as large, and
told for the same days); "in X warplanes also killed six civilians including a woman" further down
is another strike. A woman tied to the toll only because the figures add up counts when she is told
in the lead. A child named as a part counts by the same rule, and also whenever told in the lead.

The governorate is the one named in most lead sentences; a sentence telling a death toll (not a
caption, not context) counts twice, and the place told with the principal toll ("kills 50 gunmen in
Latakia") once more. A tie goes to the principal sentence's first place, else to the one named
first. Places of background sentences ("used the same weapons in Aleppo last year") count only
when no other is named.
"""

from __future__ import annotations

import polars as pl

from extract.context import OPPOSITION_HELD
from extract.quantities import VAGUE
from extract.schema import EXTRACTOR_VERSION

KEYS = ["doc_id", "sentence_idx"]


def _first_by_sentence(
    frame: pl.DataFrame, value: str, principal: pl.DataFrame, lead: int, max_rank: int = 3
) -> pl.DataFrame:
    """Per doc: `value` from the principal sentence, else the title, else the lead, else the first anywhere."""
    ranked = frame.join(
        principal.select("doc_id", p_idx="sentence_idx"), on="doc_id", how="left"
    ).with_columns(
        rank=pl.when(pl.col("sentence_idx") == pl.col("p_idx"))
        .then(0)
        .when(pl.col("sentence_idx") == 0)
        .then(1)
        .when(pl.col("sentence_idx") < lead)
        .then(2)
        .otherwise(3)
    )
    return (
        ranked.filter(pl.col("rank") <= max_rank)
        .sort(["doc_id", "rank", "sentence_idx", *(["m_start"] if "m_start" in frame.columns else [])])
        .unique("doc_id", keep="first")
        .select("doc_id", value)
    )


def doc_profiles(
    documents: pl.DataFrame,
    casualties: pl.DataFrame,
    events: pl.DataFrame,
    sentence_facts: pl.DataFrame,
    places: pl.DataFrame,
    lead: int,
) -> pl.DataFrame:
    """One row per document.

    `sentence_facts(doc_id, sentence_idx, actor1, method, is_background, rest_are_fighters, both_sides)`:
    "the rest of the dead were IS fighters" makes a total's remainder combatants; "in both camps"
    makes a toll one of fighters.
    """
    deaths = casualties.filter(pl.col("outcome").is_in(["killed", "died"]) & ~pl.col("is_background"))
    deaths = deaths.join(
        deaths.select(pl.col("idx").alias("parent_idx"), p_sentence="sentence_idx"),
        on="parent_idx",
        how="left",
    )
    # a precise figure beats a vague one ("scores of civilians" then "at least 51 civilians")
    # and a figure naming who died beats a bare "people" count in the lead
    candidates = (
        deaths.group_by(KEYS)
        .agg(
            vague=pl.col("quantity_text").str.contains(f"(?i){VAGUE}").all(),
            people_only=~pl.col("victim_group").is_in(["civilians", "combatants"]).any(),
            # a sentence whose figures are all parts of an earlier total is not where the incident is told
            only_parts=(
                pl.col("parent_idx").is_not_null() & (pl.col("p_sentence") != pl.col("sentence_idx"))
            ).all(),
        )
        .with_columns(
            rank=pl.when((pl.col("sentence_idx") > 0) & (pl.col("sentence_idx") < lead))
            .then(0)
            .when(pl.col("sentence_idx") == 0)
            .then(1)
            .otherwise(3)
            + pl.col("people_only").cast(pl.Int64)
            * pl.when(pl.col("sentence_idx") < lead).then(2).otherwise(0)
            + 5 * pl.col("vague").cast(pl.Int64)
            + 10 * pl.col("only_parts").cast(pl.Int64)
        )
    )
    principal = (
        candidates.sort(["doc_id", "rank", "sentence_idx"]).unique("doc_id", keep="first").select(KEYS)
    )

    in_principal = deaths.join(principal, on=KEYS)
    top = in_principal.filter(
        pl.col("parent_idx").is_null() | (pl.col("p_sentence") != pl.col("sentence_idx"))
    )
    # a second figure of the same group that is not joined to the first ("120 fighters and 60
    # mercenaries" is) restates the toll with another number, as run-on headlines do: keep the first
    top = top.sort("char_start").filter(
        (pl.int_range(pl.len()).over(["doc_id", "victim_group"]) == 0) | pl.col("follows_and")
    )
    parts = in_principal.join(top.select(parent_idx="idx", parent_group="victim_group"), on="parent_idx")

    part_sums = parts.group_by("parent_idx").agg(
        civ_parts=pl.col("count_best").filter(pl.col("victim_group") == "civilians").sum(),
        comb_parts=pl.col("count_best").filter(pl.col("victim_group") == "combatants").sum(),
        child_parts=pl.col("count_best").filter(pl.col("victim_group") == "children").sum(),
        women_parts=pl.col("count_best").filter(pl.col("victim_group") == "women").sum(),
    )
    top = top.join(part_sums.rename({"parent_idx": "idx"}), on="idx", how="left").with_columns(
        pl.col("civ_parts", "comb_parts", "child_parts", "women_parts").fill_null(0)
    )
    g = pl.col("victim_group")
    people_split = (g == "people") & ((pl.col("civ_parts") > 0) | (pl.col("comb_parts") > 0))
    # a "people" figure beside a civilian one may include fighters: the named group wins
    top = (
        top.with_columns(named_civilians=(g == "civilians").any().over("doc_id"))
        .join(
            sentence_facts.group_by("doc_id").agg(rest_fighters=pl.col("rest_are_fighters").any()),
            on="doc_id",
            how="left",
        )
        .join(sentence_facts.select(*KEYS, "both_sides"), on=KEYS, how="left")
        .with_columns(pl.col("both_sides").fill_null(False))
    )
    # "70 people ... 11 fighters among the dead": the rest of a toll were civilians, unless the
    # toll is of "both sides" of a battle
    rest_civilian = (
        people_split & (pl.col("comb_parts") > 0) & (pl.col("civ_parts") == 0) & ~pl.col("both_sides")
    )
    counts = top.group_by("doc_id").agg(
        civilians=(
            pl.when(
                g.is_in(["civilians", "children", "women"])
                | ((g == "people") & ~people_split & ~pl.col("named_civilians"))
            )
            .then(pl.col("count_best"))
            .when(rest_civilian)
            .then(pl.col("count_best") - pl.col("comb_parts"))
            .when(people_split)
            .then(pl.col("civ_parts"))
            .otherwise(0)
        ).sum(),
        combatants=(
            pl.when(g == "combatants")
            .then(pl.col("count_best"))
            # "20 people including 13 civilians": monitors name civilians among a toll; the rest
            # fought (SOHR's convention), as does an explicit "the rest were fighters"
            .when(
                people_split
                & (
                    pl.col("rest_fighters").fill_null(False)
                    | ((pl.col("civ_parts") > 0) & (pl.col("comb_parts") == 0))
                )
            )
            .then(pl.col("count_best") - pl.col("civ_parts"))
            .when(people_split)
            .then(pl.col("comb_parts"))
            .otherwise(0)
        ).sum(),
        children=(pl.when(g == "children").then(pl.col("count_best")).otherwise(pl.col("child_parts"))).sum(),
        women=(pl.when(g == "women").then(pl.col("count_best")).otherwise(pl.col("women_parts"))).sum(),
    )
    # children/women told elsewhere in the article, when the principal sentence gives none
    # ("were among the dead", "including", or in the lead) and never a part of another incident's total
    of_principal = pl.col("parent_idx").is_in(top["idx"].implode())
    linked = (pl.col("parent_idx").is_null() | pl.col("is_part_marker")) & (
        pl.col("among_next") | pl.col("is_part_marker")
    )
    # a woman named as a part ("including a woman") belongs to the principal incident when her toll
    # is the principal's, a part of it, or a toll as large told for the same days (the same attack
    # with another source's figures); a smaller toll further down ("in X warplanes also killed six
    # civilians including a woman") or one of another day is another strike, and she died there
    top_idx = top["idx"].implode()
    p_date = principal.join(events.select(*KEYS, p_date="event_date"), on=KEYS).select("doc_id", "p_date")
    own_tolls = (
        deaths.join(events.select(*KEYS, "event_date"), on=KEYS, how="left")
        .join(counts.select("doc_id", "civilians"), on="doc_id")
        .join(p_date, on="doc_id", how="left")
        .filter(
            pl.col("parent_idx").is_in(top_idx)
            | (
                pl.col("parent_idx").is_null()
                & (pl.col("count_best") >= pl.col("civilians"))
                # the headline is dated by publication, the body by "on Wednesday": allow for the lag
                & ((pl.col("event_date") - pl.col("p_date")).abs() <= pl.duration(days=2)).fill_null(True)
            )
        )
    )
    own_toll = pl.col("parent_idx").is_null() | pl.col("parent_idx").is_in(own_tolls["idx"].implode())
    # a woman tied to the toll only because the figures add up ("six killed" ... "a woman was killed"
    # ... "five killed") is counted when told in the lead; further down it is as often a coincidence
    # or an incident of its own in a round-up
    by_sum = of_principal & ~linked & (pl.col("sentence_idx") >= lead)
    own_part = (of_principal & ~by_sum) | (linked & own_toll)
    elsewhere = deaths.filter(own_part)
    # children by the same reasoning, and also any told in the lead: a child is named there only
    # when the principal incident killed one ("at least 30 children were among 39 people killed")
    first_children = (
        deaths.filter(own_part | (pl.col("sentence_idx") < lead))
        .filter(g == "children")
        .sort(["doc_id", "char_start"])
        .unique("doc_id", keep="first")
        .select("doc_id", child_else="count_best")
    )
    first_women = (
        elsewhere.filter(g == "women")
        .sort(["doc_id", "char_start"])
        .unique("doc_id", keep="first")
        .select("doc_id", women_else="count_best")
    )
    counts = (
        counts.join(first_children, on="doc_id", how="left")
        .join(first_women, on="doc_id", how="left")
        .with_columns(
            children=pl.when((pl.col("children") == 0) & (pl.col("child_else") <= pl.col("civilians")))
            .then(pl.col("child_else"))
            .otherwise(pl.col("children")),
            women=pl.when((pl.col("women") == 0) & (pl.col("women_else") <= pl.col("civilians")))
            .then(pl.col("women_else"))
            .otherwise(pl.col("women")),
        )
    )

    principal_event = principal.join(events.select(*KEYS, "event_id"), on=KEYS, how="left")
    facts = sentence_facts.filter(~pl.col("is_background"))
    # who did it comes only from the incident's own sentence, the title or the lead: an actor
    # named further down is usually about something else, and "unknown" is the honest answer
    actor = _first_by_sentence(
        facts.filter(pl.col("actor1").is_not_null()), "actor1", principal, lead, max_rank=2
    )
    # ...unless someone claimed responsibility, anywhere in the article
    claimed = (
        facts.filter(pl.col("actor1_role") == 4)
        .sort(KEYS)
        .unique("doc_id", keep="first")
        .select("doc_id", claimed="actor1")
    )
    method = _first_by_sentence(
        facts.filter(pl.col("method").is_not_null()), "method", principal, lead, max_rank=2
    )
    # a chemical attack in the title is the incident, whatever delivered it ("warplanes releasing toxic
    # gas", "rockets that released deadly fumes") and however the principal sentence words it
    chemical = facts.filter((pl.col("method") == "chemical") & (pl.col("sentence_idx") == 0))
    method = method.with_columns(
        method=pl.when(pl.col("doc_id").is_in(chemical["doc_id"].implode()))
        .then(pl.lit("chemical"))
        .otherwise(pl.col("method"))
    )
    # an unattributed air, barrel-bomb or gas attack on a place the lead calls rebel-held: only the
    # government side flies over the opposition's areas (the coalition's targets are IS- or Nusra-held)
    on_rebels = (
        events.join(principal.select("doc_id", p_idx="sentence_idx"), on="doc_id", how="left")
        .filter((pl.col("sentence_idx") < lead) | (pl.col("sentence_idx") == pl.col("p_idx")))
        .filter(pl.col("evidence").str.contains(OPPOSITION_HELD))
        .select("doc_id")
        .unique()
    )
    air_on_rebels = (
        method.filter(pl.col("method").is_in(["airstrike", "barrel_bomb", "chemical"]))
        .join(on_rebels, on="doc_id")
        .select("doc_id", by_air=pl.lit("syrian_government"))
    )
    actor = (
        actor.join(claimed, on="doc_id", how="full", coalesce=True)
        .join(air_on_rebels, on="doc_id", how="full", coalesce=True)
        .select("doc_id", actor1=pl.coalesce("claimed", "actor1", "by_air"))
    )
    # where: the governorate named most often in the article, the principal sentence's first on a tie,
    # never one named in a background sentence ("used the same weapons in Aleppo last year") unless
    # no other is named
    all_named = places.filter(pl.col("admin1").is_not_null())
    named = all_named.join(sentence_facts.filter(pl.col("is_background")).select(KEYS), on=KEYS, how="anti")
    first = _first_by_sentence(named, "admin1", principal, lead).rename({"admin1": "first_admin1"})
    # the place told with the principal toll (its first figure, one naming the victims before a bare
    # "people"): the first named after it ("kill 50 gunmen in Lattakia"), else the last before it
    toll = (
        # ties (equal offsets in two sentences) go to the earlier sentence, so reruns agree
        top.sort(pl.col("victim_group") == "people", "m_start", "sentence_idx", "char_start")
        .unique("doc_id", keep="first")
        .select(
            "doc_id",
            p_idx="sentence_idx",
            t_start="m_start",
            t_end=pl.col("m_start") + pl.col("char_end") - pl.col("char_start"),
        )
    )
    near = (
        named.join(toll, on="doc_id")
        .filter(pl.col("sentence_idx") == pl.col("p_idx"))
        .with_columns(
            gap=pl.when(pl.col("m_start") >= pl.col("t_end"))
            .then(pl.col("m_start") - pl.col("t_end"))
            # a place before the toll ranks behind every place after it
            .otherwise(10_000 + pl.col("t_start") - pl.col("m_end"))
        )
        .filter(pl.col("gap") >= 0)
        .sort("doc_id", "gap")
        .unique("doc_id", keep="first")
        .select("doc_id", near_admin1="admin1")
    )
    admin1 = (
        named.join(principal.select("doc_id", p_idx="sentence_idx"), on="doc_id", how="left")
        .join(near, on="doc_id", how="left")
        .join(deaths.select(KEYS).unique().with_columns(toll=pl.lit(True)), on=KEYS, how="left")
        .filter((pl.col("sentence_idx") < lead) | (pl.col("sentence_idx") == pl.col("p_idx")))
        .group_by("doc_id", "admin1")
        # sentences naming it; one telling a death toll (the principal's among them) counts twice,
        # and the place told with the principal toll once more
        .agg(
            n=pl.col("sentence_idx").n_unique()
            + pl.col("sentence_idx").filter(pl.col("toll").fill_null(False)).n_unique()
            + (pl.col("admin1") == pl.col("near_admin1")).any().cast(pl.UInt32),
            at=pl.col("sentence_idx").min(),
            at_char=pl.col("m_start").filter(pl.col("sentence_idx") == pl.col("sentence_idx").min()).min(),
        )
        .join(first, on="doc_id", how="left")
        # a tie left after the count, the principal's first place and the earliest sentence goes to
        # the place named first there: group_by hands groups over in hash order, which differs
        # from one process to the next, so without this reruns disagreed
        .sort(
            ["doc_id", "n", pl.col("admin1") == pl.col("first_admin1"), "at", "at_char"],
            descending=[False, True, True, False, False],
        )
        .unique("doc_id", keep="first")
        .select("doc_id", "admin1")
    )
    any_first = _first_by_sentence(all_named, "admin1", principal, lead).rename({"admin1": "any_admin1"})
    admin1 = (
        admin1.join(first, on="doc_id", how="full", coalesce=True)
        .join(any_first, on="doc_id", how="full", coalesce=True)
        .select("doc_id", admin1=pl.coalesce("admin1", "first_admin1", "any_admin1"))
    )

    return (
        documents.select("doc_id")
        .join(principal_event.select("doc_id", principal_event_id="event_id"), on="doc_id", how="left")
        .join(counts, on="doc_id", how="left")
        .join(actor, on="doc_id", how="left")
        .join(method, on="doc_id", how="left")
        .join(admin1, on="doc_id", how="left")
        .select(
            "doc_id",
            "principal_event_id",
            primary_admin1="admin1",
            primary_actor=pl.col("actor1").fill_null("unknown"),
            primary_method=pl.col("method").fill_null("unknown"),
            civilians_killed=pl.col("civilians").fill_null(0).cast(pl.Int64),
            children_killed=pl.col("children").fill_null(0).cast(pl.Int64),
            women_killed=pl.col("women").fill_null(0).cast(pl.Int64),
            combatants_killed=pl.col("combatants").fill_null(0).cast(pl.Int64),
            extractor_version=pl.lit(EXTRACTOR_VERSION),
        )
    )
