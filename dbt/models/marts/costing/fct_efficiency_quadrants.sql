{#- Efficiency quadrant (效率象限): time efficiency index (时间消耗指数) against cost efficiency index
    (费用消耗指数), per hospital and per department (出院科别) over all loaded months.
    The indices are not computed here: they are the case-mix measures of macro case_mix_measures
    (macros/case_mix/case_mix_measures.sql, the one home of their formula) from their parts (macro
    case_mix_measure_parts) aggregated over the discharge-grain fact fct_case_mix_discharges at this
    grain: each grouped case with an RW is set against the benchmark means of its DRG in the weight version in force on its discharge date (that
    version's benchmark population, before trimming: C_g = mean 住院总费用, L_g = mean LOS), with
    indicator parameter efficiency_method — mean_of_ratios (default) Σ_i (x_i / X_g(i)) / N, or
    ratio_of_sums Σ_i x_i / Σ_i X_g(i). When every case of a row was benchmarked on its own hospital's
    cases only (one hospital loaded), is_own_benchmark is true and efficiency_note says the index is 1 by
    construction over the benchmark period.
    Lines at 1 (≤ 1 counts as short / cheap): class short_cheap 低时间低费用 (both ≤ 1) |
    long_cheap (time > 1, cost ≤ 1) | short_costly (time ≤ 1, cost > 1) | long_costly (both > 1).
    case_count = the cases in the index (efficiency_case_count: grouped, with an RW and a benchmark mean).
    Grain: level × hospital_id × discharge_dept_code ('' at hospital level). -#}
with params as (
    {{ case_mix_parameters() }}
),
parts as (
    select 'hospital' as level, c.hospital_id, '' as discharge_dept_code,
        {{- case_mix_measure_parts() | indent(4) }}
    from {{ ref('fct_case_mix_discharges') }} as c
    group by c.hospital_id
    union all
    select 'department' as level, c.hospital_id, c.discharge_dept_code,
        {{- case_mix_measure_parts() | indent(4) }}
    from {{ ref('fct_case_mix_discharges') }} as c
    group by c.hospital_id, c.discharge_dept_code
),
units as (
    select s.level, s.hospital_id, s.discharge_dept_code,
        {{ case_mix_measures('s', none, 'p') | indent(8) }}
    from parts as s
    cross join params as p
)
select
    cast(level as {{ dbt.type_string() }})                as level,
    cast(hospital_id as {{ dbt.type_string() }})          as hospital_id,
    cast(discharge_dept_code as {{ dbt.type_string() }})  as discharge_dept_code,
    cast(efficiency_case_count as bigint)                 as case_count,
    cast(time_efficiency_index as double)                 as time_efficiency_index,
    cast(cost_efficiency_index as double)                 as cost_efficiency_index,
    cast(case when time_efficiency_index <= 1 and cost_efficiency_index <= 1 then 'short_cheap'
              when cost_efficiency_index <= 1 then 'long_cheap'
              when time_efficiency_index <= 1 then 'short_costly'
              else 'long_costly' end as {{ dbt.type_string() }}) as efficiency_class,
    cast(efficiency_method as {{ dbt.type_string() }})    as efficiency_method,
    cast(is_own_benchmark as boolean)                     as is_own_benchmark,
    cast(efficiency_note as {{ dbt.type_string() }})      as efficiency_note,
    cast('front-page charges and LOS (住院总费用, 实际住院天数); benchmark: the weight version''s benchmark population (基准人群)'
         as {{ dbt.type_string() }})                     as data_basis
from units
where efficiency_case_count > 0
