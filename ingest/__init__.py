"""Ingest: every input a user has in, clean documents plus an account of every input out.

    result = read_source("articles/")      # a folder (walked recursively) or one file
    result.documents, result.quarantine, result.duplicates, result.n_inputs

Every input ends up in exactly one of the three tables:
    n_inputs == len(documents) + len(quarantine) + len(duplicates)
"""

from ingest.api import FORMATS, IngestResult, iter_batches, read_batches, read_source
from ingest.discover import Input, discover

__all__ = ["FORMATS", "IngestResult", "Input", "discover", "iter_batches", "read_batches", "read_source"]
