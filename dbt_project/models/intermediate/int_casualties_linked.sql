{#- Incremental by document (config in dbt_project.yml; macros/incremental_marts.sql). -#}

{#
  Casualty figures joined to the figure they are part of (if any), to the top-level figure
  at the root of that chain, and to their incident.

  Without the texts (evidence, quantity_text): int_claims, which reads it, needs none, and
  fct_casualties reads them with the rest of each figure from staging. Written here too they
  doubled the bytes a run writes (5 million figures at 1M articles).

  A "part" is a figure inside another one: in "87 civilians including 34 children" the
  children row has parent_casualty_id = the civilians row. Parts must never be added to
  totals; `is_part` marks them.
#}

-- not materialized: DuckDB materializes a CTE read more than once, i.e. copies the run's figures to
-- read them again. Past dbt's memory limit the copy spills: for 2M articles the query wrote 11.4 GB
-- and took 31.5 s, against 3.8 GB and 20.1 s scanning the table again.
with recursive casualties as not materialized (
    select * exclude (evidence, quantity_text)
    from {{ ref('stg_casualties') }}{{ only_this_run() }}
),

incidents as (
    select * from {{ ref('stg_events') }}{{ only_this_run() }}
),

-- a part and its parent row; the walk starts from these only (most figures are not parts), and
-- the parent's columns come from here too: joining every figure to the whole run's figures for
-- them held a hash table of all of them (2M articles: 24.9 s and 4.6 GB spilled, against 15.8 s
-- and 2.2 GB)
links as (
    select
        part.casualty_id,
        part.parent_casualty_id,
        parent.outcome                          as parent_outcome,
        parent.victim_group                     as parent_victim_group,
        parent.count_best                       as parent_count_best
    from casualties as part
    inner join casualties as parent
        on parent.casualty_id = part.parent_casualty_id
),

-- walk parent links up to the top-level figure (depth-capped so a bad cycle cannot loop)
chain as (
    select
        casualty_id,
        parent_casualty_id                      as root_casualty_id,
        1                                       as depth
    from links

    union all

    select
        chain.casualty_id,
        links.parent_casualty_id                as root_casualty_id,
        chain.depth + 1                         as depth
    from chain
    inner join links
        on links.casualty_id = chain.root_casualty_id
    where chain.depth < 10
),

roots as (
    select
        casualty_id,
        arg_max(root_casualty_id, depth)        as root_casualty_id,
        max(depth)                              as part_depth
    from chain
    group by casualty_id
),

linked as (
    select
        casualties.casualty_id,
        casualties.incident_id,
        casualties.doc_id,
        casualties.outcome,
        casualties.victim_group,
        casualties.victim_actor,
        casualties.count_low,
        casualties.count_best,
        casualties.count_high,
        casualties.parent_casualty_id,
        casualties.claim_source,
        casualties.is_background,
        casualties.char_start,
        casualties.char_end,
        casualties.sentence_idx,
        casualties.extractor_version,
        casualties.processed_at,

        casualties.parent_casualty_id is not null           as is_part,
        parent.casualty_id is not null                      as has_parent_row,
        parent.parent_outcome,
        parent.parent_victim_group,
        parent.parent_count_best,
        -- a figure that is no part is its own root
        coalesce(roots.root_casualty_id, casualties.casualty_id)
                                                            as root_casualty_id,
        cast(coalesce(roots.part_depth, 0) as bigint)       as part_depth,

        incidents.incident_id is not null                   as has_incident,
        incidents.doc_id                                    as incident_doc_id,
        incidents.event_date                                as incident_date,
        incidents.is_background                             as incident_is_background,

        -- the figure used when adding up totals
        coalesce(casualties.count_best, casualties.count_low, casualties.count_high)
                                                            as count_for_totals
    from casualties
    left join links as parent
        on parent.casualty_id = casualties.casualty_id
    left join roots
        on roots.casualty_id = casualties.casualty_id
    left join incidents
        on incidents.incident_id = casualties.incident_id
)

select * from linked
