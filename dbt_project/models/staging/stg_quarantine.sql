with source as (
    select * from {{ source('raw', 'quarantine') }}
),

renamed as (
    select
        trim(source_ref)                 as source_ref,
        trim(reason)                     as reason,
        nullif(trim(detail), '')         as detail,
        cast(seen_at as timestamp)       as seen_at
    from source
)

select * from renamed
