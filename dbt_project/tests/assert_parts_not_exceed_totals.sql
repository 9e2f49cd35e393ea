-- A part ("34 children" within "87 civilians") never has a larger best count than the
-- total it points at. Returns the offending parts. A part and its total come from one document,
-- which carries one processed_at (assert_casualty_links_within_document): the run's rows suffice.
with casualty as not materialized (  -- read twice: scanned twice, not copied (int_casualties_linked)
    select * from {{ ref('fct_casualties') }} where {{ in_this_run('processed_at') }}
)

select
    part.casualty_id,
    part.parent_casualty_id,
    part.count_best            as part_count_best,
    parent.count_best          as parent_count_best
from casualty as part
inner join casualty as parent
    on parent.casualty_id = part.parent_casualty_id
where part.count_best > parent.count_best
