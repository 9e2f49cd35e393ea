with source as (
    select * from {{ source('extract', 'doc_profiles') }}
),

renamed as (
    select
        doc_id                                   as doc_id,  -- stripped by ingest; bare so a run filter reaches the scan
        nullif(trim(principal_event_id), '')     as principal_incident_id,
        nullif(trim(primary_admin1), '')         as primary_admin1,
        nullif(trim(primary_actor), '')          as primary_actor,
        nullif(trim(primary_method), '')         as primary_method,
        cast(civilians_killed as bigint)         as civilians_killed,
        cast(children_killed as bigint)          as children_killed,
        cast(women_killed as bigint)             as women_killed,
        cast(combatants_killed as bigint)        as combatants_killed,
        trim(extractor_version)                  as extractor_version,
        processed_at                             as processed_at  -- grows with each write: run filters skip older row groups
    from source
)

select * from renamed
