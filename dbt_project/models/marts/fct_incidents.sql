{#- Incremental: only the documents the extractor processed in this run (config in dbt_project.yml;
    macros/incremental_marts.sql). -#}

with incidents as (
    select * from {{ ref('int_incidents') }}{{ only_this_run() }}
),

staged as (
    select incident_id, evidence from {{ ref('stg_events') }}{{ only_this_run() }}
)

select
    incidents.incident_id,
    incidents.doc_id,
    incidents.event_date,
    incidents.date_precision,
    incidents.event_type,
    incidents.sub_event_type,
    incidents.method,
    incidents.actor1,
    incidents.actor2,
    incidents.location_name,
    incidents.admin1,
    incidents.latitude,
    incidents.longitude,
    incidents.geo_precision,
    incidents.claim_source,
    incidents.is_background,
    staged.evidence,
    incidents.char_start,
    incidents.char_end,
    incidents.sentence_idx,
    incidents.extractor_version,
    incidents.processed_at,
    incidents.killed_total
from incidents
left join staged
    on staged.incident_id = incidents.incident_id
