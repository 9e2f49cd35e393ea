"""The benchmark (`make bench`) at a tiny N: generated articles are all distinct, results complete."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.generate import COLUMNS, base_corpus, generate  # noqa: E402
from bench.run import REFERENCE_PASSES, article_texts, reference_passes  # noqa: E402
from bench.targets import TARGETS  # noqa: E402

N = 200
SMALLER = 100  # benched first, in the same command: the scaling table's first row
STAGES = ("ingest", "extraction", "dbt", "checks")
POSITIVE = (
    "n_docs",
    "mb",
    "end_to_end_seconds",
    "peak_rss_mb",
    "floor_regex_seconds",
    "incremental_1pct_seconds",
)


@pytest.fixture(scope="module")
def bench_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path, str]:
    """One `bench.run` of two sizes, the larger given first: results, N's work folder, the output."""
    out = tmp_path_factory.mktemp("bench")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.run",
            "--n",
            str(N),
            str(SMALLER),
            "--out-dir",
            str(out),
            "--work-dir",
            str(out / "work"),
            "--one-process",
            "--incremental-runs",
            "2",
        ],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    return json.loads((out / "results.json").read_text()), out / "work" / f"corpus-{N}", proc.stdout


def test_results_have_every_figure(bench_run: tuple[dict, Path, str]) -> None:
    results, _, _ = bench_run
    assert results["n_docs"] == N
    assert results["ok"] is True
    for key in POSITIVE:
        assert isinstance(results[key], int | float) and results[key] > 0, key
    for stage in STAGES:
        figures = results["stages"][stage]
        assert figures["seconds"] > 0 and figures["docs_per_s"] > 0, stage
        # every stage works (dbt in its own process, counted too); no stage keeps more cores busy
        # than the machine has
        assert figures["cpu_seconds"] > 0, stage
        assert 0 < figures["cores"] <= (os.cpu_count() or 1) * 1.1, stage
        assert figures["cpu_ms_per_doc"] == pytest.approx(1000 * figures["cpu_seconds"] / N, abs=1e-4)
    assert results["corpus"] and results["generated_at"]
    assert results["incremental"]["n_new_docs"] == 2
    # two +1 % runs, the headline one of them (the lower middle of an even count)
    runs = results["incremental_1pct_runs_seconds"]
    assert len(runs) == 2 and all(r > 0 for r in runs)
    assert results["incremental_1pct_seconds"] == min(runs)
    assert [r["end_to_end_seconds"] for r in results["incremental"]["runs"]] == runs
    assert results["cpu_probe_seconds"] > 0
    # a run's CPU from end to end holds its stages' (dbt's process included) and what lies between
    stage_cpu = sum(results["stages"][s]["cpu_seconds"] for s in (*STAGES, "publish"))
    assert results["end_to_end_cpu_seconds"] >= stage_cpu - 0.01
    run_cpu = [r["end_to_end_cpu_seconds"] for r in results["incremental"]["runs"]]
    for r in results["incremental"]["runs"]:
        assert r["end_to_end_cpu_seconds"] >= sum(r["cpu_seconds"].values()) - 0.01 > 0
    assert results["incremental_1pct_cpu_seconds"] == min(run_cpu)
    assert results["incremental_1pct_cpu_share"] == pytest.approx(
        min(run_cpu) / results["end_to_end_cpu_seconds"], abs=1e-4
    )
    by_stage = results["peak_rss_mb_by_stage"]
    assert set(STAGES) <= set(by_stage) and max(by_stage.values()) <= results["peak_rss_mb"]
    references = results["reference_passes"]
    assert set(references) == set(REFERENCE_PASSES)
    for ref in references.values():
        assert ref["seconds"] > 0 and ref["matches"] > 0
        # the stored seconds are rounded to microseconds: at this N that moves the ratio by ~1 %
        assert ref["x_floor"] == pytest.approx(ref["seconds"] / results["floor_regex_seconds"], rel=0.05)
    # news text has more words than numbers
    assert references["every_word"]["matches"] > references["every_number"]["matches"]
    # the scale targets, read from these figures: those set for a million articles do not apply here
    targets = results["targets"]
    assert set(targets) == {t.name for t in TARGETS}
    assert targets["extraction_docs_per_s"]["figure"] == results["stages"]["extraction"]["docs_per_s"]
    assert isinstance(targets["extraction_docs_per_s"]["met"], bool)
    assert targets["end_to_end_seconds"]["met"] is None


