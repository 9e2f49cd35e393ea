{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='doc_id',
    on_schema_change='append_new_columns',
    pre_hook="{{ delete_reprocessed_docs() }}",
    post_hook="{{ store_mart_fingerprint() }}",
) }}

{#- Incremental: only the documents the extractor processed in this run (macros/incremental_marts.sql). -#}

select
    incident_id,
    doc_id,
    event_date,
    date_precision,
    event_type,
    sub_event_type,
    method,
    actor1,
    actor2,
    location_name,
    admin1,
    latitude,
    longitude,
    geo_precision,
    claim_source,
    is_background,
    evidence,
    char_start,
    char_end,
    sentence_idx,
    extractor_version,
    killed_total
from {{ ref('int_incidents') }}
{% if mart_is_current() %}
where doc_id in ({{ docs_processed_this_run() }})
{% endif %}
