{#- Incremental: only the documents the extractor processed in this run (config in dbt_project.yml;
    macros/incremental_marts.sql). -#}

select
    casualty_id,
    incident_id,
    doc_id,
    outcome,
    victim_group,
    victim_actor,
    count_low,
    count_best,
    count_high,
    quantity_text,
    parent_casualty_id,
    claim_source,
    is_background,
    evidence,
    char_start,
    char_end,
    sentence_idx,
    extractor_version
from {{ ref('int_casualties_linked') }}
{{ only_this_run() }}
