"""Find the inputs under a source: which files to read, in which format, and which to refuse.

Rules:
- A folder is walked recursively; inputs come in sorted order of their relative path.
- Names starting with "." (files and folders: `.DS_Store`, `.git/`, editor swap files) are
  skipped silently and not counted as inputs: they are never articles a user put there.
- A symlink whose target lies outside the source root is not followed (`outside_source`); a
  broken symlink is `unreadable`. A symlinked folder inside the root is not descended into: its
  files are read under their real path already (this also rules out symlink loops).
- Anything that is not a regular file (FIFO, socket, device) is `unsupported_type`, as is a
  file whose extension names no known format.
- A single file given as the source is read as is (the user named it); its relative path is
  its file name.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

EXTENSIONS: dict[str, str] = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".parquet": "parquet",
}


@dataclass(frozen=True)
class Input:
    path: Path  # where to read it (inside the root)
    relpath: str  # relative to the root, posix separators
    fmt: str | None  # reader to use; None when refused
    reason: str | None = None  # quarantine reason when refused
    detail: str | None = None


def discover(source: Path, fmt: str = "auto") -> Iterator[Input]:
    """Yield every input under `source` (a folder or a single file), in a deterministic order."""
    if not source.exists() and not source.is_symlink():
        raise FileNotFoundError(f"source {source} does not exist")
    if not source.is_dir():
        yield _classify(source, source.name, fmt)
        return
    root = source.resolve()
    for relpath in sorted(_walk(root)):
        found = _check_link(root, root / relpath, relpath, fmt)
        if found is not None:
            yield found


def _walk(root: Path) -> Iterator[str]:
    for folder, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        base = Path(folder)
        for name in [*dirnames, *filenames]:
            path = base / name
            if name.startswith(".") or (name in dirnames and not path.is_symlink()):
                continue
            yield path.relative_to(root).as_posix()


def _check_link(root: Path, path: Path, relpath: str, fmt: str) -> Input | None:
    if path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(root):
            return Input(path, relpath, None, "outside_source",
                         f"{relpath} is a symbolic link to {target}, outside the source folder; "
                         "it was not followed.")
        if not target.exists():
            return Input(path, relpath, None, "unreadable",
                         f"{relpath} is a symbolic link to {target}, which does not exist.")
        if target.is_dir():
            return None  # a folder inside the root: its files are walked under their real path
    return _classify(path, relpath, fmt)


def _classify(path: Path, relpath: str, fmt: str) -> Input:
    try:
        mode = path.stat().st_mode
    except OSError as err:
        return Input(path, relpath, None, "unreadable", f"{relpath} could not be examined: {err.strerror}.")
    if not stat.S_ISREG(mode):
        return Input(path, relpath, None, "unsupported_type",
                     f"{relpath} is not a regular file (a pipe, socket or device), so it was not read.")
    if fmt != "auto":
        return Input(path, relpath, fmt)
    found = EXTENSIONS.get(path.suffix.lower())
    if found is None:
        known = ", ".join(sorted(EXTENSIONS))
        return Input(path, relpath, None, "unsupported_type",
                     f"{relpath} has a file type that is not read ({path.suffix or 'no extension'}); "
                     f"supported extensions are {known}.")
    return Input(path, relpath, found)
