"""Vectorised (polars) extraction of incidents, casualties, territory changes and claims."""

from extract.pipeline import run_extraction

__all__ = ["run_extraction"]
