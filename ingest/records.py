"""Readers for record files (CSV, JSON Lines, JSON, Parquet), each yielding bounded `Piece`s.

Columns are matched by name, case-insensitively; the first alias present wins and other columns
are ignored. A record without an id gets `<relpath>#<N>`; source_ref is `<relpath>#record N`
(`#line N` for JSON Lines), N counting from 1. CSV and Parquet are handled in polars end to end;
only CSV files polars cannot parse fall back to Python's csv module, record by record, so that
every readable record is kept and every broken one is reported with its number.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from ingest.assemble import RAW, Piece
from ingest.decode import SNIFF_BYTES, decode_bytes
from ingest.discover import Input
from ingest.files import Problem, check_content, load_bytes, megabytes

ALIASES: dict[str, tuple[str, ...]] = {
    "doc_id": ("id", "doc_id", "unit_id"),
    "title": ("title", "headline", "article_title"),
    "body": ("text", "content", "body", "article_content"),
    "source": ("source", "outlet", "publisher"),
    "url": ("url", "link"),
    "published": ("published_at", "date", "published", "published_date"),
}
# FA-KES layout (fmt="fakes"): unit_id, article_title, article_content, source, date (M/D/YY).
FAKES: dict[str, tuple[str, ...]] = {
    "doc_id": ("unit_id",),
    "title": ("article_title",),
    "body": ("article_content",),
    "source": ("source",),
    "url": (),
    "published": ("date",),
}
# ISO first; then US M/D/YY (FA-KES) before M/D/YYYY so "4/5/17" is 2017, not year 17.
_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%y", "%m/%d/%Y", "%d.%m.%Y")


def read_records(item: Input, max_file_bytes: int, batch_size: int) -> Iterator[Piece]:
    aliases = FAKES if item.fmt == "fakes" else ALIASES
    if item.fmt in ("csv", "fakes"):
        yield from _csv(item, aliases, max_file_bytes, batch_size)
    elif item.fmt == "jsonl":
        yield from _jsonl(item, aliases, max_file_bytes, batch_size)
    elif item.fmt == "json":
        yield from _json(item, aliases, max_file_bytes, batch_size)
    else:
        yield from _parquet(item, aliases, batch_size)


def _whole(problem: Problem) -> Piece:
    """A record file that could not be read at all counts as one input."""
    return Piece(problems=[problem], n_inputs=1)


def _mapping(item: Input, columns: list[str], aliases: dict[str, tuple[str, ...]]) -> dict[str, str] | Problem:
    """raw column -> column of the file, or `missing_columns` when there is no text column."""
    by_name = {c.strip().lower(): c for c in columns}
    found = {raw: next((by_name[a] for a in names if a in by_name), None) for raw, names in aliases.items()}
    if found["body"] is None:
        return Problem(item.relpath, "missing_columns",
                       f"{item.relpath} has no text column (looked for {', '.join(aliases['body'])}); "
                       f"its columns are: {', '.join(columns) or 'none'}.")
    return {raw: col for raw, col in found.items() if col is not None}


def to_raw(frame: pl.DataFrame, mapping: dict[str, str], item: Input, numbers: pl.Series,
           ref: str = "record") -> pl.DataFrame:
    """Map a frame of the file's columns to `RAW`; `numbers` are the 1-based record numbers."""
    def col(raw: str) -> pl.Expr:
        return pl.col(mapping[raw]).cast(pl.String) if raw in mapping else pl.lit(None, pl.String)

    n = pl.lit(numbers).cast(pl.String)
    own_id = col("doc_id").str.strip_chars()
    published = col("published").str.strip_chars()
    return frame.select(
        doc_id=pl.when(own_id.is_null() | (own_id == "")).then(pl.lit(item.relpath + "#") + n).otherwise(own_id),
        source=col("source"),
        url=col("url"),
        title=col("title"),
        body=col("body"),
        published_date=pl.coalesce(
            [published.str.slice(0, 10).str.to_date(_DATE_FORMATS[0], strict=False)]
            + [published.str.to_date(f, strict=False) for f in _DATE_FORMATS[1:]]
        ),
        source_ref=pl.lit(f"{item.relpath}#{ref} ") + n,
        format=pl.lit("csv" if item.fmt == "fakes" else item.fmt),
    ).cast(RAW)  # type: ignore[arg-type]


