{#- Incremental by document (config in dbt_project.yml; macros/incremental_marts.sql). -#}

{#
  Casualty figures per incident and per claim source, from top-level rows only (parts are
  never added). When two sources give different figures for the same incident
  (SOHR: 87 killed, the UN: 80 killed) both rows are kept here.

  Within one claim source:
    * the same (outcome, victim group) mentioned twice counts once (the larger figure);
    * different victim groups add up ("87 civilians and 12 fighters" = 99), except that
      "people" is the catch-all group: the total is the larger of the "people" figure and
      the sum of the specific groups;
    * `killed` and `died` together make the killed total.
  A null claim_source (the article's own voice) is one source of its own.
#}

with top_level as (
    select *
    from {{ ref('int_casualties_linked') }}
    where not is_part
      and incident_id is not null
      and count_for_totals is not null
      {{ only_this_run('and') }}
),

per_group as (
    select
        incident_id,
        claim_source,
        outcome,
        victim_group,
        max(count_for_totals)                   as n,
        count(*)                                as n_rows,
        max(processed_at)                       as processed_at  -- one document: one value
    from top_level
    group by incident_id, claim_source, outcome, victim_group
),

per_outcome as (
    select
        incident_id,
        claim_source,
        outcome,
        greatest(
            coalesce(sum(n) filter (where victim_group = 'people'), 0),
            coalesce(sum(n) filter (where victim_group is distinct from 'people'), 0)
        )                                       as total,
        sum(n_rows)                             as n_rows,
        max(processed_at)                       as processed_at
    from per_group
    group by incident_id, claim_source, outcome
),

incidents as (
    select incident_id, doc_id from {{ ref('stg_events') }}{{ only_this_run() }}
),

per_claim as (
    select
        per_outcome.incident_id,
        incidents.doc_id,
        per_outcome.claim_source,
        cast(coalesce(sum(total) filter (where outcome in ('killed', 'died')), 0) as bigint)
                                                as killed_total,
        cast(coalesce(sum(total) filter (where outcome = 'injured'), 0) as bigint)
                                                as injured_total,
        cast(coalesce(sum(total) filter (where outcome = 'missing'), 0) as bigint)
                                                as missing_total,
        cast(coalesce(sum(total) filter (where outcome = 'displaced'), 0) as bigint)
                                                as displaced_total,
        cast(sum(n_rows) as bigint)             as n_figures,
        max(per_outcome.processed_at)           as processed_at
    from per_outcome
    left join incidents
        on incidents.incident_id = per_outcome.incident_id
    group by per_outcome.incident_id, incidents.doc_id, per_outcome.claim_source
)

select * from per_claim
