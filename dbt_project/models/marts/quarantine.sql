{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='source_ref',
    on_schema_change='append_new_columns',
    pre_hook="{{ delete_changed_keys('source_ref', ref('stg_quarantine')) }}",
    post_hook="{{ store_mart_fingerprint() }}",
) }}

{#- Incremental: only the inputs whose rows changed (macros/incremental_marts.sql). -#}

select
    source_ref,
    reason,
    detail,
    seen_at
from {{ ref('stg_quarantine') }}
{% if mart_is_current() %}
where source_ref not in (select source_ref from {{ this }})
{% endif %}
