with source as (
    select * from {{ source('extract', 'events') }}
),

renamed as (
    select
        trim(event_id)                           as incident_id,
        doc_id                                   as doc_id,  -- stripped by ingest; bare so a run filter reaches the scan
        cast(event_date as date)                 as event_date,
        nullif(trim(date_precision), '')         as date_precision,
        nullif(trim(event_type), '')             as event_type,
        nullif(trim(sub_event_type), '')         as sub_event_type,
        nullif(trim(method), '')                 as method,
        nullif(trim(actor1), '')                 as actor1,
        nullif(trim(actor2), '')                 as actor2,
        nullif(trim(location_name), '')          as location_name,
        nullif(trim(admin1), '')                 as admin1,
        cast(latitude as double)                 as latitude,
        cast(longitude as double)                as longitude,
        cast(geo_precision as bigint)            as geo_precision,
        nullif(trim(claim_source), '')           as claim_source,
        cast(is_background as boolean)           as is_background,
        evidence,
        cast(char_start as bigint)               as char_start,
        cast(char_end as bigint)                 as char_end,
        cast(sentence_idx as bigint)             as sentence_idx,
        trim(extractor_version)                  as extractor_version,
        processed_at                             as processed_at  -- grows with each write: run filters skip older row groups
    from source
)

select * from renamed
