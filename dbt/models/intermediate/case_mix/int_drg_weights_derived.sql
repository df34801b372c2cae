{#- The weight table of every active weight version, derived from data or taken from an official table,
    with the benchmark statistics of each DRG. Grain: weight_version × scheme_version × drg_code.

    method = data (on the kept, i.e. trimmed, benchmark cases; b = period bucket, w_b its blend weight:
    1 without a blend, else blend_weight_newest / _middle / _oldest for years 1 / 2 / 3):
      mean_cost_amount  m_g = Σ_b w_b · mean_{g,b} / Σ_b w_b over the years present for g
      overall mean      M   = Σ_b w_b · mean_b / Σ_b w_b over the years present (all kept cases)
      RW_own            m_g / M        (RW_g = 本病组次均费用 / 全部病例次均费用)
      case_count        n_g = kept cases of g over all years; is_low_volume = n_g < min_cases, then
                        fallback adrg_mean (m_ADRG / M, the ADRG's kept cases pooled the same way),
                        drop (no RW) or keep (RW_own, flagged)
      rescale           RW = RW_before × Σ_g n_g · RW_own,g / Σ_g n_g · RW_before,g (over the DRGs that keep
                        an RW): keeps the total weight of the benchmark population unchanged by the
                        fallback; factor 1 without rescale
      cost_cv           sample SD / mean of the kept cases' cost (pooled over years)
    method = official: RW = rw, or base_points / 100 when rw is empty (seed official_weights); no fallback
      or rescale; the benchmark statistics are still computed on the loaded cases.
    Benchmark statistics (every version; whole benchmark population, before trimming): case count,
    mean 住院总费用 and mean LOS (the efficiency-index benchmarks C_g and L_g), deaths (mortality risk). -#}

with versions as (
    select * from {{ ref('int_weight_versions_resolved') }}
),

cases as (
    select * from {{ ref('int_benchmark_cases_trimmed') }}
),

kept as (
    select c.*,
        case c.period_bucket
            when 0 then 1.0
            when 1 then v.blend_weight_newest
            when 2 then v.blend_weight_middle
            when 3 then v.blend_weight_oldest
        end as bucket_weight
    from cases as c
    join versions as v on v.weight_version = c.weight_version and v.scheme_version = c.scheme_version
    where c.is_kept and v.method = 'data'
),

drg_buckets as (
    select weight_version, scheme_version, drg_code, period_bucket, max(bucket_weight) as bucket_weight,
           count(*) as n, {{ exact_avg('cost_basis_amount') }} as mean_cost
    from kept group by weight_version, scheme_version, drg_code, period_bucket
),

adrg_buckets as (
    select weight_version, scheme_version, adrg_code, period_bucket, max(bucket_weight) as bucket_weight,
           {{ exact_avg('cost_basis_amount') }} as mean_cost
    from kept group by weight_version, scheme_version, adrg_code, period_bucket
),

all_buckets as (
    select weight_version, scheme_version, period_bucket, max(bucket_weight) as bucket_weight,
           {{ exact_avg('cost_basis_amount') }} as mean_cost
    from kept group by weight_version, scheme_version, period_bucket
),

drg_means as (
    select b.weight_version, b.scheme_version, b.drg_code,
           sum(b.n) as case_count,
           {{ exact_sum('b.bucket_weight * b.mean_cost') }} / {{ exact_sum('b.bucket_weight') }} as mean_cost
    from drg_buckets as b group by b.weight_version, b.scheme_version, b.drg_code
),

drg_spread as (
    select weight_version, scheme_version, drg_code, max(adrg_code) as adrg_code,
           {{ exact_stddev_samp('cost_basis_amount') }} / nullif({{ exact_avg('cost_basis_amount') }}, 0) as cost_cv
    from kept group by weight_version, scheme_version, drg_code
),

adrg_means as (
    select weight_version, scheme_version, adrg_code,
           {{ exact_sum('bucket_weight * mean_cost') }} / {{ exact_sum('bucket_weight') }} as mean_cost
    from adrg_buckets group by weight_version, scheme_version, adrg_code
),

overall as (
    select weight_version, scheme_version,
           {{ exact_sum('bucket_weight * mean_cost') }} / {{ exact_sum('bucket_weight') }} as mean_cost
    from all_buckets group by weight_version, scheme_version
),

population as (
    select weight_version, scheme_version, drg_code,
           max(adrg_code)                                                   as adrg_code,
           count(*)                                                         as benchmark_case_count,
           sum({{ case_mix_flag('not is_kept') }})                          as trimmed_case_count,
           {{ exact_avg('total_cost_amount') }}                             as benchmark_mean_cost,
           {{ exact_avg('los_days') }}                                      as benchmark_mean_los,
           sum(death_count)                                                 as benchmark_death_count
    from cases group by weight_version, scheme_version, drg_code
),

population_hospitals as (
    select weight_version, scheme_version,
           count(distinct hospital_id)                                      as hospital_count,
           min(hospital_id)                                                 as first_hospital_id
    from cases group by weight_version, scheme_version
),

data_weights as (
    select
        v.weight_version, v.scheme_version, d.drg_code, s.adrg_code,
        d.case_count, d.mean_cost, s.cost_cv,
        o.mean_cost                                                         as overall_mean_cost,
        d.mean_cost / nullif(o.mean_cost, 0)                                as rw_own,
        a.mean_cost / nullif(o.mean_cost, 0)                                as rw_adrg,
        a.mean_cost                                                         as adrg_mean_cost,
        d.case_count < v.min_cases                                          as is_low_volume,
        case when d.case_count >= v.min_cases then 'own'
             when v.fallback = 'adrg_mean' then 'adrg_mean'
             when v.fallback = 'drop' then 'dropped'
             else 'low_volume_kept' end                                     as weight_basis,
        v.rescale
    from versions as v
    join drg_means as d on d.weight_version = v.weight_version and d.scheme_version = v.scheme_version
    join drg_spread as s on s.weight_version = d.weight_version and s.scheme_version = d.scheme_version
                        and s.drg_code = d.drg_code
    join overall as o on o.weight_version = v.weight_version and o.scheme_version = v.scheme_version
    left join adrg_means as a on a.weight_version = v.weight_version and a.scheme_version = v.scheme_version
                             and a.adrg_code = s.adrg_code
    where v.method = 'data'
),

data_before_rescale as (
    select *,
        case weight_basis when 'adrg_mean' then rw_adrg when 'dropped' then null else rw_own end as rw_before,
        case weight_basis when 'adrg_mean' then adrg_mean_cost when 'dropped' then null
             else mean_cost end                                             as mean_cost_before
    from data_weights
),

-- Σ n·RW_own / Σ n·RW_before with the overall mean M cancelled: Σ n·m_g / Σ n·m_before (the same
-- factor, one division fewer). Every float aggregate of this model is an exact_* macro, so the weights do
-- not depend on the order the engine adds the rows in (a float sum differed in the last digit between runs)
rescale_factors as (
    select weight_version, scheme_version,
           case when max({{ case_mix_flag('rescale') }}) = 1
                then {{ exact_sum('case when rw_before is not null then case_count * mean_cost end') }}
                     / nullif({{ exact_sum('case_count * mean_cost_before') }}, 0)
                else 1.0 end                                                as rescale_factor
    from data_before_rescale group by weight_version, scheme_version
),

derived as (
    select
        d.weight_version, d.scheme_version, d.drg_code, d.adrg_code,
        d.rw_before * f.rescale_factor                                      as rw,
        d.rw_own, d.weight_basis, d.is_low_volume,
        d.case_count, d.mean_cost, d.cost_cv, d.overall_mean_cost, f.rescale_factor
    from data_before_rescale as d
    join rescale_factors as f on f.weight_version = d.weight_version and f.scheme_version = d.scheme_version
),

official as (
    select
        v.weight_version, v.scheme_version, o.drg_code,
        cast(null as {{ dbt.type_string() }})                               as adrg_code,
        coalesce(cast(o.rw as double), cast(o.base_points as double) / 100.0) as rw,
        cast(null as double)                                                as rw_own,
        'official'                                                          as weight_basis,
        false                                                               as is_low_volume,
        cast(null as bigint)                                                as case_count,
        cast(null as double)                                                as mean_cost,
        cast(null as double)                                                as cost_cv,
        cast(null as double)                                                as overall_mean_cost,
        1.0                                                                 as rescale_factor
    from versions as v
    join {{ ref('official_weights') }} as o
      on o.weight_version = v.weight_version and o.scheme_version = v.scheme_version
    where v.method = 'official'
),

weights as (
    select * from derived
    union all
    select * from official
)

select
    cast(w.weight_version as {{ dbt.type_string() }})                       as weight_version,
    cast(w.scheme_version as {{ dbt.type_string() }})                       as scheme_version,
    cast(w.drg_code as {{ dbt.type_string() }})                             as drg_code,
    cast(coalesce(w.adrg_code, p.adrg_code) as {{ dbt.type_string() }})     as adrg_code,
    cast(w.rw as double)                                                    as rw,
    cast(w.rw_own as double)                                                as rw_own,
    cast(w.weight_basis as {{ dbt.type_string() }})                         as weight_basis,
    cast(w.is_low_volume as boolean)                                        as is_low_volume,
    cast(w.case_count as bigint)                                            as case_count,
    cast(w.mean_cost as double)                                             as mean_cost_amount,
    cast(w.cost_cv as double)                                               as cost_cv,
    cast(w.overall_mean_cost as double)                                     as overall_mean_cost_amount,
    cast(w.rescale_factor as double)                                        as rescale_factor,
    cast(coalesce(p.benchmark_case_count, 0) as bigint)                     as benchmark_case_count,
    cast(coalesce(p.trimmed_case_count, 0) as bigint)                       as trimmed_case_count,
    cast(p.benchmark_mean_cost as double)                                   as benchmark_mean_cost_amount,
    cast(p.benchmark_mean_los as double)                                    as benchmark_mean_los_days,
    cast(coalesce(p.benchmark_death_count, 0) as bigint)                    as benchmark_death_count,
    cast(coalesce(h.hospital_count, 0) as bigint)                           as benchmark_hospital_count,
    cast(case when h.hospital_count = 1 then h.first_hospital_id end as {{ dbt.type_string() }}) as benchmark_single_hospital_id
from weights as w
left join population as p
  on p.weight_version = w.weight_version and p.scheme_version = w.scheme_version and p.drg_code = w.drg_code
left join population_hospitals as h
  on h.weight_version = w.weight_version and h.scheme_version = w.scheme_version
