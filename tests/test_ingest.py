"""Ingest: every kind of input a user has, and an account of each one."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

import ingest
from ingest import schema

FAKES = Path("/work/shared/data/fakes_dev.csv")
ARTICLE = (
    "Air strikes kill 12 civilians in Idlib\n\n"
    "BEIRUT, May 21, 2019 - Air strikes killed at least 12 civilians, including three children, in the "
    "town of Maaret Hourmeh in southern Idlib province on Tuesday, a war monitor said.\n\n"
    "The Syrian Observatory for Human Rights said the strikes were carried out by Russian warplanes and "
    "that the death toll was likely to rise because several people were seriously wounded."
)
BODY = ARTICLE.split("\n\n", 1)[1]
FRENCH = (
    "Syrie : au moins douze civils tués dans des frappes russes\n\n"
    "BEYROUTH, 21 mai 2019 - Au moins 12 civils, dont trois enfants, ont été tués mardi dans des frappes "
    "aériennes russes sur la ville de Maaret Hourmeh, dans le sud de la province d'Idleb, a annoncé "
    "l'Observatoire syrien des droits de l'homme. Selon l'ONG, le bilan pourrait encore s'alourdir car "
    "plusieurs personnes sont grièvement blessées."
)


def read(source: Path, fmt: str = "auto", **kwargs: int) -> ingest.IngestResult:
    """read_source plus the checks every result must pass: schemas and the accounting invariant."""
    result = ingest.read_source(source, fmt, **kwargs)
    assert result.n_inputs == len(result.documents) + len(result.quarantine) + len(result.duplicates)
    assert dict(result.documents.schema) == schema.DOCUMENTS
    assert dict(result.quarantine.schema) == schema.QUARANTINE
    assert dict(result.duplicates.schema) == schema.DUPLICATES
    docs = result.documents
    assert docs.get_column("doc_id").is_unique().all()
    assert (docs.get_column("n_chars") == docs.get_column("text").str.len_chars()).all()
    assert result.quarantine.get_column("detail").str.ends_with(".").all()
    return result


def reasons(result: ingest.IngestResult) -> dict[str, str]:
    return dict(zip(result.quarantine["source_ref"], result.quarantine["reason"], strict=True))


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


# --- formats ---------------------------------------------------------------------------------


def test_formats_constant() -> None:
    assert ingest.FORMATS == ("auto", "txt", "md", "html", "json", "jsonl", "csv", "parquet", "fakes")


def test_txt_title_is_first_line_and_text_is_the_file(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "\n\n  " + ARTICLE.replace("\n\n", "\r\n\r\n\r\n") + "\n")
    result = read(tmp_path)
    doc = result.documents.row(0, named=True)
    assert doc["doc_id"] == "a.txt" and doc["source_ref"] == "a.txt" and doc["format"] == "txt"
    assert doc["title"] == "Air strikes kill 12 civilians in Idlib"
    assert doc["text"] == ARTICLE
    assert doc["published_date"] is None
    assert doc["content_sha256"] == hashlib.sha256(ARTICLE.encode()).hexdigest()


def test_markdown_heading_is_the_title_and_markup_is_stripped(tmp_path: Path) -> None:
    md = (
        "---\ndate: 2019-05-21\nsource: Example Wire\n---\n"
        "# Air strikes kill **12** civilians in [Idlib](https://example.com/idlib)\n\n"
        "BEIRUT - *Air strikes* killed at least 12 civilians, a [war monitor](http://x.org) said.\n\n"
        "![photo](img.png)\n\n* rescue workers pulled four survivors from the rubble\n"
    )
    result = read(write(tmp_path / "news.markdown", md))
    doc = result.documents.row(0, named=True)
    assert doc["title"] == "Air strikes kill 12 civilians in Idlib"
    assert doc["text"].startswith("Air strikes kill 12 civilians in Idlib\n\nBEIRUT - Air strikes killed")
    assert "war monitor said" in doc["text"] and "](" not in doc["text"] and "*" not in doc["text"]
    assert "- rescue workers" in doc["text"]
    assert doc["published_date"].isoformat() == "2019-05-21" and doc["source"] == "Example Wire"
    assert doc["format"] == "md"


def test_markdown_without_heading_uses_first_line(tmp_path: Path) -> None:
    result = read(write(tmp_path / "n.md", ARTICLE))
    assert result.documents["title"][0] == "Air strikes kill 12 civilians in Idlib"
    assert result.documents["text"][0] == ARTICLE


HTML_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Air strikes kill 12 in Idlib | Example News</title>
<meta property="og:title" content="Air strikes kill 12 in Idlib">
<meta property="article:published_time" content="2019-05-21T10:00:00Z">
<link rel="canonical" href="https://example.com/news/idlib-strikes">
<script>var tracking = "SCRIPT-TEXT"; function x(){}</script><style>.nav{color:red}</style></head>
<body><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></nav>
<header><h1>Air strikes kill 12 in Idlib</h1></header>
<div class="share"><a href="#">Share on Facebook</a> <a href="#">Tweet</a></div>
<article>
<p>BEIRUT, May 21, 2019 - Air strikes killed at least 12 civilians, including three children, in the town
of Maaret Hourmeh in southern Idlib province on Tuesday, a war monitor said.</p>
<p>The Syrian Observatory for Human Rights said the strikes were carried out by Russian warplanes and that
the death toll was likely to rise because several people were seriously wounded.</p>
<div class="related"><h3>Read also</h3><ul><li><a href="/a">Turkey sends troops to border</a></li></ul></div>
<p>Rescue workers said they pulled four survivors from the rubble of a building near the main market.</p>
</article>
<section id="comments"><h3>Leave a comment</h3><form><textarea>Your comment</textarea>
<button>Post comment</button></form><div class="comment"><p>READER-COMMENT should not appear.</p></div></section>
<footer>Copyright 2019 Example News. <a href="/privacy">Privacy</a></footer>
<script>document.write("SCRIPT-TEXT")</script></body></html>"""


