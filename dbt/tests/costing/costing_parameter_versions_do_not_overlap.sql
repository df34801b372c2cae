{{ config(meta={'dagster': {'ref': {'name': 'costing_parameters'}}}) }}
-- Costing parameter versions never overlap ([from, to), null to = open), and every row of a version carries
-- the same effective dates, so a month's first day selects at most one version
-- (int_costing_parameters_by_month).
with v as (
    select version, min(effective_from) as effective_from, max(effective_to) as effective_to,
           count(distinct effective_from) as n_from,
           count(distinct coalesce(effective_to, cast('9999-12-31' as date))) as n_to,
           count(*) - count(effective_from) as n_missing_from
    from {{ ref('costing_parameters') }}
    group by version
)
select a.version, b.version as overlapping_version
from v as a
join v as b
  on a.version < b.version
 and a.effective_from < coalesce(b.effective_to, cast('9999-12-31' as date))
 and b.effective_from < coalesce(a.effective_to, cast('9999-12-31' as date))
union all
select version, 'rows of the version disagree on effective dates or lack effective_from'
from v
where n_from <> 1 or n_to <> 1 or n_missing_from > 0
union all
select version, 'effective_to not after effective_from'
from v
where effective_to is not null and effective_to <= effective_from