def _batches(frame: pl.DataFrame, mapping: dict[str, str], item: Input, first: int,
             batch_size: int) -> Iterator[Piece]:
    for offset in range(0, frame.height, batch_size):
        part = frame.slice(offset, batch_size)
        numbers = pl.int_range(first + offset, first + offset + part.height, eager=True)
        yield Piece(raw=to_raw(part, mapping, item, numbers), n_inputs=part.height)


def _no_records(item: Input) -> Piece:
    return _whole(Problem(item.relpath, "empty", f"{item.relpath} contains no records."))


# --- CSV ------------------------------------------------------------------------------------


def _csv(item: Input, aliases: dict[str, tuple[str, ...]], max_file_bytes: int,
         batch_size: int) -> Iterator[Piece]:
    if item.path.stat().st_size > max_file_bytes:
        yield from _csv_streamed(item, aliases, batch_size)
        return
    data = load_bytes(item.path, item.relpath, max_file_bytes)
    if isinstance(data, Problem):
        yield _whole(data)
        return
    # Decode (and repair) the whole file first, then let polars parse clean UTF-8.
    text = decode_bytes(data)
    problems: list[Problem] = []
    try:
        frame = pl.read_csv(io.BytesIO(text.encode("utf-8")), infer_schema=False)
        numbers = pl.int_range(1, frame.height + 1, eager=True)
    except pl.exceptions.PolarsError:
        frame, numbers, problems = _csv_by_record(item, text)
    mapping = _mapping(item, frame.columns, aliases)
    if isinstance(mapping, Problem):
        yield _whole(mapping)
        return
    if frame.is_empty() and not problems:
        yield _no_records(item)
        return
    yield Piece(problems=problems, n_inputs=len(problems))
    for offset in range(0, frame.height, batch_size):
        part = frame.slice(offset, batch_size)
        yield Piece(raw=to_raw(part, mapping, item, numbers.slice(offset, batch_size)), n_inputs=part.height)


def _csv_by_record(item: Input, text: str) -> tuple[pl.DataFrame, pl.Series, list[Problem]]:
    """Python's csv module, resuming after each broken record; for files polars refuses."""
    lines = text.splitlines(keepends=True)
    header: list[str] | None = None
    rows: list[list[str]] = []
    numbers: list[int] = []
    problems: list[Problem] = []
    n, start = 0, 0
    while start < len(lines):
        reader = csv.reader(lines[start:], strict=True)
        record_line = 0
        try:
            for row in reader:
                if not row:  # blank line: not a record
                    record_line = reader.line_num
                    continue
                if header is None:
                    header = row
                else:
                    n += 1
                    if len(row) == len(header):
                        rows.append(row)
                        numbers.append(n)
                    else:
                        problems.append(Problem(f"{item.relpath}#record {n}", "invalid_csv",
                                                f"Record {n} of {item.relpath} has {len(row)} field(s) where "
                                                f"the header has {len(header)}, so it was not read."))
                record_line = reader.line_num
            break
        except csv.Error as err:
            if header is None:
                problems.append(Problem(item.relpath, "invalid_csv",
                                        f"The header of {item.relpath} could not be parsed ({err})."))
                return pl.DataFrame(), pl.Series(dtype=pl.Int64), problems
            n += 1
            problems.append(Problem(f"{item.relpath}#record {n}", "invalid_csv",
                                    f"Record {n} of {item.relpath} (line {start + record_line + 1}) could not "
                                    f"be parsed ({err}), e.g. an unbalanced quote; reading resumed on the "
                                    "next line."))
            start += record_line + 1
    columns = header or []
    frame = pl.DataFrame([list(r) for r in zip(*rows, strict=True)] if rows else [[] for _ in columns],
                         schema=dict.fromkeys(columns, pl.String), orient="col")
    return frame, pl.Series(numbers, dtype=pl.Int64), problems


