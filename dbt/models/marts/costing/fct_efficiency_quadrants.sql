{#- Efficiency quadrant (效率象限): time efficiency index (时间消耗指数) against cost efficiency index
    (费用消耗指数), per hospital and per department over all loaded months, benchmark = all loaded
    hospitals. For unit u: k_g = u's mean (LOS | charge) in DRG g / benchmark mean in g;
    index = Σ_g k_g × n_g / Σ_g n_g. Lines at 1: class short_cheap 低时间低费用 (both ≤ 1) |
    long_cheap (time > 1, cost ≤ 1) | short_costly (time ≤ 1, cost > 1) | long_costly (both > 1).
    Grouped cases with a DRG. Grain: level × hospital_id × discharge_dept_code ('' at hospital level). -#}
with cases as (
    select g.hospital_id, c.discharge_dept_code, g.scheme_version, g.drg_code,
           cast(c.los_days as double) as los_days, cast(c.total_cost_amount as double) as charge
    from {{ ref('int_discharges_prepared_for_costing') }} as c
    join {{ ref('fct_discharge_groupings') }} as g on g.discharge_id = c.discharge_id
    where g.grouping_status = 'grouped' and g.drg_code is not null
),
bench as (
    select scheme_version, drg_code, avg(los_days) as bench_los, avg(charge) as bench_charge
    from cases group by scheme_version, drg_code
),
unit_drg as (
    select 'hospital' as level, hospital_id, '' as discharge_dept_code, scheme_version, drg_code,
           count(*) as n, avg(los_days) as los, avg(charge) as charge
    from cases group by hospital_id, scheme_version, drg_code
    union all
    select 'department', hospital_id, discharge_dept_code, scheme_version, drg_code,
           count(*), avg(los_days), avg(charge)
    from cases group by hospital_id, discharge_dept_code, scheme_version, drg_code
),
idx as (
    select u.level, u.hospital_id, u.discharge_dept_code,
           sum(u.n) as case_count,
           sum(u.los / nullif(b.bench_los, 0) * u.n) / sum(case when b.bench_los > 0 then u.n end) as time_efficiency_index,
           sum(u.charge / nullif(b.bench_charge, 0) * u.n) / sum(case when b.bench_charge > 0 then u.n end) as cost_efficiency_index
    from unit_drg as u
    join bench as b on b.scheme_version = u.scheme_version and b.drg_code = u.drg_code
    group by u.level, u.hospital_id, u.discharge_dept_code
)
select
    cast(level as {{ dbt.type_string() }})                as level,
    cast(hospital_id as {{ dbt.type_string() }})          as hospital_id,
    cast(discharge_dept_code as {{ dbt.type_string() }})  as discharge_dept_code,
    cast(case_count as bigint)                            as case_count,
    cast(time_efficiency_index as double)                 as time_efficiency_index,
    cast(cost_efficiency_index as double)                 as cost_efficiency_index,
    cast(case when time_efficiency_index <= 1 and cost_efficiency_index <= 1 then 'short_cheap'
              when cost_efficiency_index <= 1 then 'long_cheap'
              when time_efficiency_index <= 1 then 'short_costly'
              else 'long_costly' end as {{ dbt.type_string() }}) as efficiency_class,
    cast('front-page charges and LOS (住院总费用, 实际住院天数); benchmark all loaded hospitals'
         as {{ dbt.type_string() }})                     as data_basis
from idx
