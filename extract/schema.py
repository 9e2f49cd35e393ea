"""Column schemas of the tables the extractor writes to the warehouse's `extract` schema.

dbt sources (`dbt_project/models/staging/sources.yml`) and the GX suites read these tables;
this module is the one place their columns are defined.
"""

from __future__ import annotations

import polars as pl

# bumped whenever what the extractor reads changes: every document is extracted again
EXTRACTOR_VERSION = "0.2.8"

_SPAN = {
    "doc_id": pl.String,
    "sentence_idx": pl.Int64,  # 0-based index of the sentence in the document text
    "char_start": pl.Int64,  # span of the fact in the document text (documents.text), end exclusive
    "char_end": pl.Int64,
    "evidence": pl.String,  # the sentence the fact was read from
    "claim_source": pl.String,  # who the article says reported it (SOHR, UN, SANA, ...) or null
    "extractor_version": pl.String,
}

_WHEN_WHERE = {
    "event_date": pl.Date,
    "date_precision": pl.String,  # day|week|month|year|unknown
    "location_name": pl.String,  # as written in the text, or the gazetteer's name
    "admin1": pl.String,
    "latitude": pl.Float64,
    "longitude": pl.Float64,
    "geo_precision": pl.Int64,  # 1 town, 2 near a town / part of a region, 3 governorate
}

EVENTS: dict[str, pl.DataType] = {
    "event_id": pl.String,
    **_SPAN,
    **_WHEN_WHERE,
    "event_type": pl.String,  # ACLED event_type
    "sub_event_type": pl.String,  # ACLED sub_event_type
    "method": pl.String,
    "actor1": pl.String,
    "actor2": pl.String,
    "is_background": pl.Boolean,
}

CASUALTIES: dict[str, pl.DataType] = {
    "casualty_id": pl.String,
    "event_id": pl.String,  # the incident this figure belongs to (events.event_id)
    **_SPAN,
    "outcome": pl.String,  # killed|died|injured|missing|displaced
    "victim_group": pl.String,  # civilians|children|women|combatants|people
    "victim_actor": pl.String,  # actor code of the victims' side, or null
    "count_low": pl.Int64,
    "count_best": pl.Int64,
    "count_high": pl.Int64,
    "quantity_text": pl.String,  # as written: "more than 170"
    "parent_casualty_id": pl.String,  # a part points at its total
    "is_background": pl.Boolean,
}

TERRITORY: dict[str, pl.DataType] = {
    "change_id": pl.String,
    **_SPAN,
    "event_date": pl.Date,
    "date_precision": pl.String,
    "place_name": pl.String,
    "admin1": pl.String,
    "n_places": pl.Int64,
    "area_km2": pl.Float64,
    "gaining_actor": pl.String,
    "losing_actor": pl.String,
}

DOC_PROFILES: dict[str, pl.DataType] = {
    "doc_id": pl.String,
    "principal_event_id": pl.String,
    "primary_admin1": pl.String,
    "primary_actor": pl.String,
    "primary_method": pl.String,
    "civilians_killed": pl.Int64,
    "children_killed": pl.Int64,
    "women_killed": pl.Int64,
    "combatants_killed": pl.Int64,
    "extractor_version": pl.String,
}

TABLES: dict[str, dict[str, pl.DataType]] = {
    "events": EVENTS,
    "casualties": CASUALTIES,
    "territory": TERRITORY,
    "doc_profiles": DOC_PROFILES,
}

ACTORS = (
    "syrian_government",
    "russia",
    "iran",
    "opposition",
    "hts",
    "islamic_state",
    "sdf",
    "coalition",
    "turkey",
    "israel",
    "unknown",
)
ADMIN1 = (
    "Aleppo",
    "Damascus",
    "Rif Dimashq",
    "Idlib",
    "Hama",
    "Homs",
    "Latakia",
    "Tartus",
    "Deir ez-Zor",
    "Raqqa",
    "Hasakah",
    "Daraa",
    "As-Suwayda",
    "Quneitra",
)
METHODS = (
    "airstrike",
    "shelling",
    "barrel_bomb",
    "explosive_device",
    "suicide_bombing",
    "chemical",
    "gunfire",
    "execution",
    "siege",
    "other",
    "unknown",
)
OUTCOMES = ("killed", "died", "injured", "missing", "displaced")
VICTIM_GROUPS = ("civilians", "children", "women", "combatants", "people")
DATE_PRECISIONS = ("day", "week", "month", "year", "unknown")


def empty(table: str) -> pl.DataFrame:
    return pl.DataFrame(schema=TABLES[table])
