{#- The step-down (三级分摊) as cost flows, per cost item (成本项目) and fund source (资金来源), each amount
    carrying the class of the department where it was first booked (origin_class):
      step 0  direct cost (直接成本) from the ledger, on the department that booked it;
      step 1  行政后勤类 cost → clinical, medical-technical and auxiliary departments;
      step 2  医疗辅助类 cost (own + received in step 1) → clinical and medical-technical departments;
      step 3  医疗技术类 cost (own + received in steps 1–2) → clinical departments.
    Each class is allocated in full before the next, with no back-flow. A source with no usable driver
    rows in a month keeps its cost (see fct_department_costs_stepped_down.is_unallocated).
    Grain: hospital_id × cost_month × cost_center_code × cost_item × fund_source × origin_class × step ×
    from_cost_center_code. A view: read by int_costing_units_pooled (its clinical inpatient rows) and
    fct_department_costs_stepped_down (once, a CTE); computing it twice costs less than writing its 2.7M
    rows (1M-case benchmark, docs/costing.md, Speed). -#}
{{ config(materialized='view') }}
with departments as (
    select * from {{ ref('stg_costing__departments') }}
),
shares as (
    select * from {{ ref('int_allocation_shares_computed') }}
),
direct as (
    select
        l.hospital_id, l.cost_month, l.cost_center_code, l.cost_item, l.fund_source,
        d.dept_class as origin_class, 0 as step, l.cost_center_code as from_cost_center_code,
        cast(sum(l.amount) as decimal(18,2)) as amount
    from {{ ref('stg_costing__cost_ledger_entries') }} as l
    join departments as d on d.hospital_id = l.hospital_id and d.cost_center_code = l.cost_center_code
    group by l.hospital_id, l.cost_month, l.cost_center_code, l.cost_item, l.fund_source, d.dept_class
),
pool_1 as (
    select hospital_id, cost_month, cost_center_code, cost_item, fund_source, origin_class, amount
    from direct where origin_class = 'administrative'
),
step_1 as (
    {{ allocate_pool('pool_1', '(select * from shares where step = 1)', 1) }}
),
pool_2 as (
    select f.hospital_id, f.cost_month, f.cost_center_code, f.cost_item, f.fund_source, f.origin_class,
           cast(sum(f.amount) as decimal(18,2)) as amount
    from (select * from direct union all select * from step_1) as f
    join departments as d on d.hospital_id = f.hospital_id and d.cost_center_code = f.cost_center_code
    where d.dept_class = 'auxiliary'
    group by f.hospital_id, f.cost_month, f.cost_center_code, f.cost_item, f.fund_source, f.origin_class
),
step_2 as (
    {{ allocate_pool('pool_2', '(select * from shares where step = 2)', 2) }}
),
pool_3 as (
    select f.hospital_id, f.cost_month, f.cost_center_code, f.cost_item, f.fund_source, f.origin_class,
           cast(sum(f.amount) as decimal(18,2)) as amount
    from (select * from direct union all select * from step_1 union all select * from step_2) as f
    join departments as d on d.hospital_id = f.hospital_id and d.cost_center_code = f.cost_center_code
    where d.dept_class = 'medical_technical'
    group by f.hospital_id, f.cost_month, f.cost_center_code, f.cost_item, f.fund_source, f.origin_class
),
step_3 as (
    {{ allocate_pool('pool_3', '(select * from shares where step = 3)', 3) }}
),
flows as (
    select * from direct
    union all select * from step_1
    union all select * from step_2
    union all select * from step_3
)
select
    cast(f.hospital_id as {{ dbt.type_string() }})            as hospital_id,
    cast(f.cost_month as date)                                as cost_month,
    cast(f.cost_center_code as {{ dbt.type_string() }})       as cost_center_code,
    cast(d.dept_class as {{ dbt.type_string() }})             as dept_class,
    cast(d.care_setting as {{ dbt.type_string() }})           as care_setting,
    cast(f.cost_item as {{ dbt.type_string() }})              as cost_item,
    cast(f.fund_source as {{ dbt.type_string() }})            as fund_source,
    cast(coalesce(fs.value, 'unmapped') as {{ dbt.type_string() }}) as fund_scope,
    cast(f.origin_class as {{ dbt.type_string() }})           as origin_class,
    cast(f.step as integer)                                   as step,
    cast(f.from_cost_center_code as {{ dbt.type_string() }})  as from_cost_center_code,
    cast(src.service_kind as {{ dbt.type_string() }})         as from_service_kind,
    cast(f.amount as decimal(18,2))                           as amount
from flows as f
join departments as d on d.hospital_id = f.hospital_id and d.cost_center_code = f.cost_center_code
join departments as src on src.hospital_id = f.hospital_id and src.cost_center_code = f.from_cost_center_code
left join {{ ref('int_costing_parameters_by_month') }} as fs
  on fs.cost_month = f.cost_month and fs.parameter = 'fund_scope' and fs.key = f.fund_source
