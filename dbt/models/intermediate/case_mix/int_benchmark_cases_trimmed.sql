{#- The benchmark population (基准人群) of every weight version, with per-DRG outlier trimming flagged.
    Grain: weight_version × scheme_version × discharge_id.

    Population: grouped cases of the version's scheme discharged in [benchmark_from, benchmark_to) with
    LOS <= los_exclusion_days and total cost (住院总费用) >= min_cost_amount (the grouper already excluded
    its own thresholds: a version can only be stricter). With a blend, only the 3 blend years
    (period_bucket 1 = newest … 3 = oldest); else period_bucket 0.
    cost_basis_amount: total_cost_amount by default, or a cost layer of fct_discharge_costs
    (cost_basis = <layer>, costing_method = top_down | ccr; needs var case_mix_cost_layers).
    Trimming per weight_version × scheme × DRG × period_bucket on cost_basis_amount, fences kept (inclusive):
      iqr         [Q1 − k·IQR, Q3 + k·IQR], k = iqr_k, quartiles by linear interpolation (type 7)
      log_sd      [exp(m − k·s), exp(m + k·s)], m / s = mean / sample SD of ln cost, k = sd_k
                  (one case: s is null, nothing trimmed)
      percentile  [P(p_low), P(p_high)], linear interpolation
      none        nothing trimmed
    is_kept: in the trimmed population (cost basis > 0 and inside the fences). RW is computed on kept cases;
    efficiency benchmarks and mortality use the whole population (every row here). -#}
{%- set with_layers = var('case_mix_cost_layers', false) %}

with versions as (
    select * from {{ ref('int_weight_versions_resolved') }}
),

cases as (
    select * from {{ ref('int_grouped_discharges_joined_to_costs') }}
),

selected as (
    select
        v.weight_version,
        v.scheme_version,
        c.discharge_id,
        c.hospital_id,
        c.discharge_date,
        c.mdc_code,
        c.adrg_code,
        c.drg_code,
        c.los_days,
        c.total_cost_amount,
        c.death_count,
        case v.cost_basis
            when 'total_cost_amount' then c.total_cost_amount
            {%- if with_layers %}{% for layer in case_mix_cost_layers() %}
            when '{{ layer }}' then case v.costing_method when 'ccr' then c.{{ layer }}__ccr else c.{{ layer }}__top_down end
            {%- endfor %}{% endif %}
        end                                                                     as cost_basis_amount,
        case
            when not v.is_blended then 0
            when c.discharge_date >= v.effective_from then null
            when c.discharge_date >= v.blend_year_1_from then 1
            when c.discharge_date >= v.blend_year_2_from then 2
            when c.discharge_date >= v.blend_year_3_from then 3
        end                                                                     as period_bucket,
        v.trimming, v.iqr_k, v.sd_k, v.p_low, v.p_high
    from versions as v
    join cases as c
      on c.scheme_version = v.scheme_version
     and c.discharge_date >= v.benchmark_from
     and c.discharge_date < v.benchmark_to
    where c.los_days <= v.los_exclusion_days
      and c.total_cost_amount >= v.min_cost_amount
),

in_buckets as (
    select * from selected where period_bucket is not null
),

-- Quantile fences need each case's rank in its DRG (a sort of every case): only for the versions that use
-- them (iqr, percentile). log_sd needs two moments (no sort); none needs nothing.
ranked as (
    select
        weight_version, scheme_version, drg_code, period_bucket, cost_basis_amount,
        trimming, iqr_k, p_low, p_high,
        row_number() over (partition by weight_version, scheme_version, drg_code, period_bucket
                           order by cost_basis_amount) - 1                      as pos,
        count(*) over (partition by weight_version, scheme_version, drg_code, period_bucket) as n
    from in_buckets
    where cost_basis_amount > 0 and trimming in ('iqr', 'percentile')
),

quantile_stats as (
    select
        weight_version, scheme_version, drg_code, period_bucket,
        max(trimming)                                                           as trimming,
        max(iqr_k)                                                              as iqr_k,
        {{ case_mix_quantile('cost_basis_amount', 'pos', 'n', '0.25') }}        as q1,
        {{ case_mix_quantile('cost_basis_amount', 'pos', 'n', '0.75') }}        as q3,
        {{ case_mix_quantile('cost_basis_amount', 'pos', 'n', 'p_low') }}       as q_low,
        {{ case_mix_quantile('cost_basis_amount', 'pos', 'n', 'p_high') }}      as q_high
    from ranked
    group by weight_version, scheme_version, drg_code, period_bucket
),

log_stats as (
    select
        weight_version, scheme_version, drg_code, period_bucket,
        max(sd_k)                                                               as sd_k,
        {{ exact_avg('ln(cost_basis_amount)') }}                                as ln_mean,
        {{ exact_stddev_samp('ln(cost_basis_amount)') }}                        as ln_sd
    from in_buckets
    where cost_basis_amount > 0 and trimming = 'log_sd'
    group by weight_version, scheme_version, drg_code, period_bucket
),

fences as (
    select
        weight_version, scheme_version, drg_code, period_bucket,
        case trimming when 'iqr' then q1 - iqr_k * (q3 - q1) when 'percentile' then q_low end as lower_fence,
        case trimming when 'iqr' then q3 + iqr_k * (q3 - q1) when 'percentile' then q_high end as upper_fence
    from quantile_stats
    union all
    select
        weight_version, scheme_version, drg_code, period_bucket,
        exp(ln_mean - sd_k * ln_sd)                                             as lower_fence,
        exp(ln_mean + sd_k * ln_sd)                                             as upper_fence
    from log_stats
)

select
    cast(s.weight_version as {{ dbt.type_string() }})   as weight_version,
    cast(s.scheme_version as {{ dbt.type_string() }})   as scheme_version,
    cast(s.discharge_id as {{ dbt.type_string() }})     as discharge_id,
    cast(s.hospital_id as {{ dbt.type_string() }})      as hospital_id,
    cast(s.discharge_date as date)                      as discharge_date,
    cast(s.mdc_code as {{ dbt.type_string() }})         as mdc_code,
    cast(s.adrg_code as {{ dbt.type_string() }})        as adrg_code,
    cast(s.drg_code as {{ dbt.type_string() }})         as drg_code,
    cast(s.period_bucket as integer)                    as period_bucket,
    cast(s.los_days as double)                          as los_days,
    cast(s.total_cost_amount as double)                 as total_cost_amount,
    cast(s.cost_basis_amount as double)                 as cost_basis_amount,
    cast(s.death_count as integer)                      as death_count,
    cast(f.lower_fence as double)                       as lower_fence,
    cast(f.upper_fence as double)                       as upper_fence,
    cast(coalesce(s.cost_basis_amount > 0
                  and (f.lower_fence is null or s.cost_basis_amount >= f.lower_fence)
                  and (f.upper_fence is null or s.cost_basis_amount <= f.upper_fence), false) as boolean) as is_kept
from in_buckets as s
left join fences as f
  on f.weight_version = s.weight_version
 and f.scheme_version = s.scheme_version
 and f.drg_code = s.drg_code
 and f.period_bucket = s.period_bucket
