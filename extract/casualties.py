"""Casualty figures: "87 civilians including 34 children were killed", "killing six", "35 dead".

A mention is a quantity tied to a victim noun ("87 civilians") or to an outcome word
("35 dead", "killed six", "the death toll rose to 30"). Its outcome comes from the words
right before it ("killing 23 civilians") or the first outcome word after it in the same
clause ("23 civilians were killed"). Parts ("including 34 children", "52 + 21 + 14 = 87")
point at their totals and are never added to them.
"""

from __future__ import annotations

import polars as pl

from extract.casefold import contains, lowered
from extract.gates import alternation, scattered
from extract.groups import cum_sum_in, forward_fill_in, group_id, rank_in, shift_in
from extract.lexicon import ACTORS, VICTIM_NOUNS
from extract.quantities import QUANTITY, add_counts
from extract.spans import find_spans, replace_where_found

_NOUN = "|".join(f"(?:{p})" for _, p in VICTIM_NOUNS)
_MOD_WORDS = (
    r"other|more|additional|further|innocent|unarmed|young|foreign|civilian|local|elderly|armed|"
    r"wounded|injured|allied|enemy|suspected|alleged|government|regime|army|rebel|opposition|jihadi|"
    r"jihadist|militia|police|security|same|displaced|trapped|female|male|elite|special|senior|"
    r"ranking|terrorist|extremist|state|loyalist|pro|of whom|of them|them|the|their|its|his|her|"
    r"whom|pregnant|old|little|small|teenage|Syrian|Russian|Turkish|Kurdish|Iranian|Iraqi|Afghan|Lebanese|"
    r"American|Islamist|Shiite|Sunni|Alawite|Christian|Druze|Palestinian|Daesh|Nusra|Hezbollah|"
    r"opposition's|regime's|army's|member|members|of|fellow|family|and"
)
_MOD = rf"(?:(?-i:[A-Z][A-Za-z0-9_'’.]*(?:-[A-Za-z0-9_'’]+)*)|[a-z]+(?:-[a-z]+)+|{_MOD_WORDS})"
# Quantity first: "87 civilians", "at least 35 dead", "8 Killed".
_OUTCOME_WORDS = (
    r"killed|dead|died|perished|slain|executed|massacred|martyred|wounded|injured|hurt|missing|fled|displaced"
)
# "47 leaders of Ahrar al-Sham", "30 members of the Islamic State": the tail names the victims' side.
_OF_GROUP = r"(?:(?-u:\s)+(?:of|from)(?-u:\s)+(?:the(?-u:\s)+)?(?-i:[A-Z][A-Za-z0-9_'’-]*)(?:[ \t\n\r\f-]+(?-i:[A-Z][A-Za-z0-9_'’-]*|al|of|the)){0,4})?"
_NP = rf"(?i)(?-u:\b){QUANTITY}(?-u:\s)+(?:{_MOD}(?-u:\s)+){{0,4}}?(?:{_NOUN})(?-u:\b){_OF_GROUP}"
_HAS_NOUN = rf"(?i)(?-u:\b)(?:{_NOUN})(?-u:\b)"
_BARE_AFTER = (
    rf"(?i)(?-u:\b){QUANTITY}(?-u:\s)+(?:more(?-u:\s)+|others?(?-u:\s)+)?(?:(?:were|was|have been|had been|are|have|had|"
    rf"reported|confirmed)(?-u:\s)+)?(?:{_OUTCOME_WORDS})(?-u:\b)"
)
_KILL_VERBS = (
    r"killed|killing|kills|kill|claimed the lives of|claiming the lives of|took the lives of|"
    r"wounding|wounded|injuring|injured|left|leaving|death of|deaths of|killing of"
)
_BARE_BEFORE = (
    rf"(?i)(?-u:\b)(?:(?:{_KILL_VERBS})(?-u:\s)+{QUANTITY}|death toll(?-u:\b)[^.;]{{0,100}}?(?-u:\b)(?:to|at|of|reached|hit|"
    rf"is|was|stood at|rose to|climbed to)(?-u:\s)+{QUANTITY})(?-u:\b)"
)

