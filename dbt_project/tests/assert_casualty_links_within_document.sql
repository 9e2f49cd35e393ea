{{ config(meta={'dagster': {'ref': {'name': 'fct_casualties'}}}) }}

-- A casualty figure, its incident and its parent figure all come from the same document.
select
    casualty.casualty_id,
    casualty.doc_id,
    incident.doc_id            as incident_doc_id,
    parent.doc_id              as parent_doc_id
from {{ ref('fct_casualties') }} as casualty
left join {{ ref('fct_incidents') }} as incident
    on incident.incident_id = casualty.incident_id
left join {{ ref('fct_casualties') }} as parent
    on parent.casualty_id = casualty.parent_casualty_id
where (incident.doc_id <> casualty.doc_id or parent.doc_id <> casualty.doc_id)
    and {{ in_this_run('casualty.processed_at') }}