def test_html_main_text_title_date_and_canonical_url(tmp_path: Path) -> None:
    result = read(write(tmp_path / "page.htm", HTML_PAGE))
    doc = result.documents.row(0, named=True)
    assert doc["title"] == "Air strikes kill 12 in Idlib"
    assert doc["url"] == "https://example.com/news/idlib-strikes"
    assert doc["published_date"].isoformat() == "2019-05-21"
    text = doc["text"]
    assert text.startswith("Air strikes kill 12 in Idlib\n\nBEIRUT, May 21, 2019")
    assert "four survivors" in text and text.count("\n\n") >= 3  # paragraphs kept
    for junk in ("SCRIPT-TEXT", "READER-COMMENT", "Share on Facebook", "Read also", "Turkey sends troops",
                 "Privacy", "Home", "Post comment"):
        assert junk not in text


def test_only_html_input_imports_the_html_reader(tmp_path: Path) -> None:
    """trafilatura (with lxml, htmldate, courlan, urllib3) is imported on the first HTML page, not
    with Sitrep: every run's start-up would pay for it, and most sources have no HTML."""
    (tmp_path / "notes.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "page.html").write_text(HTML_PAGE, encoding="utf-8")
    code = f"""
import json, sys
import orchestration.definitions, ingest
seen = ["trafilatura" in sys.modules]
ingest.read_source({str(tmp_path / "notes.txt")!r})
seen.append("trafilatura" in sys.modules)
result = ingest.read_source({str(tmp_path / "html")!r})
seen.append("trafilatura" in sys.modules)
print(json.dumps([seen, result.documents["title"].to_list()]))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    seen, titles = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen == [False, False, True]
    assert titles == ["Air strikes kill 12 in Idlib"]


@pytest.mark.parametrize(
    "page",
    [
        "<html><head><script>var a = 1; function f() { return a; }</script></head>"
        "<body><script>f(); document.write('x');</script></body></html>",
        "<html><body><nav><a href=/>Home</a> <a href=/w>World</a> <a href=/s>Sport</a></nav>"
        "<ul><li><a href=/x>Link one</a></li><li><a href=/y>Link two</a></li></ul></body></html>",
    ],
    ids=["all_script", "all_navigation"],
)
def test_html_without_article_is_no_article_text(tmp_path: Path, page: str) -> None:
    result = read(write(tmp_path / "p.html", page))
    assert reasons(result) == {"p.html": "no_article_text"}


def test_csv_default_columns_aliases_and_extra_columns(tmp_path: Path) -> None:
    frame = pl.DataFrame({
        "ID": ["7", None, "9"],
        "Title": ["First", "Second", None],
        "content": [BODY, BODY + " Second.", BODY + " Third."],
        "source": ["Wire", "Wire", None],
        "url": ["https://e.com/1", None, None],
        "date": ["2019-05-21", "2019-05-22T08:00:00Z", "not a date"],
        "extra": ["x", "y", "z"],
    })
    frame.write_csv(tmp_path / "feed.csv")
    result = read(tmp_path)
    docs = result.documents.sort("source_ref")
    assert docs["doc_id"].to_list() == ["7", "feed.csv#2", "9"]
    assert docs["source_ref"].to_list() == ["feed.csv#record 1", "feed.csv#record 2", "feed.csv#record 3"]
    assert docs["text"][0] == "First\n\n" + BODY
    assert docs["text"][2] == BODY + " Third."  # no title: the body alone
    assert [d and d.isoformat() for d in docs["published_date"]] == ["2019-05-21", "2019-05-22", None]
    assert docs["format"].unique().to_list() == ["csv"]
    assert "extra" not in docs.columns


def test_csv_missing_text_column_quarantines_the_file(tmp_path: Path) -> None:
    write(tmp_path / "meta.csv", "id,title,author\n1,A title,someone\n2,B,other\n")
    result = read(tmp_path)
    assert result.n_inputs == 1 and result.documents.is_empty()
    row = result.quarantine.row(0, named=True)
    assert row["reason"] == "missing_columns" and row["source_ref"] == "meta.csv"
    assert "text" in row["detail"] and "id, title, author" in row["detail"]


def test_csv_unbalanced_quote_and_ragged_rows_keep_the_rest(tmp_path: Path) -> None:
    one_line = BODY.replace("\n\n", " ")  # after a broken record, reading resumes on the next line
    lines = [
        "id,title,text",
        f'1,One,"{one_line}"',
        f'2,Two,"{one_line} an unbalanced quote starts here',
        f'3,Three,"{one_line} three"',
        f'4,Four,"{one_line} four",an extra field',
        f'5,Five,"{one_line} five"',
    ]
    write(tmp_path / "bad.csv", "\n".join(lines) + "\n")
    result = read(tmp_path)
    assert sorted(result.documents["doc_id"]) == ["1", "3", "5"]
    assert reasons(result) == {"bad.csv#record 2": "invalid_csv", "bad.csv#record 4": "invalid_csv"}
    assert result.n_inputs == 5


def test_csv_header_only_is_empty(tmp_path: Path) -> None:
    result = read(write(tmp_path / "h.csv", "id,title,text\n"))
    assert reasons(result) == {"h.csv": "empty"}


def test_jsonl_broken_lines_are_quarantined_by_line(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": 1, "title": "One", "text": BODY}),
        "",
        '{"id": 2, "title": "Two", "text": "unterminated',
        json.dumps({"title": "No id", "body": BODY + " no id"}),
        json.dumps([1, 2, 3]),
        json.dumps({"id": 5, "title": "No text field"}),
        json.dumps({"id": 6, "text": "   "}),
    ]
    write(tmp_path / "f.ndjson", "\n".join(lines) + "\n")
    result = read(tmp_path)
    assert sorted(result.documents["doc_id"]) == ["1", "f.ndjson#4"]
    assert sorted(result.documents["source_ref"]) == ["f.ndjson#line 1", "f.ndjson#line 4"]
    assert reasons(result) == {
        "f.ndjson#line 3": "invalid_json",
        "f.ndjson#line 5": "invalid_json",
        "f.ndjson#line 6": "missing_columns",
        "f.ndjson#line 7": "empty",
    }
    assert result.documents["format"].unique().to_list() == ["jsonl"]


def test_json_array_and_single_object(tmp_path: Path) -> None:
    write(tmp_path / "arr.json", json.dumps([{"id": 10, "text": BODY, "published": "2017-04-05"}, "junk"]))
    write(tmp_path / "one.json", json.dumps({"id": "x1", "title": "T", "content": BODY + " one"}))
    write(tmp_path / "bad.json", "{not json")
    result = read(tmp_path)
    assert sorted(result.documents["doc_id"]) == ["10", "x1"]
    assert reasons(result) == {"arr.json#record 2": "invalid_json", "bad.json": "invalid_json"}
    assert result.documents.filter(pl.col("doc_id") == "10")["published_date"][0].isoformat() == "2017-04-05"


def test_parquet_records(tmp_path: Path) -> None:
    pl.DataFrame({"id": [1, 2], "title": ["A", "B"], "text": [BODY, ""], "n": [1.5, 2.5]}).write_parquet(
        tmp_path / "p.parquet")
    write(tmp_path / "broken.parquet", b"PAR1 this is not parquet really")
    result = read(tmp_path)
    assert result.documents["doc_id"].to_list() == ["1"]
    assert reasons(result) == {"p.parquet#record 2": "empty", "broken.parquet": "unreadable"}


def test_forced_format_reads_any_extension(tmp_path: Path) -> None:
    write(tmp_path / "article.dat", ARTICLE)
    assert reasons(read(tmp_path)) == {"article.dat": "unsupported_type"}
    result = read(tmp_path / "article.dat", "txt")
    assert result.documents["doc_id"].to_list() == ["article.dat"]
    with pytest.raises(ValueError, match="unknown format"):
        ingest.read_source(tmp_path, "docx")


def test_fakes_layout(tmp_path: Path) -> None:
    write(tmp_path / "f.csv", "unit_id,article_title,article_content,source,date,label\r\n"
          f'11,A title,"{BODY}",nna,4/5/17,1\r\n12,B title,"{BODY} b",sana,12/31/11,0\r\n')
    result = read(tmp_path / "f.csv", "fakes")
    docs = result.documents
    assert docs["doc_id"].to_list() == ["11", "12"]
    assert docs["source"].to_list() == ["nna", "sana"]
    assert [d.isoformat() for d in docs["published_date"]] == ["2017-04-05", "2011-12-31"]
    assert docs["text"][0] == "A title\n\n" + BODY
    assert docs["format"].to_list() == ["csv", "csv"]
    assert read(tmp_path / "f.csv").documents.equals(docs)  # the layout is recognised in auto mode too


@pytest.mark.skipif(not FAKES.exists(), reason=f"{FAKES} (FA-KES dev set) is not on this machine")
def test_fakes_dev_file() -> None:
    result = read(FAKES, "fakes")
    assert result.n_inputs == 381
    # 8 rows repeat an article (same unit_id, same text) annotated for another incident.
    assert len(result.documents) == 373 and result.documents["doc_id"].n_unique() == 373
    assert len(result.duplicates) == 8 and set(result.duplicates["reason"]) == {"same_content"}
    assert result.quarantine.is_empty()
    text = pl.concat([result.documents["text"], result.documents["title"]])
    assert not text.str.contains("\ufffd").any()
    assert not text.str.contains(r"[\x{80}-\x{9F}]").any()
    assert text.str.contains("Syria's Aleppo").any()
    assert result.documents["published_date"].null_count() == 0
    assert read(FAKES).documents.equals(result.documents)


# --- decoding and repair --------------------------------------------------------------------


def test_encodings_and_mojibake(tmp_path: Path) -> None:
    body = " The regime said it was a café attack, naïve claims aside, and the toll rose."
    write(tmp_path / "cp1252.txt", ("“Quoted” title\n\n" + BODY + body).encode("cp1252"))
    write(tmp_path / "latin1.txt", ("Latin title\n\n" + BODY + body).encode("latin-1"))
    write(tmp_path / "mixed.txt", ("Mixed title\n\n" + BODY + " café" + body).encode() + b" it\x92s over.")
    write(tmp_path / "bom.txt", b"\xef\xbb\xbf" + ("BOM title\n\n" + BODY + body).encode())
    write(tmp_path / "utf16.txt", ("UTF-16 title\n\n" + BODY + body).encode("utf-16"))
    write(tmp_path / "moji.txt", "Moji title\n\n" + BODY + " The regimeâ€™s jets hit a cafÃ© again.")
    write(tmp_path / "mac.txt", "Mac title\n\n" + BODY + " It‚Äč‚Äčs the regime‚Äôs jets.")
    write(tmp_path / "fakes.txt", b"Syria\x95_s Aleppo \x95_ monitor\n\n" + BODY.encode() + b" \x95_truce zone\x95_.")
    result = read(tmp_path)
    text = dict(zip(result.documents["doc_id"], result.documents["text"], strict=True))
    assert len(text) == 8
    assert text["cp1252.txt"].startswith('"Quoted" title') and "café" in text["cp1252.txt"]
    assert "naïve" in text["latin1.txt"]
    assert "café" in text["mixed.txt"] and "it's over." in text["mixed.txt"]
    assert text["bom.txt"].startswith("BOM title")
    assert text["utf16.txt"].startswith("UTF-16 title") and "café" in text["utf16.txt"]
    assert "regime's jets hit a café again" in text["moji.txt"]
    assert "Its the regime's jets." in text["mac.txt"]
    assert text["fakes.txt"].startswith("Syria's Aleppo – monitor") and '"truce zone".' in text["fakes.txt"]
    for value in text.values():
        assert "\ufffd" not in value and "â" not in value and "Ã" not in value and "Ä" not in value


def test_control_and_zero_width_characters_are_removed(tmp_path: Path) -> None:
    dirty = ("Title\u200b here\r\n\r\n\r\n\r\nBody\u00a0with\tnbsp  and\x01 nul\x07 and\u200d zwj.\r"
             "Same\u2028paragraph.\n\n\n\nNext  \t paragraph.  ")
    result = read(write(tmp_path / "d.txt", dirty))
    assert result.documents["text"][0] == (
        "Title here\n\nBody with\tnbsp and nul and zwj.\nSame\nparagraph.\n\nNext paragraph.")


# --- non-articles ---------------------------------------------------------------------------


def test_empty_and_whitespace_only(tmp_path: Path) -> None:
    write(tmp_path / "zero.txt", b"")
    write(tmp_path / "blank.md", " \n\t\r\n  \n")
    write(tmp_path / "invisible.txt", "\u200b\u200b\ufeff\u00a0\n")
    write(tmp_path / "empty.jsonl", b"")
    result = read(tmp_path)
    assert reasons(result) == {"zero.txt": "empty", "blank.md": "empty", "invisible.txt": "empty",
                               "empty.jsonl": "empty"}


def test_binary_content_with_text_extensions(tmp_path: Path) -> None:
    write(tmp_path / "report.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    write(tmp_path / "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    write(tmp_path / "archive.txt", gzip.compress(ARTICLE.encode()))
    write(tmp_path / "nul.html", b"<html>" + b"\x00" * 50)
    write(tmp_path / "zip.csv", b"PK\x03\x04" + b"\x14" * 40)
    result = read(tmp_path)
    assert reasons(result) == dict.fromkeys(["report.txt", "image.txt", "archive.txt", "nul.html", "zip.csv"],
                                            "binary")


def test_too_large_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "big.txt", ARTICLE * 20)
    write(tmp_path / "small.txt", ARTICLE)
    write(tmp_path / "big.json", json.dumps({"text": ARTICLE * 20}))
    opened: list[str] = []
    real_open = Path.open

    def spy(self: Path, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        opened.append(self.name)
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", spy)
    result = read(tmp_path, max_file_bytes=len(ARTICLE.encode()) + 10)
    assert reasons(result) == {"big.txt": "too_large", "big.json": "too_large"}
    assert "big.txt" not in opened and "big.json" not in opened
    assert result.documents["doc_id"].to_list() == ["small.txt"]


def test_not_english(tmp_path: Path) -> None:
    write(tmp_path / "fr.txt", FRENCH)
    write(tmp_path / "ar.txt", "غارات جوية تقتل 12 مدنيا في إدلب\n\nقال المرصد السوري لحقوق الإنسان إن الغارات قتلت مدنيين.")
    write(tmp_path / "en.txt", ARTICLE)
    result = read(tmp_path)
    assert reasons(result) == {"fr.txt": "not_english", "ar.txt": "not_english"}
    assert result.documents["doc_id"].to_list() == ["en.txt"]


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "locked.txt", ARTICLE)
    real_open = Path.open

    def deny(self: Path, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", deny)
    result = read(tmp_path)
    assert reasons(result) == {"locked.txt": "unreadable"}
    assert "Permission denied" in result.quarantine["detail"][0]


# --- discovery ------------------------------------------------------------------------------


def test_walk_is_recursive_sorted_and_skips_hidden(tmp_path: Path) -> None:
    write(tmp_path / "b" / "z.txt", ARTICLE + " z")
    write(tmp_path / "a.txt", ARTICLE + " a")
    write(tmp_path / "b" / "c" / "y.txt", ARTICLE + " y")
    write(tmp_path / ".git" / "config.txt", ARTICLE + " hidden dir")
    write(tmp_path / ".DS_Store", b"\x00\x00\x00\x01Bud1")
    write(tmp_path / "b" / ".swp.txt", ARTICLE + " hidden file")
    write(tmp_path / "photo.png", b"\x89PNG\r\n\x1a\n")
    result = read(tmp_path)
    assert result.documents["doc_id"].to_list() == ["a.txt", "b/c/y.txt", "b/z.txt"]
    assert reasons(result) == {"photo.png": "unsupported_type"}
    assert result.n_inputs == 4


def test_awkward_file_names(tmp_path: Path) -> None:
    names = ["with space.txt", "ünïcödé — حلب.txt", "-leading-dash.txt", "--.txt"]
    for i, name in enumerate(names):
        write(tmp_path / name, f"{ARTICLE} {i}")
    result = read(tmp_path)
    assert sorted(result.documents["doc_id"]) == sorted(names)
    single = read(tmp_path / "-leading-dash.txt")
    assert single.documents["doc_id"].to_list() == ["-leading-dash.txt"]


def test_symlinks(tmp_path: Path) -> None:
    outside = write(tmp_path / "outside" / "secret.txt", ARTICLE + " secret")
    root = tmp_path / "root"
    write(root / "real" / "a.txt", ARTICLE)
    os.symlink(outside, root / "escape.txt")
    os.symlink(tmp_path / "outside", root / "escape_dir")
    os.symlink(root / "real" / "a.txt", root / "inside.txt")
    os.symlink(root / "real", root / "inside_dir")
    os.symlink(root / "missing.txt", root / "dangling.txt")
    result = read(root)
    assert reasons(result) == {"escape.txt": "outside_source", "escape_dir": "outside_source",
                               "dangling.txt": "unreadable"}
    assert result.documents["doc_id"].to_list() == ["inside.txt"]  # first by sorted path
    assert result.duplicates.rows() == [("real/a.txt", "real/a.txt", "inside.txt", "same_content")]
    assert not result.documents["text"].str.contains("secret").any()


def test_missing_source_raises(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        ingest.read_source(tmp_path / "nope")


# --- duplicates -----------------------------------------------------------------------------


def test_duplicates_same_content_and_same_id(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", ARTICLE)
    write(tmp_path / "b.txt", ARTICLE)  # same text as a.txt
    rows = [{"id": "n1", "text": BODY + " v1"}, {"id": "n1", "text": BODY + " v2 (edited)"},
            {"id": "n1", "text": BODY + " v1"}, {"id": "n2", "text": BODY + " v2 (edited)"}]
    write(tmp_path / "c.jsonl", "\n".join(json.dumps(r) for r in rows))
    result = read(tmp_path)
    assert result.documents["doc_id"].to_list() == ["a.txt", "n1", "n2"]
    assert result.duplicates.rows() == [
        ("b.txt", "b.txt", "a.txt", "same_content"),
        ("c.jsonl#line 2", "n1", "n1", "same_id"),
        ("c.jsonl#line 3", "n1", "n1", "same_content"),
    ]


def test_iter_batches_are_bounded_and_add_up(tmp_path: Path) -> None:
    for i in range(7):
        write(tmp_path / f"{i}.txt", f"{ARTICLE} {i}")
    rows = [{"id": str(i), "text": f"{BODY} {i}"} for i in range(25)]
    pl.DataFrame(rows).write_csv(tmp_path / "r.csv")
    batches = list(ingest.iter_batches(tmp_path, batch_size=10))
    assert all(b.n_inputs <= 10 for b in batches)
    for b in batches:
        assert b.n_inputs == len(b.documents) + len(b.quarantine) + len(b.duplicates)
    whole = read(tmp_path)
    assert whole.n_inputs == sum(b.n_inputs for b in batches) == 32
    assert pl.concat([b.documents for b in batches]).equals(whole.documents)


def test_finalize_in_shards_gives_the_same_rows_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ingest import assemble

    bodies = [f"{ARTICLE} Report {n}." if n % 3 else ("" if n % 2 else FRENCH) for n in range(40)]
    records = [{"id": f"a{n}", "title": f"Title {n}" if n % 4 else None, "text": body} for n, body in enumerate(bodies)]
    write(tmp_path / "articles.jsonl", "\n".join(json.dumps(r) for r in records))
    whole = read(tmp_path)
    monkeypatch.setattr(assemble, "MIN_SHARD_ROWS", 4)
    sharded = read(tmp_path)
    assert set(reasons(whole).values()) == {"empty", "not_english"}
    for part in ("documents", "quarantine", "duplicates"):
        assert getattr(sharded, part).equals(getattr(whole, part))
    raw = assemble.raw_frame([{"doc_id": f"d{n}", "body": body, "source_ref": f"d{n}", "format": "txt"}
                              for n, body in enumerate(bodies)])
    assert [f.equals(g) for f, g in zip(assemble.finalize(raw, workers=4), assemble.finalize(raw, workers=1),
                                         strict=True)] == [True, True]