_LEFT_OUTCOME = {
    "killed": r"(?i)(?-u:\b)(?:(?:among )?(?:the|those) (?:dead|victims|fatalities|killed) (?:were|included|include)|killed|killing|kills|kill|destroy(?:ed|s|ing)?|eliminat(?:ed|es|ing|e)|neutrali[sz](?:ed|ing)|liquidat(?:ed|ing)|slaughtered|massacred|massacring|claimed the lives of|"
    r"claiming the lives of|took the lives of|taking the lives of|lives of|life of|deaths? of|killing of|bodies of|"
    r"remains of|shot dead|murdered|murdering|executed|executing|beheaded|beheading|toll (?:(?-u:\w)+ ){0,3}"
    r"(?:to|at|of|reached|hit|is|was|stood at|rose to|climbed to))(?-u:\s)*(?:,(?-u:\s)*)?$",
    "injured": r"(?i)(?-u:\b)(?:wounding|wounded|injuring|injured|injure|injury of|injuries (?:of|to)|hurting|maiming|"
    r"maimed)(?-u:\s)*$",
    "displaced": r"(?i)(?-u:\b)(?:displacing|displaced|uprooting|forcing|forced|drove|driving|sent)(?-u:\s)*$",
    "missing": r"(?i)(?-u:\b)(?:abducting|abducted|kidnapped|kidnapping)(?-u:\s)*$",
}
# The outcome word ends each match of the two patterns below. It is read from the whole match
# (`_word_ending`), not as a capture group: a capture needs the regex engine's slow capture search
# on every match (116 ms against 37 ms over the figures of 20 000 articles).
_RIGHT_WORDS = (
    r"killed|dead|died|die|perished|martyred|lost (?:their|his|her) li(?:v|f)es?|slain|"
    r"executed|massacred|murdered|beheaded|wounded|injured|hurt|injuries|missing|disappeared|abducted|"
    r"kidnapped|fled|flee|fleeing|displaced|uprooted"
)
_RIGHT_OUTCOME = rf"(?i)^[^.;:!?]{{0,70}}?(?-u:\b)(?:{_RIGHT_WORDS})(?-u:\b)"
_IMMEDIATE_WORDS = (
    r"killed|dead|died|perished|martyred|slain|executed|wounded|injured|hurt|missing|fled|displaced"
)
_IMMEDIATE_OUTCOME = (
    r"(?i)^(?-u:\s)*(?:(?:were|was|are|is|have|has|had|been|being|also|reportedly|later|all|reported|confirmed)(?-u:\s)+){0,3}"
    rf"(?:{_IMMEDIATE_WORDS})(?-u:\b)"
)
# The outcome of each word the two patterns above end with, by its first word ("lost their lives")
_OUTCOME_OF_WORD = [
    ("killed", "killed|dead|slain|executed|massacred|murdered|beheaded|lost|martyred"),
    ("died", "died|die|perished"),
    ("injured", "wounded|injured|hurt|injuries"),
    ("missing", "missing|disappeared|abducted|kidnapped"),
    ("displaced", "fled|flee|fleeing|displaced|uprooted"),
]
_OUTCOME_BY_WORD = {word: outcome for outcome, words in _OUTCOME_OF_WORD for word in words.split("|")}
# "kill and injure 290", "killed or wounded": one figure for two outcomes; not a casualty count.
_MIXED = r"(?i)(?:kill(?:ed|ing|s)?|dead|deaths?)(?-u:\s)+(?:and|or|&)(?-u:\s)+(?:injur|wound)|(?:injur(?-u:\w)*|wound(?-u:\w)*)(?-u:\s)+(?:and|or|&)(?-u:\s)+(?:kill|dead)|casualties"
# "57 fighters were killed in the clashes: 38 soldiers and 19 jihadists" - after a colon, parts.
_PART_LEFT = r"(?i)(?::|(?-u:\b)(?:among )?(?:the|those) (?:dead|victims|fatalities|killed) (?:were|included|include)|(?-u:\b)including|(?-u:\b)include[sd]?|(?-u:\b)among them|(?-u:\b)among whom|(?-u:\b)of whom|(?-u:\b)of them|(?-u:\b)amongst them|(?-u:\b)incl\.?|(?-u:\b)most of them|(?-u:\b)mostly)(?-u:\s)*$"
_AND_LEFT = r"(?i)^\W*(?:and|as well as|,)\W*$"
# "... were among 22 killed"; also "Twelve children and 11 fighters were among the dead"
_AMONG_RIGHT = r"(?i)^(?-u:\s)*(?:,?(?-u:\s)*(?:including|and)[^.;]{0,40}?)?(?-u:\s)*(?:were|was|are)?(?-u:\s)*(?:among|amongst)(?-u:\b)"
_OWN_VERB = r"^[^,.;]{0,25}?(?-u:\b)(?:were|was|are|is|have|has|had|suffered|sustained|remain(?:ed)?|received|needed)(?-u:\b)"
_YEARLIKE = r"^(?:19[5-9](?-u:\d)|20[0-3](?-u:\d))$"
# "a fighter jet", "a rebel zone": the noun is a modifier of something else, not a victim.
_NOT_A_VICTIM = (
    r"(?i)^(?-u:\s)*(?:-|–)?(?-u:\s)*(?:jets?|planes?|aircraft|zones?|areas?|held|controlled|positions?|groups?|"
    r"factions?|bases?|territory|strongholds?|lines?|brigades?|battalions?|held|enclaves?|-held|-controlled)(?-u:\b)"
)
_OTHER = r"(?i)(?-u:\b)(?:others?|another|more|further|additional)(?-u:\b)(?-u:\s)*"
_MORE_THAN = r"(?i)(?-u:\b)more than(?-u:\b)"
_DEAD_NOUN = r"(?i)(?-u:\b)(?:dead|deaths|bodies|lives|corpses|martyrs)$"


