"""What ../shared/seeds/EXPECTED.md says the warehouse must hold, checked on the published marts
of a real `sitrep run --source ../shared/seeds` (the session fixture `seeds_run`)."""

from __future__ import annotations

import pytest
from conftest import CliRun

SEED_001 = "001_57e70ff2116bb368.txt"
SEED_004 = "004_01e077487e0c8b39.txt"


@pytest.fixture(scope="module")
def seeds(seeds_run: CliRun) -> CliRun:
    assert seeds_run.exit_code == 0, seeds_run.output
    return seeds_run


def casualties(run: CliRun, doc_id: str) -> list[dict[str, object]]:
    cols = [
        "casualty_id",
        "outcome",
        "victim_group",
        "victim_actor",
        "count_low",
        "count_best",
        "count_high",
        "quantity_text",
        "parent_casualty_id",
        "claim_source",
        "is_background",
        "evidence",
        "char_start",
        "char_end",
    ]
    rows = run.query(
        f"select {', '.join(cols)} from marts.fct_casualties where doc_id = ? order by char_start", [doc_id]
    )
    return [dict(zip(cols, r, strict=True)) for r in rows]


def one(rows: list[dict[str, object]], **where: object) -> dict[str, object]:
    found = [r for r in rows if all(r[k] == v for k, v in where.items())]
    assert len(found) == 1, f"expected one row with {where}, found {len(found)}"
    return found[0]


def test_seed_001_total_with_its_children_and_its_three_parts(seeds: CliRun) -> None:
    rows = casualties(seeds, SEED_001)
    total = one(rows, outcome="killed", victim_group="civilians", count_best=87)
    assert total["parent_casualty_id"] is None
    assert total["claim_source"] == "SOHR"
    children = one(rows, victim_group="children", count_best=34)
    assert children["parent_casualty_id"] == total["casualty_id"]
    parts = [one(rows, victim_group="civilians", count_best=n) for n in (52, 21, 14)]
    assert all(p["parent_casualty_id"] == total["casualty_id"] for p in parts)
    # the parts are kept but never added: the only top-level civilian death figure is 87
    top = [r for r in rows if r["victim_group"] == "civilians" and r["parent_casualty_id"] is None]
    assert [r["count_best"] for r in top] == [87]


def test_seed_001_four_russian_soldiers_and_the_236_headline(seeds: CliRun) -> None:
    rows = casualties(seeds, SEED_001)
    russians = one(rows, victim_group="combatants", count_best=4)
    assert russians["victim_actor"] == "russia"
    headline = one(rows, victim_group="combatants", count_best=236)
    for n in (119, 72, 41, 4):
        assert (
            one(rows, victim_group="combatants", count_best=n)["parent_casualty_id"]
            == headline["casualty_id"]
        )
    assert one(rows, outcome="injured", count_best=182)["claim_source"] == "SOHR"


def test_seed_001_tal_musaytif_captured_by_the_opposition(seeds: CliRun) -> None:
    rows = seeds.query(
        "select gaining_actor, losing_actor from marts.fct_territory_changes where doc_id = ? and place_name = ?",
        [SEED_001, "Tal Musaytif"],
    )
    assert rows == [("opposition", "syrian_government")]
    recaptured = seeds.query(
        "select place_name from marts.fct_territory_changes where doc_id = ? and gaining_actor = 'opposition' "
        "order by char_start",
        [SEED_001],
    )
    assert {"Abu Juraif", "Tal Khatrah", "Tal Musaytif"} <= {r[0] for r in recaptured}


def test_seed_004_35_is_19_plus_16(seeds: CliRun) -> None:
    rows = casualties(seeds, SEED_004)
    total = one(rows, victim_group="combatants", count_best=35)
    assert total["quantity_text"] == "At least 35"
    assert (total["count_low"], total["count_high"]) == (35, None)
    for n in (19, 16):
        part = one(rows, victim_group="combatants", count_best=n)
        assert part["parent_casualty_id"] == total["casualty_id"]
        assert part["claim_source"] == "SOHR"
    assert one(rows, victim_group="children", count_best=1)["claim_source"] == "SANA"
    war = one(rows, count_best=370000)
    assert war["is_background"] is True


def test_seed_000_died_waiting_is_not_killed_and_is_the_uns(seeds: CliRun) -> None:
    rows = casualties(seeds, "000_a26dae7ccb1e2be4.txt")
    egeland = one(rows, count_best=16, victim_group="people")
    assert (egeland["outcome"], egeland["claim_source"]) == ("died", "UN")
    assert any(r["count_best"] == 20 and r["claim_source"] == "SOHR" for r in rows)


def test_seed_002_claims_and_background(seeds: CliRun) -> None:
    rows = casualties(seeds, "002_76987922ef306dd1.txt")
    militants = one(rows, count_best=30)
    assert (militants["victim_group"], militants["claim_source"]) == (
        "combatants",
        "Russian Defence Ministry",
    )
    assert one(rows, count_best=211)["is_background"] is True
    assert one(rows, count_best=100000)["is_background"] is True  # "hundreds of thousands" (UN)
    area = seeds.query(
        "select gaining_actor from marts.fct_territory_changes where doc_id = ? and area_km2 = 3035",
        ["002_76987922ef306dd1.txt"],
    )
    assert area == [("syrian_government",)]


def test_seed_003_more_than_170_with_its_71_and_25_towns(seeds: CliRun) -> None:
    doc = "003_5070e523dee5e805.txt"
    rows = casualties(seeds, doc)
    total = one(rows, quantity_text="more than 170")
    assert (total["count_low"], total["count_best"], total["count_high"], total["claim_source"]) == (
        170,
        170,
        None,
        "SOHR",
    )
    assert one(rows, count_best=71)["parent_casualty_id"] == total["casualty_id"]
    assert one(rows, outcome="displaced", count_best=30000)["claim_source"] == "SOHR"
    towns = seeds.query(
        "select gaining_actor, admin1, claim_source from marts.fct_territory_changes where doc_id = ? and n_places = 25",
        [doc],
    )
    assert towns == [("syrian_government", "Idlib", "SOHR")]


def test_every_figure_carries_its_evidence_span(seeds: CliRun) -> None:
    texts = dict(seeds.query("select doc_id, text from raw.documents"))
    rows = seeds.query(
        "select doc_id, quantity_text, evidence, char_start, char_end from marts.fct_casualties"
    )
    assert rows
    for doc_id, quantity_text, evidence, start, end in rows:
        assert evidence in texts[doc_id]
        assert quantity_text.lower() in texts[doc_id][start:end].lower()
