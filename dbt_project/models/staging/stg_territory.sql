with source as (
    select * from {{ source('extract', 'territory') }}
),

renamed as (
    select
        trim(change_id)                          as change_id,
        doc_id                                   as doc_id,  -- stripped by ingest; bare so a run filter reaches the scan
        cast(event_date as date)                 as event_date,
        nullif(trim(date_precision), '')         as date_precision,
        nullif(trim(place_name), '')             as place_name,
        nullif(trim(admin1), '')                 as admin1,
        cast(n_places as bigint)                 as n_places,
        cast(area_km2 as double)                 as area_km2,
        nullif(trim(gaining_actor), '')          as gaining_actor,
        nullif(trim(losing_actor), '')           as losing_actor,
        nullif(trim(claim_source), '')           as claim_source,
        evidence,
        cast(char_start as bigint)               as char_start,
        cast(char_end as bigint)                 as char_end,
        cast(sentence_idx as bigint)             as sentence_idx,
        trim(extractor_version)                  as extractor_version,
        processed_at                             as processed_at  -- grows with each write: run filters skip older row groups
    from source
)

select * from renamed