def _outcome_of(word: pl.Expr) -> pl.Expr:
    """The outcome of a word `_word_ending` read, looked up by its first word in lower case: a
    lookup, not a regex per outcome (130 000 figures of 20 000 articles: 0.18-0.2 s that way)."""
    first = word.str.to_lowercase().str.extract(r"^[a-z]+", 0)
    return first.replace_strict(_OUTCOME_BY_WORD, default=None, return_dtype=pl.String)


def _word_ending(text: pl.Expr, pattern: str, words: str) -> pl.Expr:
    """The one of `words` that the match of `pattern` in `text` ends with (no word of `words` ends
    with another after a word boundary, so the word read back from the match's end is the one the
    pattern matched)."""
    return text.str.extract(pattern, 0).str.extract(rf"(?i)(?-u:\b)(?:{words})$", 0)


def _outcome_from(left: pl.Expr, right: pl.Expr) -> pl.Expr:
    """Outcome word right after the figure ("58 others injured"), else the verb before it
    ("killing 23 civilians"), else the first outcome word later in the clause."""
    expr = pl.when(right.str.contains(_IMMEDIATE_OUTCOME)).then(
        _outcome_of(_word_ending(right, _IMMEDIATE_OUTCOME, _IMMEDIATE_WORDS))
    )
    for outcome, pattern in _LEFT_OUTCOME.items():
        expr = expr.when(left.str.contains(pattern)).then(pl.lit(outcome))
    return expr.otherwise(_outcome_of(_word_ending(right, _RIGHT_OUTCOME, _RIGHT_WORDS)))


def _victim_group(noun: pl.Expr) -> pl.Expr:
    """The group of a noun phrase whose "of <group>" tail is already cut off."""
    expr = pl.when(pl.lit(False)).then(pl.lit(None, dtype=pl.String))
    for group, pattern in VICTIM_NOUNS:
        expr = expr.when(noun.str.contains(rf"(?i)(?-u:\b)(?:{pattern})$")).then(pl.lit(group))
    return expr.otherwise(pl.lit("people"))


def actor_in(text: pl.Expr) -> pl.Expr:
    """The one actor code whose pattern occurs in `text`; null when none or several
    ("236 regime and Russian troops, jihadis and rebels" names no single side)."""
    return text.map_batches(_sole_actor, return_dtype=pl.String)


def _sole_actor(text: pl.Series) -> pl.Series:
    # each pattern is tried only on the texts that name some actor: few of them
    rows = text.to_frame("text").with_row_index("_i").filter(pl.col("text").str.contains(alternation(ACTORS)))
    hits = [pl.col(code) for code, _ in ACTORS]
    # a when-chain over booleans: concat_list of string literals costs ten times more
    only = pl.when(hits[0]).then(pl.lit(ACTORS[0][0]))
    for hit, (code, _) in zip(hits[1:], ACTORS[1:], strict=True):
        only = only.when(hit).then(pl.lit(code))
    named = rows.with_columns(
        pl.col("text").str.contains(f"(?i){p}").alias(code) for code, p in ACTORS
    ).select("_i", pl.when(pl.sum_horizontal(hits) == 1).then(only.otherwise(pl.lit(None, dtype=pl.String))))
    return scattered(text, named)


