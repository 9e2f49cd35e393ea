"""`make instructions N=20000`: the instructions the extractor executes per article, counted.

    python -m bench.instructions [--n 20000] [--corpus samples/corpus] [--format auto]

Timings on a shared 2-vCPU machine move by 15 % or more from one run to the next, so a change
worth a few percent cannot be seen in them; the number of instructions a process executes
hardly moves (0.04 % between two runs of 200 articles). This generates N articles as the benchmark does (`bench.generate`), then runs a
child process twice under valgrind's callgrind with one polars thread: once reading the articles,
once reading and extracting them (`extract.run_extraction`, one shard). The difference is the
extractor's; it prints it in total and per article. valgrind must be installed (Debian package
`valgrind`); a run takes about a minute plus 10 s per 1 000 articles.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polars as pl

from bench.generate import base_corpus, generate, write_corpus
from bench.run import DEFAULT_CORPUS, corpus_format

_COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")


def _documents(path: Path) -> pl.DataFrame:
    return pl.read_parquet(path).select(
        doc_id="id",
        title="title",
        text="text",
        published_date=pl.col("published_at").str.to_date(strict=False),
    )


def counted(articles: Path, extract: bool) -> int:
    """Instructions of a child that reads `articles` (and extracts them if `extract`)."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        raise SystemExit("bench.instructions needs valgrind (apt-get install valgrind)")
    child = [sys.executable, "-m", "bench.instructions", "--child", str(articles)]
    proc = subprocess.run(
        [
            valgrind,
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            *child,
            *(["--extract"] if extract else []),
        ],
        env={**os.environ, "POLARS_MAX_THREADS": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    found = _COLLECTED.findall(proc.stderr)
    if proc.returncode != 0 or not found:
        raise SystemExit(f"the counted child failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return int(found[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.instructions", description=__doc__)
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--format", default="auto")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--extract", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        documents = _documents(args.child)
        if args.extract:
            from extract.pipeline import run_extraction

            run_extraction(documents, workers=1)
        return 0

    with tempfile.TemporaryDirectory() as tmp:
        base = base_corpus(args.corpus, corpus_format(args.corpus, args.format))
        articles = write_corpus(generate(base, args.n), Path(tmp) / "articles.parquet")
        reading = counted(articles, extract=False)
        extracting = counted(articles, extract=True)
    extractor = extracting - reading
    print(f"corpus {args.corpus}: {args.n} articles")
    print(f"reading {reading:,} instructions; reading and extracting {extracting:,}")
    print(f"extractor {extractor:,} instructions = {extractor / args.n:,.0f} an article")
    return 0


if __name__ == "__main__":
    sys.exit(main())
