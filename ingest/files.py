"""Load one file's bytes safely: size limit first, then emptiness and binary sniffing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ingest.decode import SNIFF_BYTES, sniff_binary


@dataclass(frozen=True)
class Problem:
    """Why an input (or part of one) was quarantined."""

    source_ref: str
    reason: str
    detail: str


def megabytes(n: int) -> str:
    return f"{n / 2**20:.1f} MB"


def check_size(path: Path, relpath: str, max_bytes: int) -> Problem | None:
    """`too_large` before anything is read, from the file system's size."""
    try:
        size = path.stat().st_size
    except OSError as err:
        return Problem(relpath, "unreadable", f"{relpath} could not be examined: {err.strerror}.")
    if size > max_bytes:
        return Problem(relpath, "too_large",
                       f"{relpath} is {megabytes(size)}, over the {megabytes(max_bytes)} limit for one "
                       "input, so it was not read.")
    return None


def load_bytes(path: Path, relpath: str, max_bytes: int) -> bytes | Problem:
    """The file's bytes, or the Problem that stops it being read as text."""
    problem = check_size(path, relpath, max_bytes)
    if problem is not None:
        return problem
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)  # bounded even if the file grew since stat
    except OSError as err:
        return Problem(relpath, "unreadable", f"{relpath} could not be read: {err.strerror or err}.")
    if len(data) > max_bytes:
        return Problem(relpath, "too_large",
                       f"{relpath} is over the {megabytes(max_bytes)} limit for one input, so it was not read.")
    return check_content(data, relpath) or data


def check_content(data: bytes, relpath: str) -> Problem | None:
    """`empty` or `binary` from a file's bytes (or, for files streamed later, its first bytes)."""
    if not data or data.isspace():
        what = "0 bytes long" if not data else "whitespace only"
        return Problem(relpath, "empty", f"{relpath} is {what}; there is no text to read.")
    what = sniff_binary(data[:SNIFF_BYTES])
    if what is not None:
        return Problem(relpath, "binary", f"{relpath} contains {what}, not text, so it was not read.")
    return None
