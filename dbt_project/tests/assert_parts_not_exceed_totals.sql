-- A part ("34 children" within "87 civilians") never has a larger best count than the
-- total it points at. Returns the offending parts.
select
    part.casualty_id,
    part.parent_casualty_id,
    part.count_best            as part_count_best,
    parent.count_best          as parent_count_best
from {{ ref('fct_casualties') }} as part
inner join {{ ref('fct_casualties') }} as parent
    on parent.casualty_id = part.parent_casualty_id
where part.count_best > parent.count_best
    and {{ in_this_run('part.processed_at') }}
