select
    admin1,
    capital,
    latitude,
    longitude
from {{ ref('admin1') }}
