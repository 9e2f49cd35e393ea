"""Assets by stage: ingest → extract → dbt (staging, intermediate, marts) → publish."""
