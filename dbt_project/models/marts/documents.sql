{#- A view: a projection of raw.documents without the text costs nothing to build, and no run
    ever has to compare the whole table to find what changed. -#}
{{ config(materialized='view') }}

select
    doc_id,
    source,
    url,
    title,
    published_date,
    n_chars,
    content_sha256,
    ingested_at,
    format,
    source_ref
from {{ ref('stg_documents') }}