_DATE = r"(?-u:\b)(\d{1,2})[-.](\d{1,2})[-.]"


def find_casualty_mentions(sentences: pl.DataFrame) -> pl.DataFrame:
    """One row per casualty figure: keys, span in the sentence, quantity, outcome, group, part marker."""
    keys = ["doc_id", "sentence_idx"]
    # Years and dd-mm-yyyy dates are not figures; masked with same-length text so offsets hold
    # (in the lower-cased copy too, where the sentences have one: masks have no case)
    texts = [c for c in ("sentence", lowered("sentence")) if c in sentences.columns]
    sentences = sentences.with_columns(
        pl.col(texts).str.replace_all(r"(?-u:\b)(?:19[5-9](?-u:\d)|20[0-3](?-u:\d))(?-u:\b)", "####")
    )
    # "12-03-" written "12/03/", in the one sentence in 75 that has one
    sentences = sentences.with_columns(
        replace_where_found(sentences.get_column(c), _DATE, "$1/$2/") for c in texts
    )
    # a sentence without a victim noun cannot hold a noun phrase: the cheap pattern finds those
    # first, since the full one (counted repeats of big alternations) scans slowly where it fails
    with_nouns = sentences.filter(contains(sentences, "sentence", _HAS_NOUN))
    noun_phrases = find_spans(with_nouns, "sentence", _NP, keys).with_columns(kind=pl.lit("np"))
    bare_after = find_spans(sentences, "sentence", _BARE_AFTER, keys).with_columns(kind=pl.lit("after"))
    bare_before = find_spans(sentences, "sentence", _BARE_BEFORE, keys).with_columns(kind=pl.lit("before"))
    bare = pl.concat([bare_after, bare_before])
    # A bare figure that overlaps a noun phrase is the same figure said with its noun: keep the noun.
    overlapping = (
        bare.join(noun_phrases.select(*keys, n_start="m_start", n_end="m_end"), on=keys)
        .filter((pl.col("m_start") < pl.col("n_end")) & (pl.col("n_start") < pl.col("m_end")))
        .select(*keys, "m_start")
        .unique()
    )
    bare = bare.join(overlapping, on=[*keys, "m_start"], how="anti").unique([*keys, "m_start"], keep="first")
    mentions = pl.concat([noun_phrases, bare]).sort([*keys, "m_start"])

    # whole-match extracts (group 0, no capture group): the regex engine then needs no capture
    # slots and runs its fast search, ~8x faster than the same span read as a group
    quantity_text = (
        pl.when(pl.col("kind") == "before")
        .then(pl.col("match").str.extract(rf"(?i)(?:{QUANTITY})$", 0))
        .otherwise(pl.col("match").str.extract(rf"(?i)^(?:{QUANTITY})", 0))
        .str.strip_chars()
        .str.replace(r"(?i)(?-u:\s)+of$", "")
    )
    mentions = mentions.join(sentences.select(*keys, "sentence", "s_start"), on=keys).with_columns(
        quantity_text=quantity_text,
        left=pl.col("sentence").str.slice(0, pl.col("m_start")).str.slice(-70),
        right=pl.col("sentence").str.slice(pl.col("m_end"), 90),
    )
    mentions = (
        add_counts(mentions, "quantity_text")
        .filter(pl.col("count_best").is_not_null())
        .sort([*keys, "m_start"])  # add_counts regroups rows; the neighbour logic below needs text order
        # "in 2013 people ..." is a year, not a figure.
        .filter(
            ~(
                pl.col("quantity_text").str.contains(_YEARLIKE)
                & (pl.col("kind") == "np")
                & ~pl.col("right").str.contains(r"(?i)^(?-u:\s)*(?:were|was|have|had|killed|dead|died)")
            )
        )
    )
    mixed = pl.col("left").str.slice(-25).str.contains(_MIXED) | pl.col("right").str.slice(
        0, 25
    ).str.contains(
        r"(?i)^(?-u:\s)*(?:were(?-u:\s)+|have been(?-u:\s)+)?(?:killed|dead)(?-u:\s)+(?:and|or|&)(?-u:\s)+(?:injured|wounded)|^(?-u:\s)*casualties"
    )
    outcome_left = pl.when(pl.col("kind") == "before").then(pl.col("match")).otherwise(pl.col("left"))
    # a title-case "of Ahrar Al-Sham Killed" tail may have swallowed the outcome word: read it too
    np_tail = pl.col("match").str.extract(rf"{_OF_GROUP}$", 0).fill_null("")
    outcome_right = (
        pl.when(pl.col("kind") == "after")
        .then(pl.col("match").str.replace(rf"(?i)^{QUANTITY}(?-u:\s)+", ""))
        .when(pl.col("kind") == "np")
        .then(pl.concat_str([np_tail, pl.col("right")]))
        .otherwise(pl.col("right"))
    )
    noun_text = pl.when(pl.col("kind") == "np").then(pl.col("match")).otherwise(pl.lit(""))
    return (
        mentions.filter(~mixed & ~((pl.col("kind") == "np") & pl.col("right").str.contains(_NOT_A_VICTIM)))
        # inputs used by several expressions below are computed once as columns
        .with_columns(
            _g=group_id(*keys),
            _d=group_id("doc_id"),
            _left=outcome_left.str.replace(rf"(?i){QUANTITY}$", "").str.strip_chars_end(),
            _right=outcome_right,
            _noun=noun_text,
            _bare_noun=noun_text.str.replace(_OF_GROUP + "$", ""),
        )
        .with_columns(
            outcome=_outcome_from(pl.col("_left"), pl.col("_right")),
            victim_group=_victim_group(pl.col("_bare_noun")),
            victim_actor=actor_in(pl.col("_noun")),
            is_part_marker=pl.col("left").str.contains(_PART_LEFT)
            | pl.col("match").str.contains(rf"(?i)^{QUANTITY}(?-u:\s)+of (?:them|whom)(?-u:\b)"),
            # "and 16 pro-regime fighters"; also a figure right after another with nothing between
            # ("51 children 28 women five rescuers": feeds that drop commas)
            follows_and=pl.col("left")
            .str.slice(-12)
            .str.contains(r"(?i)(?:(?-u:\b)and|,|(?-u:\b)as well as)(?-u:\s)*$")
            | (
                (pl.col("m_start") - shift_in(pl.col("m_end"), 1, "_g")).is_between(0, 1)
                & (pl.col("kind") == "np")
            ),
            among_next=pl.col("right").str.contains(_AMONG_RIGHT)
            & ~pl.col("right").str.contains(
                r"(?i)^\W*(?:were |was |are )?(?:among|amongst) (?:them|whom|those)(?-u:\b)"
            ),
            # "two other people", "another five", "a further 19": a figure told apart from the one before
            told_apart=pl.col("match").str.replace_all(_MORE_THAN, "").str.contains(_OTHER)
            | pl.col("left").str.contains(_OTHER + "$"),
            char_start=pl.col("s_start") + pl.col("m_start"),
            char_end=pl.col("s_start") + pl.col("m_end"),
        )
        .with_columns(
            victim_actor=pl.when(
                pl.col("victim_actor").is_null()
                & pl.col("match").str.contains(r"(?i)(?-u:\b)rebels?(?-u:\b)")
            )
            .then(pl.lit("opposition"))
            .otherwise(pl.col("victim_actor")),
            # "25 members of the Nusra Front", "47 leaders of Ahrar al-Sham": members of an armed side
            victim_group=pl.when(
                (pl.col("victim_group") == "people")
                & pl.col("victim_actor").is_not_null()
                & pl.col("match").str.contains(r"(?i)(?-u:\b)(?:members|leaders|men|elements|cadres)(?-u:\b)")
            )
            .then(pl.lit("combatants"))
            .otherwise(pl.col("victim_group")),
            outcome=pl.when(
                pl.col("outcome").is_null()
                & (pl.col("kind") == "np")
                & pl.col("match").str.contains(_DEAD_NOUN)
            )
            .then(pl.lit("killed"))
            .otherwise(pl.col("outcome")),
        )
        .sort(["doc_id", "sentence_idx", "m_start"])
        # "the killing of 119 troops, and 72 fighters": a figure joined by "and" shares the outcome.
        .with_columns(
            outcome=pl.when(
                pl.col("outcome").is_null()
                & (pl.col("follows_and") | pl.col("is_part_marker"))
                # "...were killed and about 100 people suffered breathing difficulties": a verb of its own
                & ~pl.col("right").str.contains(_OWN_VERB)
            )
            .then(forward_fill_in(pl.col("outcome"), "_g"))
            .otherwise(pl.col("outcome"))
        )
        # a bullet of a "distributed as follows:" list takes the outcome of the figures before it
        .with_columns(
            outcome=pl.when(
                pl.col("outcome").is_null() & pl.col("sentence").str.contains(r"^(?-u:\s)*[•·▪\-*]")
            )
            .then(forward_fill_in(pl.col("outcome"), "_d"))
            .otherwise(pl.col("outcome"))
        )
        .filter(pl.col("outcome").is_not_null())
        .select(
            *keys,
            "match_rank",
            "char_start",
            "char_end",
            "m_start",
            "kind",
            "quantity_text",
            "count_low",
            "count_best",
            "count_high",
            "outcome",
            "victim_group",
            "victim_actor",
            "is_part_marker",
            "follows_and",
            "among_next",
            "told_apart",
        )
        .sort([*keys, "char_start"])
        .with_columns(_g=group_id(*keys))
        .with_columns(mention_rank=rank_in("_g"))
        .drop("_g")
    )


