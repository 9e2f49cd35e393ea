{#- Incremental: only the documents the extractor processed in this run (config in dbt_project.yml;
    macros/incremental_marts.sql). -#}

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
    extractor_version,
    processed_at
from {{ ref('stg_territory') }}
{{ only_this_run() }}
