with source as (
    select * from {{ source('extract', 'casualties') }}
),

renamed as (
    select
        trim(casualty_id)                        as casualty_id,
        nullif(trim(event_id), '')               as incident_id,
        doc_id                                   as doc_id,  -- stripped by ingest; bare so a run filter reaches the scan
        nullif(trim(outcome), '')                as outcome,
        nullif(trim(victim_group), '')           as victim_group,
        nullif(trim(victim_actor), '')           as victim_actor,
        cast(count_low as bigint)                as count_low,
        cast(count_best as bigint)               as count_best,
        cast(count_high as bigint)               as count_high,
        nullif(trim(quantity_text), '')          as quantity_text,
        nullif(trim(parent_casualty_id), '')     as parent_casualty_id,
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
