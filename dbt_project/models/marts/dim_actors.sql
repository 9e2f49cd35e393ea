select
    code,
    label,
    description
from {{ ref('actors') }}
