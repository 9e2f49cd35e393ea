"""`make bench N=100000`: generate N varied articles, run the pipeline on them, time every stage.

    python -m bench.run [--n 10000 [100000 ...]] [--corpus samples/corpus] [--format auto] [--out-dir bench]

1. Generates N articles from the base corpus (`bench.generate`) into
   `<work>/source/articles.parquet`, the default record layout ingest reads like a user's dump.
2. Times the floor: one polars regex pass (`(?i)killed`) over the same text, in memory; and,
   against it, two reference passes any extractor of this text makes in some form: one that
   finds every number, one that finds every word (`reference_passes`).
3. Runs the pipeline on it into a fresh warehouse (`bench.stages`, a child process: peak RSS is
   the pipeline's, not the generator's) and records per-stage seconds, docs/s and MB/s.
4. Adds 1 % new varied articles (`<work>/source/articles-new-1.parquet`) and runs again into
   the same warehouse, in a new process like a scheduled run (`--one-process`: in the same one);
   then again with `articles-new-2`, ... (`--incremental-runs`, default 3). The median run is
   `incremental_1pct_seconds`; every run is in `incremental.runs`, each with the CPU probe
   (`cpu_probe_seconds`, a fixed Python loop) taken just before it.
5. Writes `<out-dir>/results.json` and prints it as a table.

Several sizes (`--n 10000 100000 1000000`) are benched one after the other, smallest first, each
in its own work folder. `results.json` then holds the largest size's figures, as for one size, and
under `scaling` every size's, which the bench prints side by side at the end: how each stage's
speed and the peak memory move as the corpus grows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

import polars as pl

from bench.generate import base_corpus, generate, text_megabytes, write_corpus
from bench.targets import assess, incremental_share, summary_lines

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO / "samples" / "corpus"
PIPELINE_STAGES = ("ingest", "extraction", "dbt", "checks")
FLOOR_PATTERN = r"(?i)killed"
# What the stages' ratios to the floor stand against: the floor is a literal search that stops at
# each text's first match, while a casualty figure finder must at least see every number, and a
# finder of names, verbs and sources every word. Each is one `count_matches` pass, which reads
# the whole text.
REFERENCE_PASSES = {"every_number": r"[0-9]+", "every_word": r"[A-Za-z]+"}
INCREMENTAL_RUNS = 3  # +1 % runs after the full run; the median is the headline figure


def corpus_format(corpus: Path, fmt: str) -> str:
    """`fakes` for an FA-KES CSV (its header has article_content), else what was asked for."""
    if fmt != "auto" or corpus.suffix.lower() != ".csv":
        return fmt
    with corpus.open(encoding="utf-8", errors="replace") as f:
        header = f.readline().lower()
    return "fakes" if "article_content" in header else fmt


def article_texts(frame: pl.DataFrame) -> pl.DataFrame:
    """One `text` column: each article's title and text, as the passes below read them."""
    return frame.select(text=pl.concat_str(pl.col("title"), pl.lit("\n\n"), pl.col("text")))


def _best_pass(texts: pl.DataFrame, expr: pl.Expr, repeats: int) -> tuple[float, int]:
    """Best of `repeats` evaluations of `expr` (a sum over the texts) and its value."""
    best, value = float("inf"), 0
    for _ in range(repeats):
        start = time.perf_counter()
        value = int(texts.select(expr).item())
        best = min(best, time.perf_counter() - start)
    return best, value


def floor_seconds(texts: pl.DataFrame, repeats: int = 3) -> tuple[float, int]:
    """Best of `repeats` single polars regex passes over `article_texts`, and its match count."""
    return _best_pass(texts, pl.col("text").str.contains(FLOOR_PATTERN).sum(), repeats)


def reference_passes(texts: pl.DataFrame, floor: float, repeats: int = 2) -> dict[str, dict[str, object]]:
    """Each of `REFERENCE_PASSES` over `article_texts`: pattern, best seconds, matches, x floor."""
    passes: dict[str, dict[str, object]] = {}
    for name, pattern in REFERENCE_PASSES.items():
        seconds, matches = _best_pass(texts, pl.col("text").str.count_matches(pattern).sum(), repeats)
        passes[name] = {
            "pattern": pattern,
            "seconds": round(seconds, 6),
            "matches": matches,
            "x_floor": round(seconds / floor, 1) if floor > 0 else 0.0,
        }
    return passes


