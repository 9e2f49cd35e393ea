"""Casualty counts on short texts, one rule each. Texts are written here, not taken from any corpus.

Children: a child named as a part of another toll counts for the principal incident by the women's
rule (her toll is the principal's, a part of it, or one as large told for the same days), or when
told in the lead. Sums: a figure told again in the next sentence ("two civilians were killed" /
"the shells claimed the lives of two civilians") is one part, not two; a figure told apart ("two
other people") is a part of its own. Nouns: a wife is a woman; a son or daughter is a child only
when the text says so ("two young daughters").
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from extract import run_extraction


def extract(text: str) -> dict[str, pl.DataFrame]:
    docs = pl.DataFrame(
        {
            "doc_id": ["d"],
            "title": [text.split("\n")[0]],
            "text": [text],
            "published_date": [dt.date(2016, 6, 8)],
        },
        schema_overrides={"published_date": pl.Date},
    )
    return run_extraction(docs)


def summary(text: str) -> dict[str, object]:
    return extract(text)["doc_profiles"].row(0, named=True)


def parents(text: str) -> list[tuple[str, str | None]]:
    """(quantity as written, its total's quantity) of each death figure, in text order."""
    c = extract(text)["casualties"].filter(pl.col("outcome").is_in(["killed", "died"]))
    by_id = dict(zip(c["casualty_id"], c["quantity_text"], strict=True))
    return [(q, by_id.get(p)) for q, p in zip(c["quantity_text"], c["parent_casualty_id"], strict=True)]


# --- children ------------------------------------------------------------------------------------


def test_children_among_the_principal_toll_count() -> None:
    s = summary(
        "Air strikes kill 21 in Idlib\n\n"
        "Air strikes killed at least 21 civilians including five children in Idlib on Sunday the monitor said."
    )
    assert (s["civilians_killed"], s["children_killed"]) == (21, 5)


def test_children_of_a_smaller_toll_further_down_died_in_another_strike() -> None:
    s = summary(
        "Air strikes kill 21 in Idlib\n\n"
        "Air strikes killed at least 21 civilians in Idlib on Sunday the monitor said. "
        "Peace talks have stalled. The opposition called for a ceasefire. "
        "In Ariha warplanes also killed six civilians including four children."
    )
    assert (s["civilians_killed"], s["children_killed"]) == (21, 0)


def test_children_of_a_larger_toll_of_another_day_do_not_count() -> None:
    s = summary(
        "Rockets kill 3 in Aleppo\n\n"
        "Rocket shells killed three civilians in Aleppo on Wednesday. "
        "The shells damaged houses. Police closed the road. "
        "On Sunday May 29 seven civilians including two children were killed in similar attacks."
    )
    assert (s["civilians_killed"], s["children_killed"]) == (3, 0)


def test_children_among_a_toll_told_in_the_lead_count() -> None:
    s = summary(
        "Bombing kills 39 in Homs\n\n"
        "A double bombing killed 39 people at a school in Homs on June 1 the monitor said. "
        '"At least 30 children were among 39 people killed in the double bombing today" its director said.'
    )
    assert (s["civilians_killed"], s["children_killed"]) == (39, 30)


# --- restated parts ------------------------------------------------------------------------------


def test_a_part_told_twice_is_one_part_of_the_sum() -> None:
    linked = parents(
        "Shells kill 5 in Aleppo\n\n"
        "Shells fired by gunmen killed 5 civilians in Aleppo the police said. "
        "Three civilians were killed in al-Midan neighborhood. "
        "A source told the agency that the shells claimed the lives of three civilians there. "
        "Also two more civilians were killed in Seif al-Dawla."
    )
    assert linked == [("5", None), ("Three", "5"), ("three", "5"), ("two", "5")]


def test_the_same_woman_told_twice_is_not_two_parts() -> None:
    c = extract(
        "Shells kill civilians in Aleppo\n\n"
        "Shells fired by gunmen killed two persons in Aleppo on Wednesday the agency said. "
        "Earlier a woman was killed in attacks on al-Shrafiyeh neighborhood. "
        "The reporter of the agency said the shells killed a woman and damaged houses."
    )["casualties"]
    assert c.filter(pl.col("victim_group") == "women")["parent_casualty_id"].to_list() == [None, None]


def test_an_equal_figure_told_apart_is_a_part_of_its_own() -> None:
    linked = parents(
        "Attacks kill 5 in Aleppo\n\n"
        "Rocket attacks killed 5 people in Aleppo on Thursday the agency said. "
        "Two people were killed in Salah Eddin neighborhood. "
        "Two other people were killed in al-Zahraa. "
        "One person was killed in al-Hamadaniyeh."
    )
    assert linked[-3:] == [("Two", "5"), ("Two", "5"), ("One", "5")]


# --- victim nouns --------------------------------------------------------------------------------


def test_young_daughters_are_children_and_a_wife_is_a_woman() -> None:
    s = summary(
        "Air strike kills family in Idlib\n\n"
        "An air strike on a house in Idlib killed a wife and three young daughters of a local farmer "
        "on Sunday the monitor said."
    )
    assert (s["civilians_killed"], s["children_killed"], s["women_killed"]) == (4, 3, 1)


def test_sons_are_not_children_unless_the_text_says_so() -> None:
    s = summary("Shelling kills 3 in Daraa\n\nShelling killed a farmer and his two sons in Daraa on Sunday.")
    assert s["children_killed"] == 0
