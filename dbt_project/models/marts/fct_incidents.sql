{#- Incremental: only the documents the extractor processed in this run (config in dbt_project.yml;
    macros/incremental_marts.sql). -#}

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
{{ only_this_run() }}