def run_pipeline_child(source: Path, warehouse: Path, out: Path, *extra: str) -> dict[str, object]:
    """`bench.stages` in a child process (peak RSS is the pipeline's); the first run's timings."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.stages",
            "--source",
            str(source),
            "--warehouse",
            str(warehouse),
            "--format",
            "auto",
            "--json",
            str(out),
            "--started-at",
            repr(time.time()),
            *extra,
        ],
        cwd=REPO,
        env={
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        },
        check=False,
    )
    if not out.exists():
        raise RuntimeError(f"bench.stages exited {proc.returncode} without results; see {warehouse.parent}")
    return json.loads(out.read_text())


def cpu_probe_seconds(repeats: int = 3) -> float:
    """Best of `repeats` runs of a fixed pure-Python loop: how fast the machine is right now.

    A shared host's speed drifts (here the same loop took 1.2 s to 2.0 s within an hour), so each
    run's figures carry the probe taken just before it.
    """
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        sum(range(10_000_000))
        best = min(best, time.perf_counter() - start)
    return round(best, 4)


def run_all(
    source: Path, warehouse: Path, new_files: list[Path], work: Path, one_process: bool
) -> tuple[dict, list[dict]]:
    """The full run, then one incremental run per file of `new_files` (moved into the source in
    turn); each outcome has the CPU probe taken before its process started."""
    full_json = work / "full.json"
    incremental_jsons = [work / f"incremental-{i}.json" for i in range(1, len(new_files) + 1)]
    if one_process:
        pairs = [
            arg
            for f, j in zip(new_files, incremental_jsons, strict=True)
            for arg in ("--then-add", str(f), "--then-json", str(j))
        ]
        probe = cpu_probe_seconds()
        full = {**run_pipeline_child(source, warehouse, full_json, *pairs), "cpu_probe_seconds": probe}
        missing = [j.name for j in incremental_jsons if not j.exists()]
        if missing:
            raise RuntimeError(f"incremental runs left no results ({missing}); see {warehouse.parent}")
        return full, [json.loads(j.read_text()) for j in incremental_jsons]
    probe = cpu_probe_seconds()
    full = {**run_pipeline_child(source, warehouse, full_json), "cpu_probe_seconds": probe}
    incremental = []
    for new_file, out in zip(new_files, incremental_jsons, strict=True):
        shutil.move(new_file, source / new_file.name)
        probe = cpu_probe_seconds()
        incremental.append({**run_pipeline_child(source, warehouse, out), "cpu_probe_seconds": probe})
    return full, incremental


def _rate(amount: float, seconds: float) -> float:
    return round(amount / seconds, 1) if seconds > 0 else 0.0


def stage_figures(
    outcome: dict[str, object], n_docs: int, mb: float, floor: float
) -> dict[str, dict[str, float]]:
    stages: dict[str, float] = outcome["stages"]  # type: ignore[assignment]
    cpu: dict[str, float] = outcome["cpu_seconds"]  # type: ignore[assignment]
    return {
        name: {
            "seconds": seconds,
            "docs_per_s": _rate(n_docs, seconds),
            "mb_per_s": round(mb / seconds, 2) if seconds > 0 else 0.0,
            "x_floor": round(seconds / floor, 1) if floor > 0 else 0.0,
            # cores kept busy, and CPU per document: what a docs/s target on this machine allows
            "cpu_seconds": cpu[name],
            "cores": round(cpu[name] / seconds, 2) if seconds > 0 else 0.0,
            "cpu_ms_per_doc": round(1000 * cpu[name] / n_docs, 4) if n_docs else 0.0,
        }
        for name, seconds in stages.items()
    }


def run_benchmark(
    n: int,
    corpus: Path,
    fmt: str,
    work_dir: Path,
    seed: int = 0,
    one_process: bool = False,
    incremental_runs: int = INCREMENTAL_RUNS,
) -> dict[str, object]:
    fmt = corpus_format(corpus, fmt)
    if work_dir.exists():
        shutil.rmtree(work_dir)
    source, warehouse = work_dir / "source", work_dir / "warehouse" / "sitrep.duckdb"

    print(f"bench: generating {n} articles from {corpus} ({fmt})", flush=True)
    start = time.perf_counter()
    base = base_corpus(corpus, fmt)
    articles = generate(base, n, seed=seed)
    write_corpus(articles, source / "articles.parquet")
    n_new = max(1, n // 100)
    new_files = [
        write_corpus(
            generate(base, n_new, seed=seed, start=n + i * n_new),
            work_dir / "pending" / f"articles-new-{i + 1}.parquet",
        )
        for i in range(incremental_runs)
    ]
    generation = time.perf_counter() - start
    mb = text_megabytes(articles)
    texts = article_texts(articles)
    del articles
    floor, hits = floor_seconds(texts)
    references = reference_passes(texts, floor)
    del texts
    print(
        f"bench: {n} articles, {mb:.1f} MB of text in {generation:.1f}s; floor {floor:.3f}s; "
        + ", ".join(f"{name} {ref['seconds']:.3f}s" for name, ref in references.items()),
        flush=True,
    )

    print(
        f"bench: full run, then {incremental_runs} incremental run(s) of {n_new} new articles each",
        flush=True,
    )
    full, incremental_runs_out = run_all(source, warehouse, new_files, work_dir, one_process)
    # the headline is the median run (the lower middle one of an even count): one run is one
    # draw of a shared machine's speed; every run is kept in `incremental.runs`
    by_time = sorted(incremental_runs_out, key=lambda r: r["end_to_end_seconds"])
    incremental = by_time[(len(by_time) - 1) // 2]
    # the same runs in CPU seconds: what they cost whatever else the machine was doing
    by_cpu = sorted(r["end_to_end_cpu_seconds"] for r in incremental_runs_out)
    incremental_cpu = by_cpu[(len(by_cpu) - 1) // 2]

    results: dict[str, object] = {
        "n_docs": n,
        "mb": round(mb, 2),
        "corpus": str(corpus),
        "corpus_format": fmt,
        "base_articles": base.height,
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "generation_seconds": round(generation, 3),
        "stages": stage_figures(full, n, mb, floor),
        "end_to_end_seconds": full["end_to_end_seconds"],
        "end_to_end_docs_per_s": _rate(n, full["end_to_end_seconds"]),  # type: ignore[arg-type]
        "end_to_end_cpu_seconds": full["end_to_end_cpu_seconds"],
        "peak_rss_mb": full["peak_rss_mb"],
        "warehouse_mb": full["warehouse_mb"],
        "peak_rss_mb_by_stage": full["peak_rss_mb_by_stage"],
        "floor_regex_seconds": round(floor, 6),
        "floor_regex_matches": hits,
        "floor_pattern": FLOOR_PATTERN,
        "reference_passes": references,
        "cpu_probe_seconds": full.get("cpu_probe_seconds"),
        "incremental_1pct_seconds": incremental["end_to_end_seconds"],
        "incremental_1pct_runs_seconds": [r["end_to_end_seconds"] for r in incremental_runs_out],
        "incremental_1pct_cpu_seconds": incremental_cpu,
        "incremental_1pct_cpu_share": round(incremental_cpu / full["end_to_end_cpu_seconds"], 4),  # type: ignore[operator]
        "incremental": {
            "n_new_docs": n_new,
            "n_runs": len(incremental_runs_out),
            "same_process": one_process,
            "stages": incremental["stages"],
            "cpu_seconds": incremental["cpu_seconds"],
            "peak_rss_mb": incremental["peak_rss_mb"],
            "warehouse_mb": incremental["warehouse_mb"],
            "peak_rss_mb_by_stage": incremental["peak_rss_mb_by_stage"],
            "runs": [
                {
                    k: r.get(k)
                    for k in (
                        "end_to_end_seconds",
                        "end_to_end_cpu_seconds",
                        "stages",
                        "cpu_seconds",
                        "peak_rss_mb",
                        "warehouse_mb",
                        "cpu_probe_seconds",
                    )
                }
                for r in incremental_runs_out
            ],
        },
        "ok": bool(
            full["success"]
            and full["published"]
            and all(r["success"] and r["published"] for r in incremental_runs_out)
        ),
        "failed_steps": [
            *full["failed_steps"],
            *(s for r in incremental_runs_out for s in r["failed_steps"]),
        ],  # type: ignore[misc]
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "polars": pl.__version__,
        },
    }
    results["targets"] = assess(results)
    return results


def write_results(by_size: list[dict[str, object]], out_dir: Path) -> None:
    """`<out_dir>/results.json`: the largest size's results; with several sizes, each size's
    results (smallest first) under `scaling` too."""
    results = dict(by_size[-1])
    if len(by_size) > 1:
        results["scaling"] = by_size
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "results.json").write_text(json.dumps(results, indent=2) + "\n")


def scaling_table(by_size: list[dict[str, object]]) -> str:
    """One row per size: documents/s of each stage, end to end, peak RSS and the +1 % run's share."""
    head = f"{'articles':>10}{'MB':>9}" + "".join(f"{s:>12}" for s in PIPELINE_STAGES)
    head += f"{'end to end':>12}{'peak RSS':>10}{'+1% run':>10}"
    lines = [
        "scaling     documents/s by stage; end to end in seconds, peak RSS in MB, +1 % run as a share",
        head,
    ]
    for r in by_size:
        stages: dict[str, dict[str, float]] = r["stages"]  # type: ignore[assignment]
        lines.append(
            f"{r['n_docs']:>10}{r['mb']:>9.1f}"
            + "".join(f"{stages[s]['docs_per_s']:>12.1f}" for s in PIPELINE_STAGES)
            + f"{r['end_to_end_seconds']:>12.2f}{r['peak_rss_mb']:>10.1f}{incremental_share(r):>9.2f}%"
        )
    return "\n".join(lines)


