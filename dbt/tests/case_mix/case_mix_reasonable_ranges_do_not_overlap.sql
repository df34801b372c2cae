{{ config(meta={'dagster': {'ref': {'name': 'reasonable_ranges'}}}) }}
-- Versions of one reasonable-range check never overlap ([effective_from, effective_to), empty to = open)
-- and none is empty, so every hospital-month takes at most one bound per check.
select a.check_name, a.range_version, b.range_version as overlapping_version
from {{ ref('reasonable_ranges') }} as a
join {{ ref('reasonable_ranges') }} as b
  on a.check_name = b.check_name and a.effective_from < b.effective_from
 and b.effective_from < coalesce(a.effective_to, cast('9999-12-31' as date))
union all
select check_name, range_version, 'effective_to not after effective_from'
from {{ ref('reasonable_ranges') }}
where effective_to is not null and effective_to <= effective_from
union all
select check_name, range_version, 'lower_bound above upper_bound'
from {{ ref('reasonable_ranges') }}
where lower_bound > upper_bound
