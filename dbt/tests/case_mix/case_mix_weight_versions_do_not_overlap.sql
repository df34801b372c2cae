{{ config(meta={'dagster': {'ref': {'name': 'int_weight_versions_resolved'}}}) }}
-- Active weight versions of one scheme never overlap in effective range ([from, to), null to = open), so
-- every discharge joins at most one version; a blend needs effective_from (its years precede it).
select a.scheme_version, a.weight_version, b.weight_version as overlapping_version
from {{ ref('int_weight_versions_resolved') }} as a
join {{ ref('int_weight_versions_resolved') }} as b
  on a.scheme_version = b.scheme_version and a.weight_version < b.weight_version
 and a.effective_from < coalesce(b.effective_to, cast('9999-12-31' as date))
 and b.effective_from < coalesce(a.effective_to, cast('9999-12-31' as date))
union all
select scheme_version, weight_version, 'blend without effective_from'
from {{ ref('weight_versions') }}
where cast(is_active as boolean) and coalesce(blend, 'none') not in ('none', '') and effective_from is null
