"""Document shards: the partitions of the extraction.

A document's shard is the first hex digit of the MD5 of its `doc_id`: sixteen batches of about
equal size that do not move as the history grows, and a document stays in its shard when its text
changes. The extractor reads one document at a time, so any set of shards can be extracted on its
own.

Every run of the main job (schedule, sensor, `sitrep run`) covers all sixteen in one run. A run of
some of them (`sitrep run --shards 0-7`, a partition or a backfill launched in the UI) extracts the
pending documents of those shards and does not read the source: documents it ingested from other
shards would be published without their facts. That is how a new extractor version reaches a large
warehouse in steps, each one published: the marts hold each document's facts by one version or the
other, never neither (the version is on every row).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from dagster import BackfillPolicy, StaticPartitionsDefinition

# Dagster's own tags for a run of one partition and of a range of them (what a single-run backfill
# sets); `RunRequest.partition_key_range` reads the latter.
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
    PARTITION_NAME_TAG,
)

SHARDS = [f"{i:x}" for i in range(16)]
DOCUMENT_SHARDS = StaticPartitionsDefinition(SHARDS)
# One run for any number of shards: they share one writer (the DuckDB file), so a run a shard
# would only queue behind the pool; one run also pays the extractor's fixed costs once.
ONE_RUN = BackfillPolicy.single_run()


def shard_of(doc_id: str) -> str:
    """The shard of a document (`tables.pending_batches` computes the same in SQL)."""
    return hashlib.md5(doc_id.encode("utf-8")).hexdigest()[0]


def all_shards_tags() -> dict[str, str]:
    """Run tags that make a run of the main job cover every shard."""
    return shard_range_tags(SHARDS[0], SHARDS[-1])


def shard_range_tags(first: str, last: str) -> dict[str, str]:
    """Run tags for the shards `first` to `last` (in SHARDS order), both included."""
    return {ASSET_PARTITION_RANGE_START_TAG: first, ASSET_PARTITION_RANGE_END_TAG: last}


def shards_of_run(tags: Mapping[str, str]) -> list[str] | None:
    """The shards a run covers (from its tags), or None for all of them, as in a run that names none."""
    if PARTITION_NAME_TAG in tags:
        first = last = tags[PARTITION_NAME_TAG]
    elif ASSET_PARTITION_RANGE_START_TAG in tags and ASSET_PARTITION_RANGE_END_TAG in tags:
        first, last = tags[ASSET_PARTITION_RANGE_START_TAG], tags[ASSET_PARTITION_RANGE_END_TAG]
    else:
        return None
    unknown = sorted({first, last} - set(SHARDS))
    if unknown:
        raise ValueError(f"unknown document shards {unknown}: shards are {SHARDS[0]} to {SHARDS[-1]}")
    if first > last:
        raise ValueError(f"document shards {first} to {last}: the first comes after the last")
    keys = SHARDS[SHARDS.index(first) : SHARDS.index(last) + 1]
    return None if keys == SHARDS else keys
