"""Incidents: one per sentence that reports violence (a casualty figure or an attack, clash, strike)."""

from __future__ import annotations

import polars as pl

from extract.casefold import contains

EVENT_TRIGGER = (
    r"(?i)(?-u:\b)(?:clash(?:es|ed)?|battles?|fighting|fierce|air ?strikes?|airstrikes?|strikes?|struck|air ?raids?|raids?|"
    r"shell(?:ing|ed|s)|bombard(?:ment|ed)|explosions?|blasts?|car bombs?|bomb(?:s|ing|ed)?|suicide|attack(?:s|ed)?|"
    r"executed|shot down|downed|ambush(?:ed)?|offensive|assault|barrel bombs?|chemical|mortars?|rockets?|missiles?|"
    r"sniper|gunfire|opened fire|massacre|killed|killing|dead|died|wounded|injured)(?-u:\b)"
)
_CLASH = r"(?i)(?-u:\b)(?:clash(?:es|ed)?|battles?|fighting|firefights?|gun battles?|confrontations|skirmishes)(?-u:\b)"

_SUB_EVENT = {
    "chemical": ("Explosions/Remote violence", "Chemical weapon"),
    "airstrike": ("Explosions/Remote violence", "Air/drone strike"),
    "barrel_bomb": ("Explosions/Remote violence", "Air/drone strike"),
    "shelling": ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    "suicide_bombing": ("Explosions/Remote violence", "Suicide bomb"),
    "explosive_device": ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
    "execution": ("Violence against civilians", "Attack"),
    "siege": ("Strategic developments", "Other"),
}
GOVERNMENT_SIDE = ["syrian_government", "russia", "iran"]


def is_clash(sentences: pl.DataFrame) -> pl.Expr:
    """Whether each sentence of `sentences` names fighting between sides."""
    return contains(sentences, "sentence", _CLASH)


def classify(method: pl.Expr, clash: pl.Expr, territory_gain: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """ACLED (event_type, sub_event_type) from method, clash words (`is_clash`, computed once as a
    column: both results use it) and territory gains."""
    event_type = pl.when(territory_gain.is_not_null()).then(pl.lit("Battles"))
    sub_type = pl.when(territory_gain.is_not_null()).then(
        pl.when(territory_gain.is_in(GOVERNMENT_SIDE))
        .then(pl.lit("Government regains territory"))
        .otherwise(pl.lit("Non-state actor overtakes territory"))
    )
    for m, (et, st) in _SUB_EVENT.items():
        event_type = event_type.when(method == m).then(pl.lit(et))
        sub_type = sub_type.when(method == m).then(pl.lit(st))
    event_type = (
        event_type.when(clash).then(pl.lit("Battles")).otherwise(pl.lit("Violence against civilians"))
    )
    sub_type = sub_type.when(clash).then(pl.lit("Armed clash")).otherwise(pl.lit("Attack"))
    return event_type, sub_type
