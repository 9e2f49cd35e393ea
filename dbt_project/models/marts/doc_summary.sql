{#- Incremental: only the documents the extractor processed in this run (config in dbt_project.yml;
    macros/incremental_marts.sql). -#}

{#
  One row per document. The counts are the extractor's (extract.doc_profiles decides the
  principal incident); documents without a profile get zeros.
#}

with documents as (
    select doc_id from {{ ref('stg_documents') }}
    {%- if mart_is_current() %} where doc_id in ({{ docs_processed_this_run() }}){% endif %}
),

profiles as (
    select * from {{ ref('stg_doc_profiles') }}{{ only_this_run() }}
)

select
    documents.doc_id,
    profiles.primary_admin1,
    profiles.primary_actor,
    profiles.primary_method,
    cast(coalesce(profiles.civilians_killed, 0) as bigint)     as civilians_killed,
    cast(coalesce(profiles.children_killed, 0) as bigint)      as children_killed,
    cast(coalesce(profiles.women_killed, 0) as bigint)         as women_killed,
    cast(coalesce(profiles.combatants_killed, 0) as bigint)    as combatants_killed,
    profiles.principal_incident_id,
    profiles.processed_at
from documents
left join profiles
    on profiles.doc_id = documents.doc_id
