"""`bench.instructions`: its child reads and extracts generated articles; the count is read from
valgrind's report, and a missing or failing valgrind is a clear error, not a number."""

from __future__ import annotations

import stat
from pathlib import Path

import polars as pl
import pytest

from bench import instructions
from bench.generate import base_corpus, generate, write_corpus
from extract import pipeline
from extract.pipeline import run_extraction

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "corpus"


@pytest.fixture(scope="module")
def articles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("instructions") / "articles.parquet"
    return write_corpus(generate(base_corpus(SAMPLES), 4), out)


def _fake_valgrind(tmp_path: Path, script: str) -> str:
    path = tmp_path / "valgrind"
    path.write_text(f"#!/bin/sh\n{script}\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


def test_the_child_reads_the_articles_and_extracts_them(
    articles: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    documents = instructions._documents(articles)
    assert documents.columns == ["doc_id", "title", "text", "published_date"]
    assert documents.height == 4
    assert documents["published_date"].dtype == pl.Date and documents["published_date"].null_count() == 0

    extracted = []

    def recording(frame: pl.DataFrame, workers: int | None = None) -> dict[str, pl.DataFrame]:
        extracted.append(run_extraction(frame, workers))
        return extracted[-1]

    monkeypatch.setattr(pipeline, "run_extraction", recording)
    assert instructions.main(["--child", str(articles)]) == 0
    assert extracted == []  # the baseline only reads
    assert instructions.main(["--child", str(articles), "--extract"]) == 0
    assert len(extracted) == 1 and extracted[0]["doc_profiles"].height == 4


def test_the_count_is_valgrinds_last_collected_figure(
    articles: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the fake reports two counts (a tool may report per thread group) and the last one counts
    fake = _fake_valgrind(tmp_path, 'echo "==7== Collected : 11" >&2; echo "==7== Collected : 1234" >&2')
    monkeypatch.setattr(instructions.shutil, "which", lambda name: fake)
    assert instructions.counted(articles, extract=True) == 1234


@pytest.mark.parametrize(
    ("valgrind", "message"),
    [(None, "needs valgrind"), ("exit 3", "failed (3)"), ("echo no count >&2", "failed (0)")],
)
def test_no_valgrind_or_no_count_is_an_error(
    articles: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, valgrind: str | None, message: str
) -> None:
    fake = None if valgrind is None else _fake_valgrind(tmp_path, valgrind)
    monkeypatch.setattr(instructions.shutil, "which", lambda name: fake)
    with pytest.raises(SystemExit, match=message.replace("(", r"\(").replace(")", r"\)")):
        instructions.counted(articles, extract=False)
