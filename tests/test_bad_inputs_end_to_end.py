"""Every kind of bad input in one folder, through a real `sitrep run`: nothing lost, nothing fatal.

The folder mixes good articles with every awkward input kind of issue 4. The run must exit 0
(bad inputs are quarantined, not fatal), publish, and account for each input exactly once: a
row in `marts.documents`, in `marts.quarantine` with the expected reason, or in
`raw.duplicates`; and `raw.ingest_runs` must add up. `pytest -s` prints the observed table.
"""

from __future__ import annotations

import gzip
import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import CliRun, copy_published, query, sitrep_run

from ingest.api import DEFAULT_MAX_FILE_BYTES

pytestmark = pytest.mark.slow


def article(n: int, place: str = "Idlib") -> str:
    """A distinct English article per input (`n` keeps their texts apart)."""
    return (
        f"Air strikes kill {n} civilians in {place}\n\n"
        f"BEIRUT - Air strikes killed at least {n} civilians, including three children, in the town of "
        f"Maaret Hourmeh in southern {place} province on Tuesday, a war monitor said. The Syrian Observatory "
        "for Human Rights said the strikes were carried out by Russian warplanes and that the death toll "
        f"was likely to rise because several people were seriously wounded (report {n})."
    )


def one_line(n: int) -> str:
    return article(n).replace("\n\n", " ")


FRENCH = (
    "Syrie : au moins douze civils tués dans des frappes russes\n\n"
    "BEYROUTH - Au moins 12 civils, dont trois enfants, ont été tués mardi dans des frappes aériennes "
    "russes sur la ville de Maaret Hourmeh, dans le sud de la province d'Idleb, a annoncé l'Observatoire "
    "syrien des droits de l'homme. Selon l'ONG, le bilan pourrait encore s'alourdir car plusieurs "
    "personnes sont grièvement blessées."
)
SECRET = "SECRET-OUTSIDE-THE-SOURCE"


@dataclass(frozen=True)
class Expected:
    kind: str  # the input kind, as issue 4 names it
    source_ref: str  # file (or file#record / file#line) as ingest reports it
    outcome: str  # "document" | "quarantine" | "duplicate"
    reason: str = ""  # quarantine or duplicate reason
    doc_id: str = ""  # for documents


def _doc(kind: str, ref: str, doc_id: str | None = None) -> Expected:
    return Expected(kind, ref, "document", doc_id=doc_id or ref)


def _quar(kind: str, ref: str, reason: str) -> Expected:
    return Expected(kind, ref, "quarantine", reason)


