"""Scores doc_summary rows against FA-KES-style gold annotations (placeholder, filled in by extraction work)."""

from __future__ import annotations

from pathlib import Path


def evaluate_warehouse(warehouse: Path, gold: Path) -> tuple[str, dict[str, float]]:
    """Return a printable table and the metrics, reading `marts.doc_summary` from `warehouse`."""
    raise NotImplementedError
