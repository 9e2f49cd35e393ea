select
    source_ref,
    reason,
    detail,
    seen_at
from {{ ref('stg_quarantine') }}
