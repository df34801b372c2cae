{#- DRG mortality risk levels (死亡风险分级, BJ-DRG / 国考 convention) on each weight version's benchmark
    population (every benchmark case, before cost trimming). Grain: weight_version × scheme_version × drg_code.
      m_g = deaths / cases; eligible when cases >= risk_min_cases (parameter)
      among eligible DRGs with deaths: x_g = ln(m_g), z_g = (x_g − mean x) / SD x (unweighted over DRGs,
      sample SD)
      level 1 低风险 z < −1 | 2 中低风险 −1 ≤ z < 0 | 3 中高风险 0 ≤ z < 1 | 4 高风险 z ≥ 1
      eligible DRGs without deaths: level zero_mortality_level (0 零风险 by default, outside the low-risk
      group; 1 = counted as low risk)
      not eligible, or fewer than 2 DRGs with deaths (no SD): no level (null). -#}

with params as (
    {{ case_mix_parameters() }}
),

drgs as (
    select weight_version, scheme_version, drg_code,
           count(*) as case_count, sum(death_count) as death_count
    from {{ ref('int_benchmark_cases_trimmed') }}
    group by weight_version, scheme_version, drg_code
),

rated as (
    select d.*, p.risk_min_cases, p.zero_mortality_level,
           d.case_count >= p.risk_min_cases                               as is_eligible,
           cast(d.death_count as double) / d.case_count                    as mortality_rate,
           case when d.case_count >= p.risk_min_cases and d.death_count > 0
                then ln(cast(d.death_count as double) / d.case_count) end   as ln_mortality
    from drgs as d
    cross join params as p
),

spread as (
    select weight_version, scheme_version,
           {{ exact_avg('ln_mortality') }} as ln_mean, {{ exact_stddev_samp('ln_mortality') }} as ln_sd, count(ln_mortality) as drgs_with_deaths
    from rated group by weight_version, scheme_version
),

graded as (
    select r.*, s.ln_mean, s.ln_sd, s.drgs_with_deaths,
           (r.ln_mortality - s.ln_mean) / nullif(s.ln_sd, 0) as z_score
    from rated as r
    join spread as s on s.weight_version = r.weight_version and s.scheme_version = r.scheme_version
),

leveled as (
    select g.*,
        case
            when not g.is_eligible then null
            when g.death_count = 0 then g.zero_mortality_level
            when g.z_score is null then null
            when g.z_score < -1 then 1
            when g.z_score < 0 then 2
            when g.z_score < 1 then 3
            else 4
        end as risk_level
    from graded as g
)

select
    cast(weight_version as {{ dbt.type_string() }})     as weight_version,
    cast(scheme_version as {{ dbt.type_string() }})     as scheme_version,
    cast(drg_code as {{ dbt.type_string() }})           as drg_code,
    cast(case_count as bigint)                          as case_count,
    cast(death_count as bigint)                         as death_count,
    cast(mortality_rate as double)                      as mortality_rate,
    cast(ln_mortality as double)                        as ln_mortality,
    cast(ln_mean as double)                             as ln_mortality_mean,
    cast(ln_sd as double)                               as ln_mortality_sd,
    cast(z_score as double)                             as z_score,
    cast(is_eligible as boolean)                        as is_eligible,
    cast(risk_level as integer)                         as risk_level,
    cast(case
        when risk_level = 0 then '零风险'
        when risk_level = 1 then '低风险'
        when risk_level = 2 then '中低风险'
        when risk_level = 3 then '中高风险'
        when risk_level = 4 then '高风险'
        when not is_eligible then '病例数不足'
        else '无法分级'
    end as {{ dbt.type_string() }})                     as risk_level_name
from leveled
