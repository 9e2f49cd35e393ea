{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='doc_id',
    on_schema_change='append_new_columns',
    pre_hook="{{ delete_changed_keys('doc_id', ref('stg_documents')) }}",
    post_hook="{{ store_mart_fingerprint() }}",
) }}

{#- Incremental: only the documents whose rows changed (macros/incremental_marts.sql). -#}

select
    doc_id,
    source,
    url,
    title,
    published_date,
    n_chars,
    content_sha256,
    ingested_at,
    format,
    source_ref
from {{ ref('stg_documents') }}
{% if mart_is_current() %}
where doc_id not in (select doc_id from {{ this }})
{% endif %}
