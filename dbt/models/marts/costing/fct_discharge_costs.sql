{#- Case cost layers (病例成本) of every discharge under both costing methods. Grain: discharge_id ×
    costing_method (top_down 自上而下法 | ccr 成本收入比法). Layers, each including the one before:
      variable_cost_amount          变动成本  drugs + materials (+ blood products when configured)
      direct_cost_amount            直接成本  + the department's direct-cost pool share
      medical_business_cost_amount  医疗业务成本  + cost that originated in 医疗技术类 / 医疗辅助类 departments
      full_cost_amount              医疗成本 (the project's "full cost")  + cost that originated in 行政后勤类
      full_cost_incl_fiscal_amount  医疗全成本 (2021 rules)  + cost funded by fiscal projects (财政项目)
    Cost funded by 科教经费 is in none of them. costing_status: costed | unmapped_department (出院科别 not
    in dept_mapping) | no_ledger (no step-down cost for the department-month): those keep only the
    variable layer. Simulated from the front page. -#}
with cases as (
    select * from {{ ref('int_discharges_prepared_for_costing') }}
),
methods as (
    select 'top_down' as costing_method union all select 'ccr'
),
shares as (
    select discharge_id, costing_method,
        {{ exact_sum('direct_share_amount') }} as direct_share,
        {{ exact_sum('medical_business_share_amount') }} as medical_business_share,
        {{ exact_sum('full_share_amount') }} as full_share,
        {{ exact_sum('fiscal_share_amount') }} as fiscal_share,
        max(case when used_fallback_driver then 1 else 0 end) as used_fallback_driver
    from {{ ref('int_discharge_costs_allocated_to_units') }}
    group by discharge_id, costing_method
),
flags as (
    select hospital_id, cost_month, cost_center_code,
           max(case when is_negative_pool then 1 else 0 end) as is_negative_pool
    from {{ ref('int_costing_units_pooled') }}
    group by hospital_id, cost_month, cost_center_code
),
joined as (
    select
        c.*, m.costing_method,
        s.direct_share, s.medical_business_share, s.full_share, s.fiscal_share, s.used_fallback_driver,
        f.is_negative_pool,
        case when c.cost_center_code is null then 'unmapped_department'
             when s.discharge_id is null then 'no_ledger'
             else 'costed' end as costing_status
    from cases as c
    cross join methods as m
    left join shares as s on s.discharge_id = c.discharge_id and s.costing_method = m.costing_method
    left join flags as f
      on f.hospital_id = c.hospital_id and f.cost_month = c.cost_month and f.cost_center_code = c.cost_center_code
)
select
    cast(discharge_id as {{ dbt.type_string() }})         as discharge_id,
    cast(costing_method as {{ dbt.type_string() }})       as costing_method,
    cast(patient_id as {{ dbt.type_string() }})           as patient_id,
    cast(hospital_id as {{ dbt.type_string() }})          as hospital_id,
    cast(cost_month as date)                              as cost_month,
    cast(discharge_dept_code as {{ dbt.type_string() }})  as discharge_dept_code,
    cast(cost_center_code as {{ dbt.type_string() }})     as cost_center_code,
    cast(attending_doctor as {{ dbt.type_string() }})     as attending_doctor,
    cast(admission_date as date)                          as admission_date,
    cast(discharge_date as date)                          as discharge_date,
    cast(bed_days as double)                              as bed_days,
    cast(total_cost_amount as decimal(18,2))              as item_revenue_amount,
    {{ money('variable_cost_amount') }}                   as variable_cost_amount,
    {{ money("case when costing_status = 'costed' then variable_cost_amount + direct_share end") }} as direct_cost_amount,
    {{ money("case when costing_status = 'costed' then variable_cost_amount + direct_share + medical_business_share end") }} as medical_business_cost_amount,
    {{ money("case when costing_status = 'costed' then variable_cost_amount + direct_share + medical_business_share + full_share end") }} as full_cost_amount,
    {{ money("case when costing_status = 'costed' then variable_cost_amount + direct_share + medical_business_share + full_share + fiscal_share end") }} as full_cost_incl_fiscal_amount,
    cast(costing_status as {{ dbt.type_string() }})       as costing_status,
    cast(coalesce(is_negative_pool, 0) = 1 as boolean)    as has_negative_pool,
    cast(coalesce(used_fallback_driver, 0) = 1 as boolean) as used_fallback_driver,
    cast('simulated from the front page' as {{ dbt.type_string() }}) as data_basis
from joined