def summary(results: dict[str, object]) -> str:
    stages: dict[str, dict[str, float]] = results["stages"]  # type: ignore[assignment]
    lines = [
        f"corpus {results['corpus']}: {results['n_docs']} docs, {results['mb']} MB",
        f"{'stage':<12}{'seconds':>10}{'docs/s':>11}{'MB/s':>9}{'x floor':>10}{'cores':>7}{'CPU ms/doc':>12}",
    ]
    for name, fig in stages.items():
        lines.append(
            f"{name:<12}{fig['seconds']:>10.2f}{fig['docs_per_s']:>11.1f}{fig['mb_per_s']:>9.2f}{fig['x_floor']:>10.1f}"
            f"{fig['cores']:>7.2f}{fig['cpu_ms_per_doc']:>12.4f}"
        )
    lines += [
        f"end to end  {results['end_to_end_seconds']:>10.2f}s  ({results['end_to_end_docs_per_s']} docs/s)",
        f"floor       {results['floor_regex_seconds']:>10.4f}s  (one polars regex pass, {results['floor_pattern']})",
        "reference   "
        + ", ".join(
            f"{name} {ref['seconds']:.4f}s = {ref['x_floor']}x floor ({ref['pattern']})"
            for name, ref in results["reference_passes"].items()  # type: ignore[attr-defined]
        ),
        f"peak RSS    {results['peak_rss_mb']:>10.1f} MB  (by stage {results['peak_rss_mb_by_stage']})",
        f"+1% run     {results['incremental_1pct_seconds']:>10.2f}s  median of "
        f"{results['incremental_1pct_runs_seconds']} (stages {results['incremental']['stages']})",  # type: ignore[index]
        f"+1% CPU     {results['incremental_1pct_cpu_seconds']:>10.2f}s  median, "
        f"{100 * results['incremental_1pct_cpu_share']:.2f} % of the full run's "  # type: ignore[operator]
        f"{results['end_to_end_cpu_seconds']:.2f}s of CPU",
        f"cpu probe   {results['cpu_probe_seconds']}s before the full run, "
        f"{[r['cpu_probe_seconds'] for r in results['incremental']['runs']]} before the +1% runs",  # type: ignore[index]
        f"warehouse   {results['warehouse_mb']:>10.1f} MB after the full run, "
        f"{results['incremental']['warehouse_mb']:.1f} MB after the +1% run",  # type: ignore[index]
        f"ok          {results['ok']}",
        *summary_lines(results["targets"], results["n_docs"]),  # type: ignore[arg-type]
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--n",
        type=int,
        nargs="+",
        default=[10_000],
        help="articles to generate (default 10000); several sizes are benched one after the other",
    )
    parser.add_argument(
        "--corpus",
        type=Path,
        default=DEFAULT_CORPUS,
        help="base corpus: a folder or file ingest reads (default samples/corpus)",
    )
    parser.add_argument(
        "--format", default="auto", help="format of the base corpus (an FA-KES CSV is detected)"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--one-process",
        action="store_true",
        help="run the incremental run in the full run's process (warm imports; faster, for tests)",
    )
    parser.add_argument(
        "--incremental-runs",
        type=int,
        default=INCREMENTAL_RUNS,
        help=f"+1%% runs after the full run, each adding new articles; the median counts (default {INCREMENTAL_RUNS})",
    )
    parser.add_argument("--out-dir", type=Path, default=REPO / "bench", help="results.json goes here")
    parser.add_argument(
        "--work-dir",
        type=Path,
        default=None,
        help="generated corpus and warehouse (default <out-dir>/work/<corpus>-<n>; with several "
        "sizes, a folder <corpus>-<n> in it for each)",
    )
    args = parser.parse_args(argv)
    if min(args.n) < 1:
        parser.error("--n must be at least 1")
    if args.incremental_runs < 1:
        parser.error("--incremental-runs must be at least 1")
    corpus = args.corpus.expanduser().resolve()
    sizes = sorted(set(args.n))
    by_size: list[dict[str, object]] = []
    for n in sizes:
        if args.work_dir is None:
            work = args.out_dir / "work" / f"{corpus.stem}-{n}"
        else:
            work = args.work_dir if len(sizes) == 1 else args.work_dir / f"{corpus.stem}-{n}"
        results = run_benchmark(
            n,
            corpus,
            args.format,
            work.resolve(),
            args.seed,
            args.one_process,
            args.incremental_runs,
        )
        by_size.append(results)
        # each size's figures as soon as it is done: a 1M bench comes last, after minutes
        write_results(by_size, args.out_dir.resolve())
        print(summary(results), flush=True)
    if len(by_size) > 1:
        print(scaling_table(by_size))
    return 0 if all(r["ok"] for r in by_size) else 1


if __name__ == "__main__":
    sys.exit(main())
