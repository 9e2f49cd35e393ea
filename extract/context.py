"""What a sentence says around its figures: who claims it, how, by whom, and whether it is background."""

from __future__ import annotations

import polars as pl

from extract.casefold import contains, copies_of, ensure_lower
from extract.gates import first_named, gated
from extract.groups import group_id, shift_in
from extract.lexicon import ACTORS, ANAPHORIC_CLAIM, CLAIM_SOURCES, METHODS, REPORTING
from extract.spans import find_each, find_spans, first_of_each, leftmost_longest

_MONTHS = (
    r"January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
# Figures about the whole war, a year or a month: not an incident of this article.
BACKGROUND = (
    r"(?i)(?-u:\b)since (?:the (?:start|beginning|outbreak|onset|eruption) of (?:the |Syria's )?(?:war|conflict|uprising|"
    r"crisis|revolution|civil war|protests)|(?:March |mid-March )?2011|the conflict (?:began|erupted|started)|"
    r"the war (?:began|erupted|started)|that date|then|(?:the (?:start|beginning|end) of )?(?:"
    + _MONTHS
    + r")(?-u:\b)(?:(?-u:\s)+(?-u:\d){4})?(?:(?-u:\s)*[,.;:]|(?-u:\s)+[a-z]|$)|"
    r"the (?:start|beginning|end) of (?:the|this|last) year)"
    r"|(?-u:\b)(?:war|conflict|crisis|uprising|fighting)(?:'s)? (?:has|had|have|that has|which has|that) (?:so far )?(?:killed|left|claimed)"
    r"|(?-u:\b)(?:killed|dead|died) (?:in|since|during) (?:the|Syria's) (?:war|conflict|civil war|uprising)"
    r"|(?-u:\b)in (?:"
    + _MONTHS
    + r"|(?-u:\d){4}) alone(?-u:\b)|(?-u:\b)so far this year(?-u:\b)|(?-u:\b)(?:this|last|past) year(?-u:\b)|(?-u:\b)in (?-u:\d){4}(?-u:\b)"
    r"|(?-u:\b)(?:between|from) the (?:end|start|beginning|middle) of (?:" + _MONTHS + r")"
    r"|(?-u:\b)death toll (?:of|in) the (?:war|conflict)|(?-u:\b)war (?:that|which) (?:has )?(?:killed|left)"
    r"|(?-u:\b)over the (?:past|last) (?:(?-u:\w)+ )?(?:years|months|year)(?-u:\b)|(?-u:\b)in the past (?:(?-u:\w)+ )?(?:years|months)(?-u:\b)"
    r"|(?-u:\b)since (?:the (?:start|beginning) of )?the (?:offensive|campaign|operation)(?-u:\b)"
)
# "between A and B", "A versus B" name both sides of a fight, neither as the target
_TARGET_BEFORE = (
    r"(?i)(?:(?-u:\b)on|(?-u:\b)against|(?-u:\b)targeting|(?-u:\b)targeted|(?-u:\b)hit|(?-u:\b)struck|(?-u:\b)at|(?-u:\b)pounded|(?-u:\b)attacked|(?-u:\b)bombed|"
    r"(?-u:\b)shelled|(?-u:\b)into|(?-u:\b)from|(?-u:\b)over|(?-u:\b)among|(?-u:\b)of|"
    # headline verbs: "Air Force Targets ISIS", "IS attacks Kurdish town"
    r"(?-u:\b)(?:targets|hits|pounds|pounding|attacks|attacking|shells|bombs|bombards|bombarding|raided|stormed|storms|ambushed))"
    r"(?-u:\s)+(?:the(?-u:\s)+|an?(?-u:\s)+|its(?-u:\s)+)?(?:\S+(?-u:\s)+)?$"
    # "Army Kills 40 Nusra Members", "ISIL executed three Syria rebel officers": the killed, not the killers
    r"|(?-u:\b)(?:kills|kill|killing|executes|execute|executed|executing|massacred|massacring|slaughtered|beheaded|beheads)"
    r"(?-u:\s)+(?:(?:at least|more than|over|some|about|nearly|the|an?)(?-u:\s)+)?(?:[^\s,.;:]+(?-u:\s)+){0,2}$"
)
# "Syrian opposition forces claimed that Russian jets...": the one speaking is not the one acting
_SPEAKER_AFTER = r"(?i)^(?:(?-u:\s)+\S+){0,3}?(?-u:\s)+(?:said|says|claimed|claims|reported|announced|stated|accused|denied|told)(?-u:\b)"
# "IS-held village", "areas controlled by the regime": who holds a place, not who struck it.
# "a rebel town", "regime areas": the actor names whose place it is; "IS militants are in control of Raqa"
_PLACE_QUALIFIER_AFTER = (
    r"(?i)^(?:'s)?-?(?-u:\s)?(?:held|controlled|dominated|run|besieged|occupied)(?-u:\b)|^(?-u:\s)+(?:held|controlled)(?-u:\b)"
    r"|^(?:'s|s)?(?-u:\s)+(?:towns?|villages?|city|cities|areas?|districts?|enclaves?|neighbou?rhoods?|territor(?:y|ies)|"
    r"suburbs?|pockets?|regions?)(?-u:\b)"
    r"|^(?:(?-u:\s)+(?:fighters|militants|jihadists|forces|troops|rebels|militias?|group))?(?-u:\s)+"
    r"(?:(?:is|are|was|were|remain|remains)(?-u:\s)+(?:\S+(?-u:\s)+)?in control of|controls|control|holds|hold|rules)(?-u:\b)"
)
_PLACE_QUALIFIER_BEFORE = r"(?i)(?-u:\b)(?:held|controlled|dominated|run|besieged|occupied|stronghold of|territory of|hands of|under)(?-u:\s)+(?:by(?-u:\s)+)?(?:the(?-u:\s)+)?(?:[a-z]+(?-u:\s)+)?$"
# "IS positions", "the Islamic State group's de facto capital Raqa", "Daesh command post": a target
_TARGET_AFTER = (
    r"(?i)^(?:'s|s)?(?-u:\s)*(?:group(?:'s|s)?(?-u:\s)+)?(?:de fact(?-u:\w)*(?-u:\s)+)?"
    r"(?:(?:military|main|key|oil|forward|front|former|last|remaining|local|regional|Syrian|Iraqi)(?-u:\s)+)?"
    r"(?:stronghold|bastion|capital|bases?|positions?|command|headquarters|oil|training|camps?|hideouts?|"
    r"targets?|depots?|convoys?|fortifications|facilities|outposts?|checkpoints?)(?-u:\b)"
)
# "a Russian helicopter was shot down": the aircraft's side lost it
_DOWNED_AFTER = r"(?i)^(?:(?-u:\s)+\S+){0,3}?(?-u:\s)+(?:(?:was|is|were|has been|had been)(?-u:\s)+)?(?:shot down|downed)(?-u:\b)"
# "a series of Russian air strikes", "the death toll from a Syrian government raid", "killed in Syrian Army
# Offensive": an actor named with the weapon or attack it used is the one who struck, whatever precedes it
_WEAPON = (
    r"(?:air ?strikes?|air-strikes?|air ?raids?|raids?|strikes?|shelling|bombardment|bombing|barrel bombs?|jets?|warplanes?|"
    r"war planes?|planes?|aircraft|helicopters?|drones?|artillery|missiles?|rockets?|mortars?|tanks?|snipers?|"
    r"offensive|assault|attacks?|gunfire|air ?force)"
)
_WEAPON_AFTER = (
    r"(?i)^(?:'s|s)?(?:(?-u:\s)+(?:air|aerial|artillery|rocket|missile|military|ground|army|naval|fighter|war|heavy|"
    r"intense|indiscriminate|fresh|new))*(?-u:\s)+" + _WEAPON + r"(?-u:\b)"
)
_WEAPON_NAMED = r"(?i)(?-u:\b)" + _WEAPON + r"$"
# ...unless the words are a place of theirs that was hit: "strikes on regime air force bases"
_WEAPON_SITE_AFTER = (
    r"(?i)^(?:(?-u:\s)+\S+){0,2}?(?-u:\s)+(?:bases?|air ?bases?|airports?|airfields?|positions?|headquarters|depots?|"
    r"barracks|convoys?|posts?|academy)(?-u:\b)"
)
# "a day after the reported execution of a pilot", "just days after a regime chemical attack": the clause
# names an earlier incident, neither its method nor its perpetrator is this one's
EARLIER_EVENT = (
    r"(?i)(?-u:\b)(?:(?:just|only|a|one|two|three|four|five|several|few|(?-u:\d)+)(?-u:\s)+)*(?:days?|weeks?|hours?|months?)"
    r"(?-u:\s)+(?:after|before)(?-u:\s)+(?:the|a|an)(?-u:\s)+(?:\S+(?-u:\s)+){0,6}?"
    r"(?:attacks?|strikes?|air ?strikes?|raids?|bombings?|massacres?|executions?|shelling|explosions?|blasts?)(?-u:\b)"
)
# "destroying a tank two rocket launchers and three cannons", "seized weapons and ammunition": arms
# destroyed or taken are spoils, not what killed anyone
_EQUIPMENT = (
    r"(?i)(?-u:\b)(?:destroy(?:ed|ing|s)?|seiz(?:ed|ing|es)|captur(?:ed|ing|es)|confiscat(?:ed|ing|es))(?-u:\s)+"
    r"(?:their|its|his|a|an|the|several|many|dozens of|(?-u:\d)+|two|three|four|five|six|seven|eight|nine|ten)(?-u:\s)+"
    r"[^.;]{0,80}(?:launchers?|vehicles?|tanks?|cannons?|weapons?|ammunition|equipment|arms|mortars?|rockets?|missiles?|"
    r"machine ?guns?|depots?|mines|explosives)(?-u:\b)"
)
# "for fear of air strikes", "braces for renewed bombardment", "warns against new US missile strikes":
# an attack feared, threatened or to be stopped has not happened
_UNREALISED = (
    r"(?i)(?-u:\b)(?:(?:fears?|threats?|risk|danger|prospect|possibility) of|warn(?:s|ed|ing)? (?:of|against)|brac(?:es|ed|ing|e) for|"
    r"to (?:avoid|prevent|stop|halt|end)|deadline to resume)(?-u:\s)+(?:\S+(?-u:\s)+){0,3}?"
    r"(?:air ?strikes?|airstrikes?|raids?|bombing|bombardment|shelling|strikes?|attacks?)(?-u:\b)"
)
# "the rebel-held town", "areas held by the opposition": a place on the side that has no air force
OPPOSITION_HELD = (
    r"(?i)(?-u:\b)(?:rebel|opposition|insurgent)s?[- ](?:held|controlled|run)(?-u:\b)"
    r"|(?-u:\b)(?:held|controlled) by (?:the )?(?:rebels|opposition|insurgents)(?-u:\b)"
)
# "Tags Syria Aleppo Islamic State ...": an outlet's keyword list run into the text is not prose
_TAGS = r"(?-u:\b)Tags(?-u:\s)"
# "SDF foiled ISIS attack", "troops repelled a rebel offensive": the attack failed, the attackers are the ones hit
_FOILED_BEFORE = (
    r"(?i)(?-u:\b)(?:foiled|foils|foil|repelled|repels|repel|thwarted|thwarts|thwart|repulsed|repulses|fended off|fends off|"
    r"fend off|beat back|beats back)(?-u:\s)+(?:the(?-u:\s)+|an?(?-u:\s)+|its(?-u:\s)+)?(?:\S+(?-u:\s)+)?$"
)
# "jihadists from the Islamic State": a member's group, not a target
_MEMBER_BEFORE = (
    r"(?i)(?-u:\b)(?:jihadists|jihadis|fighters|militants|members|gunmen|elements|terrorists|militiamen|troops|units)"
    r"(?-u:\s)+from(?-u:\s)+(?:the(?-u:\s)+)?$"
)
# "backed by Russian jets", "supported by Hezbollah": an ally, not the one who acted
_ALLY_BEFORE = r"(?i)(?-u:\b)(?:backed(?: up)?|supported|aided|assisted|allied|helped|accompanied)(?-u:\s)+(?:by|with|to)(?-u:\s)+(?:the(?-u:\s)+)?(?:\S+(?-u:\s)+)?$"
_AGENT_BEFORE = (
    r"(?i)(?:(?-u:\b)by|(?-u:\b)blamed(?: on)?|(?-u:\b)blaming|(?-u:\b)accused|(?-u:\b)attributed to|(?-u:\b)hands of|"
    # "35 jihadists were killed in clashes with Kurdish fighters": the other side did it
    r"(?-u:\b)(?:killed|dead|died|lost)(?-u:\b)[^.;]{0,40}(?-u:\b)(?:clashes|fighting|battles|confrontations) (?:with|against))"
    # "by the ", "blamed President Bashar ": a title and a first name may stand between
    r"(?-u:\s)+(?:the(?-u:\s)+)?(?:\S+(?-u:\s)+)?(?:(?-i:[A-Z])\S*(?-u:\s)+)?$"
)
# "the Islamic State group claimed responsibility": the strongest attribution an article makes
RESPONSIBILITY_AFTER = (
    r"(?i)^(?:(?-u:\s)+\S+){0,4}?(?-u:\s)+(?:claimed|has claimed|have claimed|claiming) responsibility"
)


def claim_sources(sentences: pl.DataFrame) -> pl.DataFrame:
    """`(doc_id, sentence_idx, claim_source)` for every sentence, null where nobody is cited.

    A named source counts where the sentence reports something; "it said" / "the source said"
    points back to the last source named earlier in the document.
    """
    keys = ["doc_id", "sentence_idx"]
    sentences = ensure_lower(sentences, "sentence")
    base = sentences.select(*keys, "sentence", *copies_of(sentences, "sentence"))
    base = base.with_columns(
        reporting=contains(base, "sentence", f"(?i){REPORTING}"),
        anaphoric=contains(base, "sentence", f"(?i){ANAPHORIC_CLAIM}"),
    )
    # sources are only searched where something is reported
    reporting = base.filter(pl.col("reporting"))
    named = first_of_each(reporting, "sentence", CLAIM_SOURCES, keys, "claim_source").drop("m_start", "m_end")
    # forward fill within a document without a per-document window: carry the value and the
    # document it came from, and keep it only inside that document
    carried = (
        base.select(*keys, "anaphoric")
        .join(named, on=keys, how="left")
        .sort(keys)
        .with_columns(
            last=pl.col("claim_source").forward_fill(),
            last_doc=pl.when(pl.col("claim_source").is_not_null()).then(pl.col("doc_id")).forward_fill(),
        )
    )
    return carried.select(
        *keys,
        claim_source=pl.when(pl.col("claim_source").is_not_null())
        .then(pl.col("claim_source"))
        .when(pl.col("anaphoric") & (pl.col("last_doc") == pl.col("doc_id")))
        .then(pl.col("last"))
        .otherwise(None),
    )


def background_flags(sentences: pl.DataFrame) -> pl.Expr:
    """Whether each sentence of `sentences` is background (an earlier incident, a running toll)."""
    return contains(sentences, "sentence", BACKGROUND)


# what a sentence says that is not this incident's method: an earlier attack, spoils, a feared attack
_NOT_THIS_ATTACK = "|".join(f"(?:{p})" for p in (EARLIER_EVENT, _EQUIPMENT, _UNREALISED))


def _methods_of(sentence: pl.Series) -> pl.Series:
    return first_named(sentence, METHODS, strip=_NOT_THIS_ATTACK)


def sentence_methods() -> pl.Expr:
    """The method named in a sentence, by precedence of `lexicon.METHODS`, else null.

    The sentence is stripped once of what is not this incident's method, where it names one at
    all (so the strip is not repeated for every method's test, nor run on sentences naming none).
    """
    return pl.col("sentence").map_batches(_methods_of, return_dtype=pl.String)


def actor_mentions(sentences: pl.DataFrame) -> pl.DataFrame:
    """Every actor named in the sentences: keys, span, actor code and role score.

    Role: 4 where they claimed responsibility, 3 where the sentence says it was done *by* them or names
    them with their weapon ("Russian air strikes"), 1 where they are the target ("strikes on IS
    positions", "Army kills 40 Nusra members", "foiled an ISIS attack") or an ally, 0 where they only
    hold the place ("IS-held village", "a rebel town"), 2 otherwise. Names in an outlet's tag list or
    in a clause about an earlier incident are left out.
    """
    keys = ["doc_id", "sentence_idx"]
    sentences = ensure_lower(sentences, "sentence")  # the gate below reads it
    found = find_each(sentences, "sentence", ACTORS, keys, "actor")
    spans = leftmost_longest(found, keys).unique([*keys, "m_start"], keep="first")
    # names in a tag list or in a clause about an earlier incident are not this incident's actors
    tags = find_spans(sentences, "sentence", _TAGS, keys).group_by(keys).agg(tags_at=pl.col("m_start").min())
    # few sentences hold the clause's words (after, before): only those are read for it (69 ms to 26 ms)
    earlier = find_spans(gated(sentences, "sentence", EARLIER_EVENT), "sentence", EARLIER_EVENT, keys).select(
        *keys, e_start="m_start", e_end="m_end"
    )
    inside_earlier = (
        spans.join(earlier, on=keys)
        .filter((pl.col("m_start") >= pl.col("e_start")) & (pl.col("m_start") < pl.col("e_end")))
        .select(*keys, "m_start")
    )
    spans = (
        spans.join(inside_earlier, on=[*keys, "m_start"], how="anti")
        .join(tags, on=keys, how="left")
        .filter(~(pl.col("m_start") > pl.col("tags_at")).fill_null(False))
    )
    mentions = (
        spans.join(sentences.select(*keys, "sentence"), on=keys)
        .with_columns(
            left=pl.col("sentence").str.slice(0, pl.col("m_start")).str.slice(-90),
            right=pl.col("sentence").str.slice(pl.col("m_end"), 50),
        )
        .with_columns(
            role=pl.when(
                pl.col("right").str.contains(_PLACE_QUALIFIER_AFTER)
                | pl.col("left").str.contains(_PLACE_QUALIFIER_BEFORE)
            )
            .then(0)
            .when(pl.col("right").str.contains(RESPONSIBILITY_AFTER))
            .then(4)
            .when(
                pl.col("left").str.contains(_ALLY_BEFORE)
                | pl.col("left").str.contains(_FOILED_BEFORE)
                | pl.col("right").str.contains(_DOWNED_AFTER)
            )
            .then(1)
            .when(
                pl.col("left").str.contains(_AGENT_BEFORE)
                | (
                    (
                        pl.col("match").str.contains(_WEAPON_NAMED)
                        | pl.col("right").str.contains(_WEAPON_AFTER)
                    )
                    & ~pl.col("right").str.contains(_WEAPON_SITE_AFTER)
                )
            )
            .then(3)
            .when(pl.col("left").str.contains(_MEMBER_BEFORE))
            .then(2)
            .when(
                pl.col("left").str.contains(_TARGET_BEFORE)
                | pl.col("right").str.contains(_TARGET_AFTER)
                | pl.col("right").str.contains(_SPEAKER_AFTER)
            )
            .then(1)
            .otherwise(2)
        )
        .sort([*keys, "m_start"])
        .with_columns(_g=group_id(*keys))
    )
    # "the Syrian Democratic Forces (SDF)": an acronym in brackets restates the name before it
    restated = pl.col("left").str.contains(r"\((?-u:\s)*$") & (
        pl.col("actor") == shift_in(pl.col("actor"), 1, "_g")
    )
    return mentions.with_columns(
        role=pl.when(restated).then(shift_in(pl.col("role"), 1, "_g")).otherwise(pl.col("role")),
        after_from=pl.col("left").str.contains(r"(?i)(?-u:\b)(?:from|of)(?-u:\s)+(?:the(?-u:\s)+)?$"),
    ).select(*keys, "m_start", "m_end", "actor", "role", "after_from")