def _csv_streamed(item: Input, aliases: dict[str, tuple[str, ...]], batch_size: int) -> Iterator[Piece]:
    """Files over the in-memory limit: polars' streaming reader, batch by batch.

    Invalid UTF-8 here becomes U+FFFD (polars' lossy decoding) instead of being repaired.
    """
    with item.path.open("rb") as handle:
        problem = check_content(handle.read(SNIFF_BYTES), item.relpath)
    if problem is not None:
        yield _whole(problem)
        return
    lazy = pl.scan_csv(item.path, infer_schema=False, encoding="utf8-lossy")
    try:
        mapping = _mapping(item, lazy.collect_schema().names(), aliases)
    except pl.exceptions.PolarsError as err:
        yield _whole(Problem(item.relpath, "invalid_csv", f"{item.relpath} could not be parsed as CSV ({err})."))
        return
    if isinstance(mapping, Problem):
        yield _whole(mapping)
        return
    first = 1
    try:
        for part in lazy.select(sorted(set(mapping.values()))).collect_batches(chunk_size=batch_size):
            yield from _batches(part, mapping, item, first, batch_size)
            first += part.height
    except pl.exceptions.PolarsError as err:
        yield _whole(Problem(f"{item.relpath}#record {first}", "invalid_csv",
                             f"{item.relpath} could not be parsed from record {first} on ({err}); the "
                             f"{first - 1} records before it were read."))


# --- JSON Lines and JSON --------------------------------------------------------------------


