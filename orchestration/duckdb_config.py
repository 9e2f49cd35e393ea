"""The settings of every DuckDB connection the pipeline writes through (dbt's: dbt_project/profiles.yml)."""

DUCKDB_CONFIG = {
    # DuckDB's buffer pool defaults to 80 % of RAM and keeps what it wrote cached up to that; the
    # pipeline streams its batches, so a fixed cap keeps its memory flat (DuckDB spills past it).
    "memory_limit": "1GB",
    # No row-group merging ("vacuum") at checkpoints: it rewrites earlier row groups together with
    # the few rows a run appends, texts included (7.5 s instead of 0.2 s to checkpoint 10,000 new
    # articles on a 1M-article file). A run's rows stay in row groups of their own, and deleted rows
    # are reclaimed when their whole row group goes (re-extraction, rebuilt tables), not before.
    "max_vacuum_tasks": "0",
}
