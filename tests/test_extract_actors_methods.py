"""Who did it and how: the general rules by which the extractor reads the perpetrator and the method
of an article's incident. Each text is written here to show one rule; none is taken from a corpus."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from extract import run_extraction
from extract.context import actor_mentions
from extract.spans import split_sentences


def _docs(title: str, body: str) -> pl.DataFrame:
    return pl.DataFrame(
        {"doc_id": ["d"], "title": [title], "text": [f"{title}\n\n{body}"], "published_date": [dt.date(2016, 5, 1)]},
        schema_overrides={"published_date": pl.Date},
    )


def summary(title: str, body: str) -> dict[str, object]:
    return run_extraction(_docs(title, body))["doc_profiles"].row(0, named=True)


def roles(sentence: str) -> list[tuple[str, int]]:
    """(actor, role) of every actor named in one sentence."""
    sentences = split_sentences(_docs(sentence, "").select("doc_id", "title", "text", "published_date"))
    found = actor_mentions(sentences.filter(pl.col("sentence_idx") == 0))
    return list(zip(found["actor"], found["role"], strict=True))


@pytest.mark.parametrize(
    ("title", "body", "actor"),
    [
        # the weapon names who struck, whatever preposition stands before it
        ("Raids kill 120", "At least 120 fighters were killed in a series of Russian air strikes near Palmyra.", "russia"),
        (
            "Toll rises to 18",
            "The death toll from a Syrian government raid on an Islamic State base in Deir ez-Zor rose to 18.",
            "syrian_government",
        ),
        (
            "Nusra leader and 8 more killed in Syrian Army offensive",
            "The operation took place near al-Rastan in northern Homs.",
            "syrian_government",
        ),
        # headline verbs: the one after "targets", "kills 40" is the target
        ("Syrian Air Force Targets ISIS in Deir ez-Zor", "Twenty-five militants were killed on Friday.", "syrian_government"),
        ("Ambush Kills 40 Nusra Front Members in Ghouta", "The militants were killed on Monday.", "unknown"),
        # a foiled attack: those who attacked lost, the ones who foiled it did the killing
        ("SDF foiled ISIS attack near Manbij", "The Kurdish-led fighters killed 80 militants in the attack.", "sdf"),
        ("Attack foiled near Manbij", "Fighters foiled an ISIS attack near Manbij, killing 80 militants.", "unknown"),
        # "between A and B" names two sides, neither as a target: the first named
        (
            "Civilians caught in the crossfire",
            "Activists said 58 people were killed in mutual shelling between regime forces and IS militants.",
            "syrian_government",
        ),
        # spellings of feeds that drop apostrophes, and transliterations
        ("Dozens killed in Douma", "At least 30 civilians were killed by Assads forces in Douma.", "syrian_government"),
        (
            "Fighters killed near Hasakeh",
            "The Peoples Protection Units killed 12 jihadists near Hasakeh, a monitor said.",
            "sdf",
        ),
        ("Chemical attack in Aleppo", "Jaysh al-Islam fighters killed 23 people in Sheikh Maqsoud.", "opposition"),
        # headline "Syria" for its government's forces
        ("Syria air raids kill 20 Islamic State militants", "The raids hit a training camp.", "syrian_government"),
        # "blamed on" attributes
        (
            "Air strikes kill 40",
            "Jet strikes blamed on the Syrian regime hit the city of Idlib, killing 40 people.",
            "syrian_government",
        ),
        # a nationality's lone fighter in a jihadist group is no state's force
        (
            "Suicide attack kills five",
            "An American fighter with the jihadist group killed five soldiers in a suicide attack.",
            "unknown",
        ),
    ],
)
def test_perpetrator(title: str, body: str, actor: str) -> None:
    assert summary(title, body)["primary_actor"] == actor


@pytest.mark.parametrize(
    ("body", "actor"),
    [
        # an unattributed attack from the air on a place the lead calls rebel-held: the government side
        ("Air strikes on the rebel-held town of Kafr Zeita killed eight civilians.", "syrian_government"),
        ("A suspected toxic gas attack on a rebel-held town killed 72 people.", "syrian_government"),
        # not so for places held by IS (the coalition, Russia and the government all struck those)
        ("An air raid on a village held by the Islamic State group killed 19 civilians.", "unknown"),
        # nor for an attack on the ground
        ("A car bomb in the rebel-held town of Azaz killed 17 people.", "unknown"),
        # and an attacker the article names wins
        ("US-led coalition air strikes on the rebel-held town of Atareb killed 11 civilians.", "coalition"),
    ],
)
def test_unattributed_attack_from_the_air_on_rebel_held_places(body: str, actor: str) -> None:
    assert summary("Civilians killed", body)["primary_actor"] == actor


def test_tag_lists_and_earlier_incidents_name_no_perpetrator() -> None:
    tagged = summary(
        "Strike kills 18",
        "Tags Syria Idlib airstrike Islamic State At least 18 civilians were killed in an airstrike in Idlib.",
    )
    assert tagged["primary_actor"] == "unknown"
    earlier = summary(
        "Bomb kills woman in Homs",
        "Just days after a deadly Assad regime chemical attack a bomb killed a woman on a bus south of Homs.",
    )
    assert (earlier["primary_actor"], earlier["primary_method"]) == ("unknown", "explosive_device")


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # who holds a place: "rebel town", "IS militants are in control of Raqqa"
        ("Air strikes killed dozens in a rebel town.", [("opposition", 0)]),
        ("IS militants are firmly in control of Raqqa.", [("islamic_state", 0)]),
        # "US missiles" struck; a site of theirs is not their weapon: "regime air force bases"
        ("US missiles hit regime air force bases near Homs.", [("coalition", 3), ("syrian_government", 1)]),
        # an acronym in brackets keeps the role of the name it restates
        ("Strikes hit positions of the Syrian Democratic Forces (SDF) near Raqqa.", [("sdf", 1), ("sdf", 1)]),
        # a member's group is not a target: "jihadists from the ISIL (ISIL)"
        (
            "Jihadists from the Islamic State of Iraq and the Levant (ISIL) executed three officers.",
            [("islamic_state", 2), ("islamic_state", 2)],
        ),
    ],
)
def test_roles(sentence: str, expected: list[tuple[str, int]]) -> None:
    assert roles(sentence) == expected


@pytest.mark.parametrize(
    ("title", "body", "method"),
    [
        # a besieged place is where, not how: only hunger is the siege's own death
        (
            "Civilians killed in Aleppo",
            "38 civilians were killed in a rebel offensive to break the government siege of the besieged east.",
            "unknown",
        ),
        ("Children die in Madaya", "Five children died of starvation in the town of Madaya.", "siege"),
        # a chemical attack in the title is the incident, however it was delivered
        (
            "Chemical massacre in Idlib",
            "The attack, believed carried out by Syrian jets, killed at least 58 people.",
            "chemical",
        ),
        ("Hundreds killed", "Activists accused government forces of gassing 300 people in Ghouta.", "chemical"),
        # killing captives is executing them
        ("ISIS behead 15 captured Assyrians", "The men were killed on Friday.", "execution"),
        (
            "Troops killed at airbase",
            "IS militants massacred 250 Syrian troops taken hostage at the Tabqa airbase.",
            "execution",
        ),
        # a state's bombing is from the air; a car bombing is not
        ("Over 500 killed", "Over 500 civilians were killed in a week of Russian bombing in Aleppo.", "airstrike"),
        ("Ten killed in Azaz", "A car bombing killed ten people in Azaz.", "explosive_device"),
        # what is not the incident's method: spoils, a feared attack, an earlier incident
        (
            "Militants killed",
            "Troops killed 70 militants and destroyed a tank two rocket launchers and three cannons.",
            "unknown",
        ),
        ("Clashes kill 20", "20 fighters were killed in clashes as families fled for fear of air strikes.", "unknown"),
        (
            "Thirty killed",
            "Thirty civilians were killed in Syrian air strikes a day after the reported execution of a pilot.",
            "airstrike",
        ),
        # an ambush is a tactic and "50 gunmen" are people: neither is how anyone died
        ("Army kills 50 gunmen in ambush", "The army ambushed the convoy near Daraa.", "unknown"),
        ("Doctor killed", "A doctor was killed by masked gunmen in Daraa.", "gunfire"),
    ],
)
def test_method(title: str, body: str, method: str) -> None:
    assert summary(title, body)["primary_method"] == method