def test_reference_passes_count_every_number_and_every_word() -> None:
    texts = article_texts(
        pl.DataFrame(
            {"title": ["Shelling kills 12", "Calm day"], "text": ["3 killed in 2 towns.", "No news."]}
        )
    )
    passes = reference_passes(texts, floor=0.5, repeats=1)
    assert passes["every_number"]["matches"] == 3  # 12, 3, 2
    assert passes["every_word"]["matches"] == 9  # Shelling kills killed in towns Calm day No news
    assert passes["every_word"]["x_floor"] == round(passes["every_word"]["seconds"] / 0.5, 1)


def test_several_sizes_are_benched_smallest_first_and_printed_side_by_side(
    bench_run: tuple[dict, Path, str],
) -> None:
    results, work, output = bench_run
    # the top level is the largest size's; `scaling` holds each size's own figures
    scaling = results["scaling"]
    assert [r["n_docs"] for r in scaling] == [SMALLER, N]
    assert scaling[-1] == {k: v for k, v in results.items() if k != "scaling"}
    assert scaling[0]["mb"] < scaling[1]["mb"]
    assert all(r["ok"] and r["stages"]["extraction"]["docs_per_s"] > 0 for r in scaling)
    # each size had its own corpus and warehouse
    for size in (SMALLER, N):
        generated = pl.read_parquet(work.parent / f"corpus-{size}" / "source" / "articles.parquet")
        assert generated.height == size
    table = output[output.index("scaling") :].splitlines()
    rows = [line.split() for line in table[2:4]]
    assert [int(row[0]) for row in rows] == [SMALLER, N]
    for row, r in zip(rows, scaling, strict=True):
        assert float(row[3]) == pytest.approx(r["stages"]["extraction"]["docs_per_s"], abs=0.1)
        assert float(row[-2]) == pytest.approx(r["peak_rss_mb"], abs=0.1)
        # the +1 % share as the targets read it
        assert float(row[-1].rstrip("%")) == pytest.approx(
            r["targets"]["incremental_1pct_share"]["figure"], abs=0.01
        )


def test_generated_articles_are_all_distinct(bench_run: tuple[dict, Path, str]) -> None:
    _, work, _ = bench_run
    files = sorted((work / "source").glob("*.parquet"))
    assert [f.name for f in files] == ["articles-new-1.parquet", "articles-new-2.parquet", "articles.parquet"]
    articles = pl.concat([pl.read_parquet(f) for f in files])
    assert articles.columns == list(COLUMNS)
    assert articles.height == N + 2 + 2
    hashes = {
        hashlib.sha256(f"{title}\n\n{text}".encode()).hexdigest()
        for title, text in articles.select("title", "text").iter_rows()
    }
    assert len(hashes) == articles.height
    assert articles["id"].n_unique() == articles.height


def test_generation_is_deterministic_and_varied() -> None:
    base = base_corpus(REPO / "samples" / "corpus")
    first, again = generate(base, 3 * base.height, seed=7), generate(base, 3 * base.height, seed=7)
    assert first.equals(again)
    assert not first.equals(generate(base, 3 * base.height, seed=8))
    # copies of the same base article differ in more than their wire reference
    copies = first.filter(pl.int_range(pl.len()) % base.height == 0)["text"]
    bodies = copies.str.replace(r"\(Sitrep bench wire, ref\. SB-\d+\)$", "")
    assert bodies.n_unique() > 1
