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
    change_id,
    doc_id,
    event_date,
    date_precision,
    place_name,
    admin1,
    n_places,
    area_km2,
    gaining_actor,
    losing_actor,
    claim_source,
    evidence,
    char_start,
    char_end,
    sentence_idx,
    extractor_version
from {{ ref('stg_territory') }}
{% if mart_is_current() %}
where doc_id in ({{ docs_processed_this_run() }})
{% endif %}
