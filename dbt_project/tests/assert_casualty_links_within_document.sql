{{ config(meta={'dagster': {'ref': {'name': 'fct_casualties'}}}) }}

-- A casualty figure, its incident and its parent figure all come from the same document.
-- Rows of one document carry one processed_at, so a run's figures are looked for only among the
-- run's incidents and figures (a scan of those, not of the whole marts): a link to anything else,
-- missing or of another document, is returned.
with casualty as not materialized (  -- read twice: scanned twice, not copied (int_casualties_linked)
    select * from {{ ref('fct_casualties') }} where {{ in_this_run('processed_at') }}
),

incident as (
    select incident_id, doc_id from {{ ref('fct_incidents') }} where {{ in_this_run('processed_at') }}
)

select
    casualty.casualty_id,
    casualty.doc_id,
    incident.doc_id            as incident_doc_id,
    parent.doc_id              as parent_doc_id
from casualty
left join incident
    on incident.incident_id = casualty.incident_id
left join casualty as parent
    on parent.casualty_id = casualty.parent_casualty_id
where incident.doc_id is distinct from casualty.doc_id and casualty.incident_id is not null
   or parent.doc_id is distinct from casualty.doc_id and casualty.parent_casualty_id is not null
