with source as (
    select * from {{ source('raw', 'documents') }}
),

renamed as (
    select
        doc_id                                   as doc_id,  -- stripped by ingest; bare so a run filter reaches the scan
        nullif(trim(source), '')                 as source,
        nullif(trim(url), '')                    as url,
        nullif(trim(title), '')                  as title,
        cast(published_date as date)             as published_date,
        text,
        cast(n_chars as bigint)                  as n_chars,
        content_sha256                           as content_sha256,  -- ingest's sha256 (lower-case hex); bare, so a test of it reads the column alone
        trim(source_ref)                         as source_ref,
        nullif(lower(trim(format)), '')          as format,
        cast(ingested_at as timestamp)           as ingested_at
    from source
)

select * from renamed
