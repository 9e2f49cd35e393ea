{#- Incremental by document (config in dbt_project.yml; macros/incremental_marts.sql). -#}

{#
  Events enriched with their casualty figures. Totals come from `int_claims` (top-level
  rows only, per claim source); when sources disagree the incident's total is the
  highest figure any one source gives — figures from different sources are never added.
  The evidence sentence stays in staging; fct_incidents takes it from there.
#}

with events as (
    select * exclude (evidence) from {{ ref('stg_events') }}{{ only_this_run() }}
),

claims as (
    select * from {{ ref('int_claims') }}{{ only_this_run() }}
),

casualty_rows as (
    select
        incident_id,
        count(*)                                as n_casualty_rows,
        count(*) filter (where is_part)         as n_part_rows
    from {{ ref('int_casualties_linked') }}
    where incident_id is not null
    {{ only_this_run('and') }}
    group by incident_id
),

claim_totals as (
    select
        incident_id,
        max(killed_total)                       as killed_total,
        max(injured_total)                      as injured_total,
        max(missing_total)                      as missing_total,
        max(displaced_total)                    as displaced_total,
        count(*)                                as n_claim_sources
    from claims
    group by incident_id
),

enriched as (
    select
        events.*,
        cast(coalesce(claim_totals.killed_total, 0) as bigint)        as killed_total,
        cast(coalesce(claim_totals.injured_total, 0) as bigint)       as injured_total,
        cast(coalesce(claim_totals.missing_total, 0) as bigint)       as missing_total,
        cast(coalesce(claim_totals.displaced_total, 0) as bigint)     as displaced_total,
        cast(coalesce(claim_totals.n_claim_sources, 0) as bigint)     as n_claim_sources,
        cast(coalesce(casualty_rows.n_casualty_rows, 0) as bigint)    as n_casualty_rows,
        cast(coalesce(casualty_rows.n_part_rows, 0) as bigint)        as n_part_rows
    from events
    left join claim_totals
        on claim_totals.incident_id = events.incident_id
    left join casualty_rows
        on casualty_rows.incident_id = events.incident_id
)

select * from enriched
