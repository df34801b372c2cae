{{ config(meta={'dagster': {'ref': {'name': 'dim_drg_weights'}}}) }}
-- With data-derived weights from a single period (no blend), no fallback applied and no rescale, the
-- case-weighted mean RW over the trimmed benchmark population is 1:
--   Σ_g n_g · (m_g / M) / Σ_g n_g = (Σ_i cost_i / M) / N = 1, since M = Σ_i cost_i / N.
with versions as (
    select weight_version, scheme_version
    from {{ ref('int_weight_versions_resolved') }}
    where method = 'data' and not is_blended and not rescale
),
weights as (
    select w.weight_version, w.scheme_version,
           sum(w.case_count * w.rw) as total_weight, sum(w.case_count) as cases,
           sum(case when w.weight_basis <> 'own' then 1 else 0 end) as fallback_drgs
    from {{ ref('dim_drg_weights') }} as w
    join versions as v on v.weight_version = w.weight_version and v.scheme_version = w.scheme_version
    group by w.weight_version, w.scheme_version
),
kept as (
    select weight_version, scheme_version, sum(case when is_kept then 1 else 0 end) as kept_cases
    from {{ ref('int_benchmark_cases_trimmed') }}
    group by weight_version, scheme_version
)
select w.*, k.kept_cases
from weights as w
join kept as k on k.weight_version = w.weight_version and k.scheme_version = w.scheme_version
where w.fallback_drgs = 0
  and (w.cases <> k.kept_cases or abs(w.total_weight / w.cases - 1) > 1e-9)
