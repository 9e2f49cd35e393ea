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
    casualty_id,
    incident_id,
    doc_id,
    outcome,
    victim_group,
    victim_actor,
    count_low,
    count_best,
    count_high,
    quantity_text,
    parent_casualty_id,
    claim_source,
    is_background,
    evidence,
    char_start,
    char_end,
    sentence_idx,
    extractor_version
from {{ ref('int_casualties_linked') }}
{% if mart_is_current() %}
where doc_id in ({{ docs_processed_this_run() }})
{% endif %}