def link_parts(mentions: pl.DataFrame) -> pl.DataFrame:
    """Add `parent_idx` (the row index of a mention's total within the same document) and inherit outcomes.

    Within a sentence: "X including Y (and Z)" makes Y and Z parts of X; "Y were among X killed"
    makes Y a part of X. Across sentences: the top-level figures that follow a total, with the same
    outcome and victim class, and that add up exactly to it, are its parts (SOHR's "distributed
    as follows" lists; "35 fighters ... 19 jihadists and 16 pro-regime fighters").
    """
    m = mentions.with_row_index("idx").with_columns(
        pl.col("idx").cast(pl.Int64), _g=group_id("doc_id", "sentence_idx")
    )
    prev = shift_in(pl.col("idx"), 1, "_g")
    # "Six civilians including a child were among 22 people killed": the next figure that is not a part
    nxt = (
        pl.when(shift_in(pl.col("is_part_marker"), -1, "_g").fill_null(False))
        .then(shift_in(pl.col("idx"), -2, "_g"))
        .otherwise(shift_in(pl.col("idx"), -1, "_g"))
    )
    # A part marker points at the previous figure; "and Z" right after a part shares its parent.
    m = m.with_columns(
        parent_idx=pl.when(pl.col("is_part_marker"))
        .then(prev)
        .when(pl.col("among_next"))
        .then(nxt)
        .otherwise(None)
        .cast(pl.Int64),
    )
    # "Twelve children and 11 fighters were among the dead": nothing after them in the sentence, so
    # the total is the last top-level death toll told before, in the same document
    is_toll = (
        pl.col("parent_idx").is_null()
        & ~pl.col("among_next")
        & ~pl.col("is_part_marker")
        & pl.col("outcome").is_in(["killed", "died"])
    )
    m = m.with_columns(
        _toll=pl.when(is_toll).then(pl.col("idx")),
        _toll_doc=pl.when(is_toll).then(pl.col("doc_id")),
        _toll_sentence=pl.when(is_toll).then(pl.col("sentence_idx")),
    ).with_columns(pl.col("_toll", "_toll_doc", "_toll_sentence").forward_fill())
    dangling = (pl.col("among_next") | pl.col("is_part_marker")) & pl.col("parent_idx").is_null()
    earlier_toll = (pl.col("_toll_doc") == pl.col("doc_id")) & (
        pl.col("_toll_sentence") < pl.col("sentence_idx")
    )
    m = m.with_columns(
        parent_idx=pl.when(dangling & earlier_toll).then(pl.col("_toll")).otherwise(pl.col("parent_idx")),
        is_part_marker=pl.col("is_part_marker") | (dangling & earlier_toll),
    ).drop("_toll", "_toll_doc", "_toll_sentence")
    # resolve "and Z" chains: a figure joined to a part ("six women, five children and three
    # policemen") is a part of the same total
    for _ in range(3):
        prev_parent = shift_in(pl.col("parent_idx"), 1, "_g")
        prev_is_part = shift_in(pl.col("is_part_marker"), 1, "_g").fill_null(False)
        joined = pl.col("follows_and").fill_null(False) & prev_is_part & prev_parent.is_not_null()
        m = m.with_columns(
            parent_idx=pl.when(joined & pl.col("parent_idx").is_null())
            .then(prev_parent)
            .otherwise(pl.col("parent_idx")),
            is_part_marker=pl.col("is_part_marker") | joined,
        )
    # a part is never larger than its total: such a link is a misreading, not a breakdown
    parent_outcome = m.select(
        pl.col("idx").alias("parent_idx"), pl.col("outcome").alias("p_outcome"), p_count="count_best"
    )
    m = (
        m.join(parent_outcome, on="parent_idx", how="left")
        .with_columns(
            bad_link=pl.col("p_count").is_not_null() & (pl.col("count_best") > pl.col("p_count")),
        )
        .with_columns(
            parent_idx=pl.when(pl.col("bad_link")).then(None).otherwise(pl.col("parent_idx")),
            is_part_marker=pl.col("is_part_marker") & ~pl.col("bad_link"),
            p_outcome=pl.when(pl.col("bad_link")).then(None).otherwise(pl.col("p_outcome")),
        )
        .drop("bad_link", "p_count")
        # parts inherit their total's outcome ("87 killed including 34 children as well as the injury of...")
        .with_columns(
            outcome=pl.when(pl.col("is_part_marker") & pl.col("p_outcome").is_not_null())
            .then(pl.col("p_outcome"))
            .otherwise(pl.col("outcome"))
        )
        .drop("p_outcome", "_g")
        .sort("idx")
    )
    return _link_sums(m)