def _value(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else str(value)


def _pick(value: Any, ref: str, what: str, aliases: dict[str, tuple[str, ...]]) -> dict[str, str | None] | Problem:
    """A JSON value -> {raw name: string} by the aliases, or why it is not a usable record."""
    if not isinstance(value, dict):
        return Problem(ref, "invalid_json", f"{what} is JSON but not an object with named fields.")
    by_name = {str(k).strip().lower(): v for k, v in value.items()}
    if not any(a in by_name for a in aliases["body"]):
        return Problem(ref, "missing_columns",
                       f"{what} has no text field (looked for {', '.join(aliases['body'])}); its fields are: "
                       f"{', '.join(map(str, value)) or 'none'}.")
    return {raw: _value(next((by_name[a] for a in names if a in by_name), None))
            for raw, names in aliases.items()}


def _json_piece(item: Input, records: list[dict[str, str | None]], numbers: list[int],
                problems: list[Problem], ref: str) -> Piece:
    mapping = {raw: raw for raw in ALIASES}
    frame = pl.DataFrame(records, schema=dict.fromkeys(ALIASES, pl.String), orient="row") if records \
        else pl.DataFrame(schema=dict.fromkeys(ALIASES, pl.String))
    raw = to_raw(frame, mapping, item, pl.Series(numbers, dtype=pl.Int64), ref=ref)
    return Piece(raw=raw, problems=list(problems), n_inputs=len(records) + len(problems))


def _jsonl(item: Input, aliases: dict[str, tuple[str, ...]], max_file_bytes: int,
           batch_size: int) -> Iterator[Piece]:
    """Line by line (json.loads is C; a broken line only costs that line), in bounded batches."""
    with item.path.open("rb") as handle:
        problem = check_content(handle.read(SNIFF_BYTES), item.relpath)
    if problem is not None:
        yield _whole(problem)
        return
    records: list[dict[str, str | None]] = []
    numbers: list[int] = []
    problems: list[Problem] = []
    seen = 0
    with item.path.open("rb") as handle:
        for number, line in enumerate(_lines(handle, max_file_bytes), start=1):
            ref, what = f"{item.relpath}#line {number}", f"Line {number} of {item.relpath}"
            if isinstance(line, Problem):
                problems.append(Problem(ref, line.reason, f"{what} is {line.detail}"))
            elif not line.strip():
                continue  # blank line: not a record
            else:
                try:
                    picked = _pick(json.loads(decode_bytes(line)), ref, what, aliases)
                except (json.JSONDecodeError, RecursionError) as err:
                    picked = Problem(ref, "invalid_json", f"{what} is not valid JSON ({err}).")
                if isinstance(picked, Problem):
                    problems.append(picked)
                else:
                    records.append(picked)
                    numbers.append(number)
            seen += 1
            if len(records) + len(problems) >= batch_size:
                yield _json_piece(item, records, numbers, problems, "line")
                records, numbers, problems = [], [], []
    if seen == 0:
        yield _no_records(item)
    elif records or problems:
        yield _json_piece(item, records, numbers, problems, "line")


def _lines(handle: io.BufferedReader, max_bytes: int) -> Iterator[bytes | Problem]:
    """Lines of at most `max_bytes`; a longer one is skipped without being held in memory."""
    while line := handle.readline(max_bytes + 1):
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while (rest := handle.readline(2**20)) and not rest.endswith(b"\n"):
                pass
            yield Problem("", "too_large", f"over the {megabytes(max_bytes)} limit for one input.")
        else:
            yield line


def _json(item: Input, aliases: dict[str, tuple[str, ...]], max_file_bytes: int,
          batch_size: int) -> Iterator[Piece]:
    """A JSON array of records, or a single record object (read whole: it is size-limited)."""
    data = load_bytes(item.path, item.relpath, max_file_bytes)
    if isinstance(data, Problem):
        yield _whole(data)
        return
    try:
        value = json.loads(decode_bytes(data))
    except (json.JSONDecodeError, RecursionError) as err:
        yield _whole(Problem(item.relpath, "invalid_json", f"{item.relpath} is not valid JSON ({err})."))
        return
    values = value if isinstance(value, list) else [value]
    if not values:
        yield _no_records(item)
        return
    for offset in range(0, len(values), batch_size):
        records: list[dict[str, str | None]] = []
        numbers: list[int] = []
        problems: list[Problem] = []
        for number, one in enumerate(values[offset:offset + batch_size], start=offset + 1):
            picked = _pick(one, f"{item.relpath}#record {number}", f"Record {number} of {item.relpath}", aliases)
            if isinstance(picked, Problem):
                problems.append(picked)
            else:
                records.append(picked)
                numbers.append(number)
        yield _json_piece(item, records, numbers, problems, "record")


# --- Parquet --------------------------------------------------------------------------------


def _parquet(item: Input, aliases: dict[str, tuple[str, ...]], batch_size: int) -> Iterator[Piece]:
    # pyarrow's reader decodes a row group at a time as batches are asked for; polars'
    # `collect_batches` reads ahead of a slow consumer (ingest): 2 GB more at 1M articles.
    # Without pre-buffering: pyarrow keeps what it pre-buffered until the file is closed (memory
    # grew by the file's size, 560 MB over a 1M-article file), and a local file gains nothing by it.
    try:
        parquet = pq.ParquetFile(item.path, pre_buffer=False)
        mapping = _mapping(item, parquet.schema_arrow.names, aliases)
    except (pa.ArrowException, OSError) as err:
        yield _whole(Problem(item.relpath, "unreadable",
                             f"{item.relpath} is not a readable Parquet file ({type(err).__name__})."))
        return
    if isinstance(mapping, Problem):
        yield _whole(mapping)
        return
    first = 1
    names = sorted(set(mapping.values()))
    try:
        for batch in parquet.iter_batches(batch_size=batch_size, columns=names):
            part = pl.from_arrow(batch).select(pl.col(c).cast(pl.String) for c in names)  # type: ignore[union-attr]
            yield from _batches(part, mapping, item, first, batch_size)
            first += part.height
    except (pa.ArrowException, pl.exceptions.PolarsError, OSError) as err:
        yield _whole(Problem(f"{item.relpath}#record {first}", "unreadable",
                             f"{item.relpath} could not be read from record {first} on ({type(err).__name__})."))
        return
    if first == 1:
        yield _no_records(item)
