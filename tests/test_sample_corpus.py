"""The bundled sample corpus (samples/corpus/) and its expected facts are well-formed.

These tests read the corpus with plain Python and polars, not with the pipeline: they check the
corpus itself (counts per format, unique record ids, feed columns, the parquet file matching
samples/build_parquet.py) and that tests/fixtures/sample_expected.yaml describes it consistently
(every document exists, titles match, values are in the warehouse's vocabularies, quoted
quantities appear in the text, parts point at a total of the same document).
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import importlib.util
import json
import re
from collections import Counter
from pathlib import Path

import polars as pl
import pytest
import yaml

from extract import schema

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
CORPUS = SAMPLES / "corpus"
EXPECTED = ROOT / "tests" / "fixtures" / "sample_expected.yaml"

FEED_COLUMNS = ["id", "title", "text", "source", "url", "published_at"]
MINIMUMS = {"txt": 12, "html": 6, "md": 3, "jsonl": 6, "json": 3, "csv": 3, "parquet": 3}
MIN_TOTAL = 36

# Vocabularies of the warehouse: extract.schema holds them (it imports nothing of the pipeline).
ADMIN1 = set(schema.ADMIN1)
ACTORS = set(schema.ACTORS)
METHODS = set(schema.METHODS)
OUTCOMES = set(schema.OUTCOMES)
VICTIM_GROUPS = set(schema.VICTIM_GROUPS)
CLAIM_SOURCES = {
    "SOHR",
    "UN",
    "OCHA",
    "UNICEF",
    "SANA",
    "Russian Defence Ministry",
    "White Helmets",
    "SDF",
    "Turkish Defence Ministry",
    "Turkish General Staff",
    "MSF",
    "Jaish al-Islam",
    "Ahrar al-Sham",
    "National Front for Liberation",
    "Jabhat Fateh al-Sham",
    "Raqqa is Being Slaughtered Silently",
}
SUMMARY_COUNTS = ("civilians_killed", "children_killed", "women_killed", "combatants_killed")
CASUALTY_KEYS = {
    "outcome",
    "victim_group",
    "count_best",
    "quantity_text",
    "claim_source",
    "is_background",
    "parent",
}
TERRITORY_KEYS = {"place_name", "gaining_actor", "losing_actor", "n_places", "area_km2", "claim_source"}


def _parse_iso(value: str) -> dt.date:
    if len(value) == 10:
        return dt.date.fromisoformat(value)
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).date()


def _first_line(text: str) -> str:
    return next(line.strip() for line in text.splitlines() if line.strip())


def _html_title(raw: str) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", raw, re.S) or re.search(r"<title>(.*?)</title>", raw, re.S)
    assert match, "html page without <h1> or <title>"
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip()


def _md_title(text: str) -> str:
    for line in text.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return _first_line(text)


def _load_build_script():
    spec = importlib.util.spec_from_file_location("sample_build_parquet", SAMPLES / "build_parquet.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _feed_records() -> dict[str, list[dict]]:
    """Records of each feed file, keyed by format."""
    feeds = CORPUS / "feeds"
    records: dict[str, list[dict]] = {}
    records["jsonl"] = [
        json.loads(line)
        for path in sorted(CORPUS.rglob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    records["json"] = [
        rec for path in sorted(CORPUS.rglob("*.json")) for rec in json.loads(path.read_text("utf-8"))
    ]
    csv_rows = []
    for path in sorted(CORPUS.rglob("*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            assert reader.fieldnames == FEED_COLUMNS, f"{path}: columns {reader.fieldnames}"
            csv_rows.extend(reader)
    records["csv"] = csv_rows
    records["parquet"] = [
        row for path in sorted(CORPUS.rglob("*.parquet")) for row in pl.read_parquet(path).to_dicts()
    ]
    assert (feeds / "agency_wire.jsonl").exists()
    return records


@pytest.fixture(scope="module")
def corpus() -> dict[str, dict]:
    """doc_id -> {format, title, text, published_date} for every document of the sample corpus."""
    docs: dict[str, dict] = {}
    for path in sorted(CORPUS.rglob("*")):
        if not path.is_file():
            continue
        suffix = path.suffix.lower().lstrip(".")
        doc_id = path.relative_to(CORPUS).as_posix()
        if suffix == "txt":
            text = path.read_bytes().decode("utf-8")
            docs[doc_id] = {"format": "txt", "title": _first_line(text), "text": text}
        elif suffix == "md":
            text = path.read_text(encoding="utf-8")
            docs[doc_id] = {"format": "md", "title": _md_title(text), "text": text}
        elif suffix in {"html", "htm"}:
            raw = path.read_text(encoding="utf-8")
            published = re.search(r'property="article:published_time" content="([^"]+)"', raw)
            docs[doc_id] = {
                "format": "html",
                "title": _html_title(raw),
                "text": html.unescape(raw),
                "published_date": _parse_iso(published.group(1)) if published else None,
            }
    for fmt, records in _feed_records().items():
        for rec in records:
            assert rec["id"] not in docs, f"duplicate doc_id {rec['id']}"
            docs[rec["id"]] = {
                "format": fmt,
                "title": rec["title"],
                "text": rec["text"],
                "published_date": _parse_iso(rec["published_at"]) if rec["published_at"] else None,
            }
    return docs


@pytest.fixture(scope="module")
def expected() -> dict:
    return yaml.safe_load(EXPECTED.read_text(encoding="utf-8"))


def test_counts_per_format(corpus, expected):
    counts = Counter(doc["format"] for doc in corpus.values())
    for fmt, minimum in MINIMUMS.items():
        assert counts[fmt] >= minimum, f"{fmt}: {counts[fmt]} documents, want >= {minimum}"
        assert expected["counts"][fmt] == counts[fmt], f"counts.{fmt} in the YAML is not {counts[fmt]}"
    assert len(corpus) >= MIN_TOTAL
    assert expected["counts"]["total"] == len(corpus)
    assert set(counts) == set(MINIMUMS), f"unexpected formats: {set(counts) - set(MINIMUMS)}"


def test_feed_records_are_well_formed():
    ids = []
    for fmt, records in _feed_records().items():
        for rec in records:
            assert list(rec) == FEED_COLUMNS or set(rec) == set(FEED_COLUMNS), (
                f"{fmt} record keys {list(rec)}"
            )
            for key in ("id", "title", "text", "source", "url", "published_at"):
                assert isinstance(rec[key], str) and rec[key].strip(), f"{rec.get('id')}: empty {key}"
            _parse_iso(rec["published_at"])
            ids.append(rec["id"])
    duplicates = [i for i, n in Counter(ids).items() if n > 1]
    assert not duplicates, f"record ids not unique: {duplicates}"


def test_csv_needs_quoting():
    """The csv feed exercises quoting: texts with commas, double quotes and newlines."""
    rows = _feed_records()["csv"]
    texts = [row["text"] for row in rows]
    assert any("," in t for t in texts)
    assert any('"' in t for t in texts)
    assert any("\n" in t for t in texts)


def test_parquet_matches_build_script():
    module = _load_build_script()
    on_disk = pl.read_parquet(module.OUTPUT)
    assert on_disk.columns == FEED_COLUMNS
    assert on_disk.equals(module.frame()), "archive.parquet is stale: rerun samples/build_parquet.py"
    assert on_disk.to_dicts() == module.RECORDS


def test_article_lengths(corpus):
    for doc_id, doc in corpus.items():
        if doc["format"] == "html":
            continue  # the page's noise is counted too; the article paragraphs are checked by the YAML tests
        words = len(doc["text"].split())
        assert 120 <= words <= 450, f"{doc_id}: {words} words"


def test_every_document_has_expected_facts(corpus, expected):
    documents = expected["documents"]
    missing = sorted(set(documents) - set(corpus))
    assert not missing, f"doc_ids in the YAML that the corpus does not have: {missing}"
    undescribed = sorted(set(corpus) - set(documents))
    assert not undescribed, f"documents without expected facts: {undescribed}"


def test_titles_and_dates(corpus, expected):
    for doc_id, facts in expected["documents"].items():
        doc = corpus[doc_id]
        assert facts["title"] == doc["title"], doc_id
        if "published_date" in facts:
            assert facts["published_date"] == doc.get("published_date"), doc_id
        event_date = facts["summary"].get("event_date")
        if event_date is not None:
            assert isinstance(event_date, dt.date), doc_id
            if doc.get("published_date"):
                assert event_date <= doc["published_date"], doc_id


def test_summary_blocks(expected):
    for doc_id, facts in expected["documents"].items():
        summary = facts["summary"]
        for key in SUMMARY_COUNTS:
            assert isinstance(summary[key], int) and summary[key] >= 0, f"{doc_id}: {key}"
        assert summary["children_killed"] + summary["women_killed"] <= summary["civilians_killed"], doc_id
        assert summary["primary_admin1"] is None or summary["primary_admin1"] in ADMIN1, doc_id
        assert summary["primary_actor"] is None or summary["primary_actor"] in ACTORS, doc_id
        assert summary["primary_method"] is None or summary["primary_method"] in METHODS, doc_id
        if summary["primary_actor"] is None or summary["primary_method"] is None:
            assert all(summary[key] == 0 for key in SUMMARY_COUNTS), f"{doc_id}: deaths without an incident"


def test_casualties(corpus, expected):
    for doc_id, facts in expected["documents"].items():
        casualties = facts["casualties"]
        text = corpus[doc_id]["text"]
        for cas in casualties:
            assert set(cas) <= CASUALTY_KEYS, f"{doc_id}: unknown keys {set(cas) - CASUALTY_KEYS}"
            assert cas["outcome"] in OUTCOMES, doc_id
            assert cas["victim_group"] in VICTIM_GROUPS, doc_id
            assert isinstance(cas["count_best"], int) and cas["count_best"] > 0, doc_id
            if cas.get("claim_source") is not None:
                assert cas["claim_source"] in CLAIM_SOURCES, f"{doc_id}: claim_source {cas['claim_source']}"
            if "is_background" in cas:
                assert isinstance(cas["is_background"], bool), doc_id
            if cas.get("quantity_text"):
                assert cas["quantity_text"] in text, f"{doc_id}: {cas['quantity_text']!r} not in the text"
            parent = cas.get("parent")
            if parent is not None:
                matches = [
                    other
                    for other in casualties
                    if other is not cas
                    and other["victim_group"] == parent["victim_group"]
                    and other["count_best"] == parent["count_best"]
                    and other.get("parent") is None
                ]
                assert len(matches) == 1, f"{doc_id}: parent {parent} is not one casualty of the document"
                assert matches[0]["count_best"] >= cas["count_best"], doc_id
                assert matches[0]["outcome"] == cas["outcome"], doc_id


def test_parts_sum_to_their_total(expected):
    """Where a total's parts of one victim group are all listed, they add up to it."""
    for doc_id, facts in expected["documents"].items():
        casualties = facts["casualties"]
        for total in casualties:
            if total.get("parent") is not None:
                continue
            parts = [
                c
                for c in casualties
                if c.get("parent")
                == {"victim_group": total["victim_group"], "count_best": total["count_best"]}
            ]
            same_group = [c for c in parts if c["victim_group"] == total["victim_group"]]
            if len(same_group) >= 2:
                assert sum(c["count_best"] for c in same_group) == total["count_best"], doc_id
            if total["victim_group"] == "people" and len(parts) >= 2:
                assert sum(c["count_best"] for c in parts) == total["count_best"], doc_id


