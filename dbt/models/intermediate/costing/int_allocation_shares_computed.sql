{#- Shares of each non-clinical source cost centre's cost going to each target, per month and step.
    step 1 行政后勤类 → clinical + medical_technical + auxiliary; step 2 医疗辅助类 → clinical +
    medical_technical; step 3 医疗技术类 → clinical. The driver is the department's own
    allocation_driver, else the class default (costing_parameters driver_default of the version in force
    in the month, int_costing_parameters_by_month). Driver rows naming the
    source (e.g. service volume of 消毒供应 to each ward) win over rows without a source (headcount, area).
    Driver revenue_share (收入比重): each target's medical revenue of the month (dept_revenue, inpatient +
    outpatient), unless allocation_drivers holds rows without a source for revenue_share in that
    hospital-month (they win); driver_source says where the quantities came from.
    Grain: hospital_id × cost_month × source_cost_center_code × target_cost_center_code. -#}
with departments as (
    select * from {{ ref('stg_costing__departments') }}
),
defaults as (
    -- class default drivers of the costing parameter version in force in each month
    select cost_month, key as dept_class, value as driver
    from {{ ref('int_costing_parameters_by_month') }}
    where parameter = 'driver_default'
),
ledger_drivers as (
    select * from {{ ref('stg_costing__allocation_drivers') }}
),
drivers as (
    select hospital_id, cost_month, driver, source_cost_center_code, target_cost_center_code, quantity,
           'allocation_drivers' as driver_source
    from ledger_drivers
    union all
    select r.hospital_id, r.revenue_month, 'revenue_share', null, r.cost_center_code, sum(r.amount),
           'dept_revenue'
    from {{ ref('stg_costing__dept_revenues') }} as r
    where not exists (
        select 1 from ledger_drivers as a
        where a.hospital_id = r.hospital_id and a.cost_month = r.revenue_month
          and a.driver = 'revenue_share' and a.source_cost_center_code is null)
    group by r.hospital_id, r.revenue_month, r.cost_center_code
),
driver_months as (
    select distinct hospital_id, cost_month from drivers
),
sources as (
    select
        d.hospital_id, m.cost_month, d.cost_center_code as source_cost_center_code, d.dept_class,
        coalesce(d.allocation_driver, f.driver) as driver,
        case d.dept_class when 'administrative' then 1 when 'auxiliary' then 2 else 3 end as step
    from departments as d
    join driver_months as m on m.hospital_id = d.hospital_id
    left join defaults as f on f.cost_month = m.cost_month and f.dept_class = d.dept_class
    where d.dept_class in ('administrative', 'auxiliary', 'medical_technical')
),
specific as (
    select s.hospital_id, r.cost_month, s.source_cost_center_code, s.step, s.driver,
           r.target_cost_center_code, r.quantity, r.driver_source
    from sources as s
    join drivers as r
      on r.hospital_id = s.hospital_id and r.cost_month = s.cost_month and r.driver = s.driver
     and r.source_cost_center_code = s.source_cost_center_code
),
specific_keys as (
    select distinct hospital_id, cost_month, source_cost_center_code from specific
),
general as (
    select s.hospital_id, r.cost_month, s.source_cost_center_code, s.step, s.driver,
           r.target_cost_center_code, r.quantity, r.driver_source
    from sources as s
    join drivers as r
      on r.hospital_id = s.hospital_id and r.cost_month = s.cost_month and r.driver = s.driver
     and r.source_cost_center_code is null
    where not exists (
        select 1 from specific_keys as k
        where k.hospital_id = s.hospital_id and k.cost_month = r.cost_month
          and k.source_cost_center_code = s.source_cost_center_code)
),
candidates as (
    select c.*
    from (select * from specific union all select * from general) as c
    join departments as t
      on t.hospital_id = c.hospital_id and t.cost_center_code = c.target_cost_center_code
    where c.quantity > 0
      and c.target_cost_center_code <> c.source_cost_center_code
      and ((c.step = 1 and t.dept_class in ('clinical', 'medical_technical', 'auxiliary'))
        or (c.step = 2 and t.dept_class in ('clinical', 'medical_technical'))
        or (c.step = 3 and t.dept_class = 'clinical'))
)
select
    cast(hospital_id as {{ dbt.type_string() }})                as hospital_id,
    cast(cost_month as date)                                    as cost_month,
    cast(step as integer)                                       as step,
    cast(source_cost_center_code as {{ dbt.type_string() }})    as source_cost_center_code,
    cast(target_cost_center_code as {{ dbt.type_string() }})    as target_cost_center_code,
    cast(driver as {{ dbt.type_string() }})                     as driver,
    cast(driver_source as {{ dbt.type_string() }})              as driver_source,
    cast(quantity as double)                                    as quantity,
    cast(quantity / {{ exact_sum_over('quantity', 'partition by hospital_id, cost_month, source_cost_center_code') }}
         as double) as share,
    cast(row_number() over (
        partition by hospital_id, cost_month, source_cost_center_code
        order by quantity desc, target_cost_center_code) as integer)       as share_rank
from candidates
