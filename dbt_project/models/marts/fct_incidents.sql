{#- Incremental: only the documents the extractor processed in this run (config in dbt_project.yml;
    macros/incremental_marts.sql). -#}

{#
  Events with the sentence each was read from and the incident's killed total: the highest killed
  total any one claim source gives for it (int_claims: top-level figures only, so parts are never
  added; sources are never added together), 0 when it has no killed/died figure.

  The events are read once, sentences included, and only the narrow per-incident totals are
  joined to them. Joining the sentences back onto an enriched copy of the events instead (the
  model int_incidents did the enriching) held every sentence in a hash table: for 2M articles
  that model and this one took 20.5 + 66-70 s, this query 28.2 s, with the same rows.
#}

with events as (
    select * from {{ ref('stg_events') }}{{ only_this_run() }}
),

claim_totals as (
    select
        incident_id,
        max(killed_total)                       as killed_total
    from {{ ref('int_claims') }}{{ only_this_run() }}
    group by incident_id
)

select
    events.incident_id,
    events.doc_id,
    events.event_date,
    events.date_precision,
    events.event_type,
    events.sub_event_type,
    events.method,
    events.actor1,
    events.actor2,
    events.location_name,
    events.admin1,
    events.latitude,
    events.longitude,
    events.geo_precision,
    events.claim_source,
    events.is_background,
    events.evidence,
    events.char_start,
    events.char_end,
    events.sentence_idx,
    events.extractor_version,
    events.processed_at,
    cast(coalesce(claim_totals.killed_total, 0) as bigint) as killed_total
from events
left join claim_totals
    on claim_totals.incident_id = events.incident_id