def make_bad_source(root: Path, outside: Path) -> list[Expected]:
    """Write the folder; return what should become of each input."""
    root.mkdir(parents=True)

    def put(name: str, data: str | bytes) -> None:
        (root / name).write_bytes(data.encode() if isinstance(data, str) else data)

    put("empty.txt", b"")
    put("whitespace.md", " \n\t\r\n   \n")
    put("report.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    put("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    put("archive.txt", gzip.compress(article(1).encode()))
    put("invalid_utf8.txt", article(2).encode() + b" The regime\x92s jets struck the caf\xc3\xa9 again.")
    put("cp1252.txt", ("“Quoted” " + article(3) + " A café was hit – twice.").encode("cp1252"))
    put("latin1.txt", (article(4) + " Naïve claims were made at the café.").encode("latin-1"))
    put("mojibake.txt", article(5) + " The regimeâ€™s jets hit a cafÃ© again.")
    # Over the ingest limit for one input (the CLI uses the default): refused from its size alone.
    block = (article(6) + "\n\n").encode()
    with (root / "huge.txt").open("wb") as handle:
        for _ in range(DEFAULT_MAX_FILE_BYTES // len(block) + 2**20 // len(block) + 1):
            handle.write(block)
    put(
        "scripts.html",
        "<html><head><script>var a = 1; function go(){ return 'x'; }</script></head>"
        "<body><script>document.write('tracking pixel ' + go());</script></body></html>",
    )
    put(
        "navigation.html",
        "<html><body><nav><ul>"
        + "".join(f"<li><a href='/s{i}'>Section {i}</a></li>" for i in range(30))
        + "</ul></nav><footer><a href='/privacy'>Privacy</a> <a href='/terms'>Terms</a></footer></body></html>",
    )
    put("no_text_column.csv", "id,title,url\nm1,Some title,https://e.com/1\nm2,Other,https://e.com/2\n")
    put("ragged.csv", f'id,title,text\nr1,Full,"{one_line(7)}"\nr2,Short row\nr3,Too,many,fields,"{one_line(8)}"\n')
    put(
        "extra_columns.csv",
        "id,text,mood,colour\n" + "".join(f'c{i},"{one_line(10 + i)}",calm,blue\n' for i in range(2)),
    )
    put("unbalanced.csv", f'id,text\nu1,"{one_line(20)}"\nu2,"this quote never closes\nu3,"{one_line(21)}"\n')
    put(
        "broken.jsonl",
        "\n".join(
            [
                json.dumps({"id": "j1", "text": article(30)}),
                '{"id": "j2", "text": "truncated li',
                "not json at all",
                json.dumps({"id": "j3", "text": article(31)}),
                json.dumps(["a", "list", "not", "an", "object"]),
            ]
        )
        + "\n",
    )
    put(
        "same_id.jsonl",
        json.dumps({"id": "dup-1", "text": article(40)}) + "\n" + json.dumps({"id": "dup-1", "text": article(41)}),
    )
    put("french.txt", FRENCH)
    put("with space.txt", article(50))
    put("ünïcödé — حلب.txt", article(51))
    put("-leading-dash.txt", article(52))
    put("--.txt", article(53))
    outside.mkdir(parents=True)
    (outside / "secret.txt").write_text(article(60) + " " + SECRET)
    os.symlink(outside / "secret.txt", root / "escape.txt")
    os.symlink(outside, root / "escape_dir")

    return [
        _quar("empty file", "empty.txt", "empty"),
        _quar("whitespace-only file", "whitespace.md", "empty"),
        _quar("PDF bytes in .txt", "report.txt", "binary"),
        _quar("PNG bytes in .txt", "image.txt", "binary"),
        _quar("gzip bytes in .txt", "archive.txt", "binary"),
        _doc("invalid UTF-8 (stray cp1252 byte)", "invalid_utf8.txt"),
        _doc("cp1252 text", "cp1252.txt"),
        _doc("latin-1 text", "latin1.txt"),
        _doc("mojibake (UTF-8 read as cp1252)", "mojibake.txt"),
        _quar("large text file (> 64 MB limit)", "huge.txt", "too_large"),
        _quar("HTML that is all script", "scripts.html", "no_article_text"),
        _quar("HTML that is all navigation", "navigation.html", "no_article_text"),
        _quar("CSV without a text column", "no_text_column.csv", "missing_columns"),
        _doc("CSV row with all columns", "ragged.csv#record 1", "r1"),
        _quar("CSV row missing a column", "ragged.csv#record 2", "invalid_csv"),
        _quar("CSV row with extra fields", "ragged.csv#record 3", "invalid_csv"),
        _doc("CSV with extra columns", "extra_columns.csv#record 1", "c0"),
        _doc("CSV with extra columns", "extra_columns.csv#record 2", "c1"),
        _doc("CSV row before an unbalanced quote", "unbalanced.csv#record 1", "u1"),
        _quar("CSV row with an unbalanced quote", "unbalanced.csv#record 2", "invalid_csv"),
        _doc("CSV row after an unbalanced quote", "unbalanced.csv#record 3", "u3"),
        _doc("JSONL good line", "broken.jsonl#line 1", "j1"),
        _quar("JSONL truncated line", "broken.jsonl#line 2", "invalid_json"),
        _quar("JSONL line that is not JSON", "broken.jsonl#line 3", "invalid_json"),
        _doc("JSONL good line after broken ones", "broken.jsonl#line 4", "j3"),
        _quar("JSONL line that is an array", "broken.jsonl#line 5", "invalid_json"),
        _doc("same id twice: first text", "same_id.jsonl#line 1", "dup-1"),
        Expected("same id twice: different text", "same_id.jsonl#line 2", "duplicate", "same_id"),
        _quar("non-English article (French)", "french.txt", "not_english"),
        _doc("file name with spaces", "with space.txt"),
        _doc("file name with unicode", "ünïcödé — حلب.txt"),
        _doc("file name with a leading dash", "-leading-dash.txt"),
        _doc("file name that is all dashes", "--.txt"),
        _quar("symlink to a file outside the source", "escape.txt", "outside_source"),
        _quar("symlink to a folder outside the source", "escape_dir", "outside_source"),
    ]


@dataclass(frozen=True)
class BadRun:
    run: CliRun
    expected: list[Expected]
    source: Path


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory: pytest.TempPathFactory) -> BadRun:
    base = tmp_path_factory.mktemp("bad-inputs")
    expected = make_bad_source(base / "inbox", base / "outside")
    return BadRun(sitrep_run(base / "inbox", base / "warehouse" / "sitrep.duckdb"), expected, base / "inbox")


def _observed(bad: BadRun) -> dict[str, list[tuple[str, str]]]:
    """source_ref -> [(outcome, reason or doc_id)] from the published warehouse."""
    seen: dict[str, list[tuple[str, str]]] = {}
    rows = [
        *(("document", ref, doc) for ref, doc in bad.run.query("SELECT source_ref, doc_id FROM marts.documents")),
        *(("quarantine", ref, r) for ref, r in bad.run.query("SELECT source_ref, reason FROM marts.quarantine")),
        *(("duplicate", ref, r) for ref, r in bad.run.query("SELECT source_ref, reason FROM raw.duplicates")),
    ]
    for outcome, ref, what in rows:
        seen.setdefault(ref, []).append((outcome, what))
    return seen


def test_the_run_succeeds_and_publishes(bad_run: BadRun) -> None:
    assert bad_run.run.exit_code == 0, bad_run.run.output
    assert "ok   published_warehouse" in bad_run.run.output
    assert "FAIL" not in bad_run.run.output


def test_every_input_has_exactly_its_expected_outcome(bad_run: BadRun) -> None:
    observed = _observed(bad_run)
    print("\n| input kind | source_ref | outcome |\n|---|---|---|")
    for e in bad_run.expected:
        got = "; ".join(f"{o} ({w})" for o, w in observed.get(e.source_ref, [])) or "MISSING"
        print(f"| {e.kind} | `{e.source_ref}` | {got} |")
    expected = {
        e.source_ref: [(e.outcome, e.doc_id if e.outcome == "document" else e.reason)] for e in bad_run.expected
    }
    assert observed == expected  # each input once, where it belongs; nothing extra, nothing lost


def test_ingest_accounting_adds_up(bad_run: BadRun) -> None:
    ((n_inputs, n_documents, n_quarantined, n_duplicates),) = bad_run.run.query(
        "SELECT n_inputs, n_documents, n_quarantined, n_duplicates FROM raw.ingest_runs"
    )
    assert n_inputs == n_documents + n_quarantined + n_duplicates == len(bad_run.expected)
    by_outcome = {o: sum(e.outcome == o for e in bad_run.expected) for o in ("document", "quarantine", "duplicate")}
    assert (n_documents, n_quarantined, n_duplicates) == (
        by_outcome["document"],
        by_outcome["quarantine"],
        by_outcome["duplicate"],
    )
    assert bad_run.run.query("SELECT count(*) FROM marts.documents") == [(n_documents,)]
    assert bad_run.run.query("SELECT count(*) FROM marts.quarantine") == [(n_quarantined,)]


def test_repaired_text_and_nothing_from_outside(bad_run: BadRun) -> None:
    text = dict(bad_run.run.query("SELECT doc_id, text FROM raw.documents"))
    assert "café" in text["invalid_utf8.txt"] and "regime's jets" in text["invalid_utf8.txt"]
    assert text["cp1252.txt"].startswith('"Quoted"') and "café was hit – twice" in text["cp1252.txt"]
    assert "Naïve claims were made at the café." in text["latin1.txt"]
    assert "The regime's jets hit a café again." in text["mojibake.txt"]
    assert "report 40" in text["dup-1"]  # the first of two texts under one id is kept
    for value in text.values():
        assert "\ufffd" not in value and "â€" not in value and "Ã" not in value
        assert SECRET not in value
    details = [d for (d,) in bad_run.run.query("SELECT detail FROM marts.quarantine")]
    assert all(SECRET not in d for d in details)


def test_quarantined_inputs_say_why(bad_run: BadRun) -> None:
    detail = dict(bad_run.run.query("SELECT source_ref, detail FROM marts.quarantine"))
    assert "not read" in detail["huge.txt"] and "MB" in detail["huge.txt"]
    assert "PDF" in detail["report.txt"] and "PNG" in detail["image.txt"] and "gzip" in detail["archive.txt"]
    assert "outside the source" in detail["escape.txt"]
    assert all(d.strip() for d in detail.values())


def test_a_second_run_on_the_same_bad_folder_changes_nothing(bad_run: BadRun, tmp_path: Path) -> None:
    assert bad_run.run.exit_code == 0, bad_run.run.output
    published = copy_published(bad_run.run.warehouse, tmp_path / "again")
    tables = ("marts.documents", "marts.quarantine", "raw.duplicates")
    # every column, first-seen timestamps included: a re-run keeps them
    before = {t: sorted(query(published, f"SELECT * FROM {t}")) for t in tables}
    again = sitrep_run(bad_run.source, published)
    assert again.exit_code == 0, again.output
    after = {t: sorted(query(published, f"SELECT * FROM {t}")) for t in tables}
    assert after == before
    (latest,) = query(published, "SELECT n_inputs, n_documents, n_quarantined, n_duplicates, n_new, n_changed "
                                 "FROM raw.ingest_runs ORDER BY ingested_at DESC LIMIT 1")
    assert latest[:4] == query(bad_run.run.warehouse, "SELECT n_inputs, n_documents, n_quarantined, n_duplicates "
                                                      "FROM raw.ingest_runs")[0]
    assert latest[4:] == (0, 0)  # nothing new, nothing changed
