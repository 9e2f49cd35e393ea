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

-- staging's columns, then the total: the contract's columns (_marts.yml), as in fct_casualties
select
    events.*,
    cast(coalesce(claim_totals.killed_total, 0) as bigint) as killed_total
from events
left join claim_totals
    on claim_totals.incident_id = events.incident_id
