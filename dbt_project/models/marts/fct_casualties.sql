{#- Incremental: only the documents the extractor processed in this run (config in dbt_project.yml;
    macros/incremental_marts.sql). -#}

with linked as (
    select * from {{ ref('int_casualties_linked') }}{{ only_this_run() }}
),

staged as (
    select casualty_id, quantity_text, evidence from {{ ref('stg_casualties') }}{{ only_this_run() }}
)

select
    linked.casualty_id,
    linked.incident_id,
    linked.doc_id,
    linked.outcome,
    linked.victim_group,
    linked.victim_actor,
    linked.count_low,
    linked.count_best,
    linked.count_high,
    staged.quantity_text,
    linked.parent_casualty_id,
    linked.claim_source,
    linked.is_background,
    staged.evidence,
    linked.char_start,
    linked.char_end,
    linked.sentence_idx,
    linked.extractor_version,
    linked.processed_at
from linked
left join staged
    on staged.casualty_id = linked.casualty_id