_CLASS = (
    pl.when(pl.col("victim_group") == "combatants").then(pl.lit("combatants")).otherwise(pl.lit("civilians"))
)


def _link_sums(m: pl.DataFrame) -> pl.DataFrame:
    """Parts by arithmetic: consecutive top-level figures after a total (same outcome and victim class,
    within the next eight) that add up exactly to it ("23 fighters were killed, 21 jihadists and two rebels").
    A part told again in the next sentence is a part once: it joins the total but adds nothing."""
    top = (
        m.filter(pl.col("parent_idx").is_null())
        .with_columns(cls=_CLASS)
        .select("idx", "doc_id", "outcome", "cls", "count_best", "sentence_idx", "victim_group", "told_apart")
    )
    top = (
        top.sort(["doc_id", "outcome", "cls", "idx"])
        .with_columns(_g=group_id("doc_id", "outcome", "cls"))
        .with_columns(
            pos=rank_in("_g"),
            # "two civilians were killed" then "the shells claimed the lives of two civilians"
            restates=(
                (pl.col("count_best") == shift_in(pl.col("count_best"), 1, "_g"))
                & (pl.col("sentence_idx") - shift_in(pl.col("sentence_idx"), 1, "_g")).is_between(1, 2)
                & (pl.col("victim_group") == shift_in(pl.col("victim_group"), 1, "_g"))
                & ~pl.col("told_apart")
            ).fill_null(False),
        )
        .drop("_g")
    )
    pairs = (
        top.join(top, on=["doc_id", "outcome", "cls"], suffix="_p")
        .filter((pl.col("pos_p") > pl.col("pos")) & (pl.col("pos_p") <= pl.col("pos") + 8))
        .sort(["idx", "pos_p"])
        # a total told again right after itself is no restated part: its breakdown follows it
        .with_columns(restates_p=pl.col("restates_p") & (pl.col("pos_p") > pl.col("pos") + 1))
        .with_columns(
            _g=group_id("idx"), _add=pl.when(pl.col("restates_p")).then(0).otherwise(pl.col("count_best_p"))
        )
        .with_columns(
            running=cum_sum_in(pl.col("_add"), "_g"),
            n=cum_sum_in((~pl.col("restates_p")).cast(pl.Int64), "_g"),
        )
    )
    closing = (
        pairs.filter((pl.col("running") == pl.col("count_best")) & (pl.col("n") >= 2))
        .group_by("idx")
        .agg(pl.col("pos_p").min().alias("close_pos"))
    )
    parts = (
        pairs.join(closing, on="idx")
        .filter(pl.col("pos_p") <= pl.col("close_pos"))
        .select(pl.col("idx_p").alias("idx"), pl.col("idx").alias("sum_parent"))
        .unique("idx", keep="first")
    )
    return (
        m.join(parts, on="idx", how="left")
        .with_columns(parent_idx=pl.coalesce("parent_idx", "sum_parent"))
        .drop("sum_parent")
        .sort("idx")
    )
