{{ config(meta={'dagster': {'ref': {'name': 'reasonable_ranges'}}}) }}
-- No reasonable range has its lower bound above its upper bound (that versions never overlap is the
-- generic test effective_ranges_do_not_overlap on the seed).
select check_name, range_version, lower_bound, upper_bound
from {{ ref('reasonable_ranges') }}
where lower_bound > upper_bound
