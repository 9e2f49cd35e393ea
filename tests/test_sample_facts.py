"""The bundled sample corpus against its expected facts (tests/fixtures/sample_expected.yaml),
read from the marts of a real `sitrep run` on samples/corpus (the session fixture `samples_run`).

The corpus was written to exercise every case; the extractor is held to agreement rates on it,
like `sitrep eval` on real articles, plus exact checks of facts no version may get wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import CliRun

EXPECTED = yaml.safe_load((Path(__file__).parent / "fixtures" / "sample_expected.yaml").read_text())[
    "documents"
]
SUMMARY_FIELDS = [
    "civilians_killed",
    "children_killed",
    "women_killed",
    "combatants_killed",
    "primary_admin1",
    "primary_actor",
    "primary_method",
]
# Agreement the extractor reached when these tests were written; a drop is a regression.
MIN_AGREEMENT = {
    "civilians_killed": 0.9,
    "children_killed": 0.9,
    "women_killed": 0.9,
    "combatants_killed": 0.9,
    "primary_admin1": 0.85,
    "primary_actor": 0.7,
    "primary_method": 0.7,
}


@pytest.fixture(scope="module")
def samples(samples_run: CliRun) -> CliRun:
    assert samples_run.exit_code == 0, samples_run.output
    return samples_run


def _expected_summary(doc: dict[str, object], field: str) -> object:
    value = doc["summary"].get(field)
    # the fixture writes null actor/method for articles without violence, the warehouse "unknown";
    # and "other" for clashes, which the warehouse may leave unknown or call gunfire
    if field in ("primary_actor", "primary_method") and value is None:
        return {"unknown"}
    if field == "primary_method" and value == "other":
        return {"other", "unknown", "gunfire"}
    return {value}


def test_every_english_sample_is_a_document_and_the_french_one_is_quarantined(samples: CliRun) -> None:
    docs = {r[0] for r in samples.query("select doc_id from marts.documents")}
    quarantined = dict(samples.query("select source_ref, reason from marts.quarantine"))
    for doc_id in EXPECTED:
        assert doc_id in docs or quarantined.get(doc_id) == "not_english", doc_id
    assert quarantined == {"txt/idleb_frappes_russes_fr.txt": "not_english"}


def test_summary_agreement(samples: CliRun) -> None:
    cols = ", ".join(SUMMARY_FIELDS)
    got = {
        r[0]: dict(zip(SUMMARY_FIELDS, r[1:], strict=True))
        for r in samples.query(f"select doc_id, {cols} from marts.doc_summary")
    }
    docs = [d for d in EXPECTED if d in got]
    assert len(docs) >= 40
    agreement = {
        f: sum(got[d][f] in _expected_summary(EXPECTED[d], f) for d in docs) / len(docs)
        for f in SUMMARY_FIELDS
    }
    low = {f: round(a, 3) for f, a in agreement.items() if a < MIN_AGREEMENT[f]}
    assert not low, f"agreement below the floor: {low} (all: {agreement})"


def test_expected_casualty_figures_are_found(samples: CliRun) -> None:
    rows = samples.query("select doc_id, outcome, victim_group, count_best from marts.fct_casualties")
    have = set(rows)
    wanted = [
        (d, c["outcome"], c["victim_group"], c["count_best"])
        for d, doc in EXPECTED.items()
        for c in doc.get("casualties") or []
        if d != "txt/idleb_frappes_russes_fr.txt"
    ]
    found = sum(w in have for w in wanted)
    assert found / len(wanted) >= 0.88, f"{found} of {len(wanted)} expected figures found"


def test_parts_point_at_their_totals(samples: CliRun) -> None:
    rows = samples.query(
        "select c.doc_id, c.victim_group, c.count_best, p.victim_group, p.count_best "
        "from marts.fct_casualties c join marts.fct_casualties p on p.casualty_id = c.parent_casualty_id"
    )
    links = set(rows)
    wanted = [
        (d, c["victim_group"], c["count_best"], c["parent"]["victim_group"], c["parent"]["count_best"])
        for d, doc in EXPECTED.items()
        for c in doc.get("casualties") or []
        if c.get("parent")
    ]
    assert len(wanted) >= 10
    found = sum(w in links for w in wanted)
    assert found / len(wanted) >= 0.85, f"{found} of {len(wanted)} part-of links found"


def test_background_figures_stay_out_of_the_summary(samples: CliRun) -> None:
    background = samples.query(
        "select doc_id, count_best from marts.fct_casualties where is_background and outcome in ('killed', 'died')"
    )
    assert any(count >= 100_000 for _, count in background)
    summaries = dict(
        samples.query("select doc_id, civilians_killed + combatants_killed from marts.doc_summary")
    )
    for doc_id, count in background:
        assert summaries[doc_id] != count or count < 100


def test_market_strike_exactly(samples: CliRun) -> None:
    doc = "txt/aleppo_market_strike.txt"
    row = samples.query(
        "select civilians_killed, children_killed, women_killed, primary_admin1, primary_actor, primary_method "
        "from marts.doc_summary where doc_id = ?",
        [doc],
    )
    assert row == [(23, 7, 4, "Aleppo", "russia", "airstrike")]
    total = samples.query(
        "select quantity_text, claim_source from marts.fct_casualties where doc_id = ? and count_best = 23",
        [doc],
    )
    assert total == [("at least 23", "SOHR")]
