{#- Active weight versions (seed weight_versions, the one config file) with every parameter defaulted and
    every range resolved. Grain: weight_version × scheme_version (scheme_version '*' in the seed = every
    scheme that has grouped cases). Ranges are [from, to).
      benchmark range: as given; else with a blend the 3 years before effective_from; else for an official
        table its effective range; else the loaded grouped cases of the scheme [first, last + 1 day).
      effective range: as given (effective_to empty = open); when both are empty, the benchmark range
        (a data-derived version covers its own benchmark period, so the demo always has weights).
      blend '1:2:7' = weights of the years (oldest : middle : newest) before effective_from; year k
        (k = 1 newest) is [effective_from − k years, effective_from − (k − 1) years). -#}

with versions as (
    select * from {{ ref('weight_versions') }}
    where cast(is_active as boolean)
),

scheme_ranges as (
    select scheme_version, min(discharge_date) as first_discharge_date, max(discharge_date) as last_discharge_date
    from {{ ref('int_grouped_discharges_joined_to_costs') }}
    group by scheme_version
),

expanded as (
    select
        v.*,
        case when v.scheme_version = '*' then r.scheme_version else v.scheme_version end as resolved_scheme_version,
        r.first_discharge_date,
        r.last_discharge_date,
        coalesce(trim(v.blend), 'none') not in ('none', '')                        as is_blended
    from versions as v
    left join scheme_ranges as r
      on v.scheme_version = '*' or r.scheme_version = v.scheme_version
),

ranged as (
    select
        e.*,
        coalesce(cast(e.benchmark_from as date),
                 case when e.is_blended then cast({{ dbt.dateadd('year', -3, 'cast(e.effective_from as date)') }} as date) end,
                 case when e.method = 'official' then cast(e.effective_from as date) end,
                 e.first_discharge_date)                                            as resolved_benchmark_from,
        coalesce(cast(e.benchmark_to as date),
                 case when e.is_blended then cast(e.effective_from as date) end,
                 case when e.method = 'official' then cast(e.effective_to as date) end,
                 cast({{ dbt.dateadd('day', 1, 'e.last_discharge_date') }} as date)) as resolved_benchmark_to
    from expanded as e
    where e.resolved_scheme_version is not null
)

select
    cast(weight_version as {{ dbt.type_string() }})                                as weight_version,
    cast(resolved_scheme_version as {{ dbt.type_string() }})                       as scheme_version,
    cast(method as {{ dbt.type_string() }})                                        as method,
    cast(coalesce(cast(effective_from as date), resolved_benchmark_from) as date)  as effective_from,
    cast(case when effective_from is null and effective_to is null then resolved_benchmark_to
              else cast(effective_to as date) end as date)                         as effective_to,
    cast(resolved_benchmark_from as date)                                          as benchmark_from,
    cast(resolved_benchmark_to as date)                                            as benchmark_to,
    cast(coalesce(nullif(trim(cost_basis), ''), 'total_cost_amount') as {{ dbt.type_string() }}) as cost_basis,
    cast(coalesce(nullif(trim(costing_method), ''), 'top_down') as {{ dbt.type_string() }})      as costing_method,
    cast(coalesce(nullif(trim(trimming), ''), 'none') as {{ dbt.type_string() }})                as trimming,
    cast(coalesce(iqr_k, 1.5) as double)                                           as iqr_k,
    cast(coalesce(sd_k, 3) as double)                                              as sd_k,
    cast(coalesce(p_low, 0.025) as double)                                         as p_low,
    cast(coalesce(p_high, 0.975) as double)                                        as p_high,
    cast(case when is_blended then trim(blend) else 'none' end as {{ dbt.type_string() }}) as blend,
    cast(is_blended as boolean)                                                    as is_blended,
    cast(case when is_blended then cast({{ dbt.split_part('blend', "':'", 1) }} as double) end as double) as blend_weight_oldest,
    cast(case when is_blended then cast({{ dbt.split_part('blend', "':'", 2) }} as double) end as double) as blend_weight_middle,
    cast(case when is_blended then cast({{ dbt.split_part('blend', "':'", 3) }} as double) end as double) as blend_weight_newest,
    cast(case when is_blended then {{ dbt.dateadd('year', -1, 'cast(effective_from as date)') }} end as date) as blend_year_1_from,
    cast(case when is_blended then {{ dbt.dateadd('year', -2, 'cast(effective_from as date)') }} end as date) as blend_year_2_from,
    cast(case when is_blended then {{ dbt.dateadd('year', -3, 'cast(effective_from as date)') }} end as date) as blend_year_3_from,
    cast(coalesce(min_cases, 0) as integer)                                        as min_cases,
    cast(coalesce(nullif(trim(fallback), ''), 'keep') as {{ dbt.type_string() }}) as fallback,
    cast(coalesce(cast(rescale as boolean), false) as boolean)                     as rescale,
    cast(coalesce(los_exclusion_days, {{ var('los_exclusion_days', 60) }}) as double) as los_exclusion_days,
    cast(coalesce(min_cost_amount, {{ var('min_cost_amount', 5) }}) as double)      as min_cost_amount,
    cast(notes as {{ dbt.type_string() }})                                         as notes
from ranged
