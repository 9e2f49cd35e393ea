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
