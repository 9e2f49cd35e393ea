with source as (
    select * from {{ source('raw', 'duplicates') }}
),

renamed as (
    select
        trim(source_ref)                 as source_ref,
        trim(doc_id)                     as doc_id,
        trim(duplicate_of)               as duplicate_of,
        trim(reason)                     as reason,
        cast(seen_at as timestamp)       as seen_at
    from source
)

select * from renamed
