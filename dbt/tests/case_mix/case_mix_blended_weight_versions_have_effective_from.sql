{{ config(meta={'dagster': {'ref': {'name': 'weight_versions'}}}) }}
-- A blended weight version needs effective_from: its years are the 3 before it (that active versions of
-- a scheme never overlap is the generic test effective_ranges_do_not_overlap on int_weight_versions_resolved).
select scheme_version, weight_version
from {{ ref('weight_versions') }}
where cast(is_active as boolean) and coalesce(blend, 'none') not in ('none', '') and effective_from is null
