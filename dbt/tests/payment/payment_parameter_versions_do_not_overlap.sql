{{ config(meta={'dagster': {'ref': {'name': 'payment_parameters'}}}) }}
-- Payment parameter versions of one region never overlap ([from, to), null to = open), and every row of
-- a version carries the same effective dates, so a discharge date selects at most one parameter set.
with v as (
    select region, version, min(effective_from) as effective_from, max(effective_to) as effective_to,
           count(distinct effective_from) as n_from,
           count(distinct coalesce(effective_to, cast('9999-12-31' as date))) as n_to,
           count(*) - count(effective_from) as n_missing_from
    from {{ ref('payment_parameters') }}
    group by region, version
)
select a.region, a.version, b.version as overlapping_version
from v as a
join v as b
  on a.region = b.region and a.version < b.version
 and a.effective_from < coalesce(b.effective_to, cast('9999-12-31' as date))
 and b.effective_from < coalesce(a.effective_to, cast('9999-12-31' as date))
union all
select region, version, 'rows of the version disagree on effective dates or lack effective_from'
from v
where n_from <> 1 or n_to <> 1 or n_missing_from > 0
union all
select region, version, 'effective_to not after effective_from'
from v
where effective_to is not null and effective_to <= effective_from
