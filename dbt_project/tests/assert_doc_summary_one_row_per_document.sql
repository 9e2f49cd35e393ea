{{ config(meta={'dagster': {'ref': {'name': 'doc_summary'}}}) }}

-- doc_summary has exactly one row for every document in `documents` and nothing else.
-- Returns documents with zero or several summary rows, and summary rows of unknown documents.
with documents as (
    select doc_id from {{ ref('documents') }}
),

summary as (
    select doc_id, count(*) as n_rows
    from {{ ref('doc_summary') }}
    group by doc_id
)

select
    coalesce(documents.doc_id, summary.doc_id)     as doc_id,
    documents.doc_id is not null                    as in_documents,
    coalesce(summary.n_rows, 0)                     as n_summary_rows
from documents
full outer join summary
    on summary.doc_id = documents.doc_id
where documents.doc_id is null
   or coalesce(summary.n_rows, 0) <> 1