def test_territory(corpus, expected):
    for doc_id, facts in expected["documents"].items():
        for change in facts["territory"]:
            assert set(change) <= TERRITORY_KEYS, f"{doc_id}: unknown keys {set(change) - TERRITORY_KEYS}"
            assert change["gaining_actor"] in ACTORS, doc_id
            if "losing_actor" in change:
                assert change["losing_actor"] in ACTORS and change["losing_actor"] != change["gaining_actor"]
            assert any(change.get(k) for k in ("place_name", "n_places", "area_km2")), doc_id
            if change.get("place_name"):
                assert change["place_name"] in corpus[doc_id]["text"], f"{doc_id}: {change['place_name']}"
                assert change.get("n_places", 1) == 1, doc_id
            if change.get("claim_source") is not None:
                assert change["claim_source"] in CLAIM_SOURCES, doc_id


def test_cases_are_covered(corpus, expected):
    """The corpus covers each case the warehouse handles, most of them several times."""
    docs = expected["documents"]
    summaries = [d["summary"] for d in docs.values()]
    casualties = [c for d in docs.values() for c in d["casualties"]]
    assert {s["primary_method"] for s in summaries} >= METHODS - {"unknown"}
    assert {s["primary_actor"] for s in summaries} >= ACTORS
    assert {c["outcome"] for c in casualties} == OUTCOMES
    assert {c["victim_group"] for c in casualties} == VICTIM_GROUPS
    assert sum(1 for c in casualties if c.get("is_background")) >= 5
    assert sum(1 for c in casualties if c.get("parent")) >= 10
    assert sum(1 for s in summaries if s["primary_actor"] is None) >= 2  # articles with no incident
    assert sum(1 for d in docs.values() if d["territory"]) >= 10

    # two sources giving different figures for the same kind of victims in one document
    disagreements = 0
    for facts in docs.values():
        by_group: dict[tuple, set] = {}
        for c in facts["casualties"]:
            if c.get("parent") is None and not c.get("is_background") and c.get("claim_source"):
                by_group.setdefault((c["outcome"], c["victim_group"]), set()).add(
                    (c["claim_source"], c["count_best"])
                )
        if any(len({s for s, _ in v}) >= 2 and len({n for _, n in v}) >= 2 for v in by_group.values()):
            disagreements += 1
    assert disagreements >= 2

    texts = {doc_id: doc["text"] for doc_id, doc in corpus.items()}
    raw_txt = {p.relative_to(CORPUS).as_posix(): p.read_bytes() for p in CORPUS.rglob("*.txt")}
    assert any(b"\r\n" in raw for raw in raw_txt.values()), "a txt file with CRLF line ends"
    assert any("â€" in t or "‚Äč" in t for t in texts.values()), "mojibake"
    assert any("Read also" in t for t in texts.values())
    assert any("Your email address will not be published" in t for t in texts.values())
    assert any("reserved for our subscribers" in t for t in texts.values())
    assert any(" tués " in t for t in texts.values()), "a non-English article"
    undated = [d for d, t in texts.items() if not re.search(r"\b(1[89]|20)\d\d\b", t)]
    assert any(docs[d]["summary"].get("event_date") is None for d in undated), "an article with no date"
