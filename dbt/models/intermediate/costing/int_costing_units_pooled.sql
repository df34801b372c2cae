{#- Cost pools of the case-costing units, per clinical inpatient cost centre and month, after the step-down.
    Each amount enters the case layers at one point, by origin class and fund scope:
      direct_pool            origin 临床服务类, scope medical, minus the variable cost of the department's
                             cases (the pool is flagged when negative) — ward / all unit only;
      medical_business_pool  origin 医疗技术类 or 医疗辅助类, scope medical;
      full_pool              origin 行政后勤类, scope medical (→ 医疗成本);
      fiscal_pool            any origin, scope fiscal_project (→ 医疗全成本 of the 2021 rules);
      excluded_amount        scope excluded (科教) or unmapped: in no case layer.
    Units: costing_method top_down has one unit 'all' per department-month (spread by bed-days);
    costing_method ccr has a 'ward' unit (the department's own and steps 1–2 cost, spread by ward charges)
    and one unit per service kind of the medical-technical departments it received cost from in step 3
    (spread by the cases' charges of that kind). Grain: hospital_id × cost_month × cost_center_code ×
    costing_method × unit_kind. -#}
with flows as (
    select * from {{ ref('int_costs_allocated_to_departments') }}
    where dept_class = 'clinical' and care_setting = 'inpatient'
),
kinds as (
    select distinct cost_month, value as service_kind
    from {{ ref('int_costing_parameters_by_month') }}
    where parameter = 'ccr_service_kind'
),
classified as (
    select
        f.hospital_id, f.cost_month, f.cost_center_code,
        case when f.step = 3 and k.service_kind is not null then f.from_service_kind else 'ward' end as ccr_unit,
        case when f.fund_scope = 'fiscal_project' then 'fiscal'
             when f.fund_scope <> 'medical' then 'excluded'
             when f.origin_class = 'clinical' then 'direct'
             when f.origin_class = 'administrative' then 'full'
             else 'medical_business' end as component,
        f.amount
    from flows as f
    left join kinds as k
      on k.cost_month = f.cost_month and k.service_kind = f.from_service_kind and k.service_kind <> 'ward'
),
pooled_by_ccr_unit as (
    -- each flow once, by its CCR unit; the top-down unit 'all' of a department-month is the sum of its
    -- CCR units (exact: DECIMAL sums), so the flows are not read twice
    select hospital_id, cost_month, cost_center_code, ccr_unit as unit_kind,
        sum(case when component = 'direct' then amount else 0 end) as direct_amount,
        sum(case when component = 'medical_business' then amount else 0 end) as medical_business_amount,
        sum(case when component = 'full' then amount else 0 end) as full_amount,
        sum(case when component = 'fiscal' then amount else 0 end) as fiscal_amount,
        sum(case when component = 'excluded' then amount else 0 end) as excluded_amount
    from classified
    group by hospital_id, cost_month, cost_center_code, ccr_unit
),
pooled as (
    select hospital_id, cost_month, cost_center_code, 'top_down' as costing_method, 'all' as unit_kind,
           sum(direct_amount) as direct_amount, sum(medical_business_amount) as medical_business_amount,
           sum(full_amount) as full_amount, sum(fiscal_amount) as fiscal_amount,
           sum(excluded_amount) as excluded_amount
    from pooled_by_ccr_unit
    group by hospital_id, cost_month, cost_center_code
    union all
    select hospital_id, cost_month, cost_center_code, 'ccr', unit_kind, direct_amount,
           medical_business_amount, full_amount, fiscal_amount, excluded_amount
    from pooled_by_ccr_unit
),
variable as (
    select hospital_id, cost_month, cost_center_code,
           {{ exact_sum('variable_cost_amount') }} as variable_cost_amount, count(*) as case_count
    from {{ ref('int_discharges_prepared_for_costing') }}
    where cost_center_code is not null
    group by hospital_id, cost_month, cost_center_code
)
select
    cast(p.hospital_id as {{ dbt.type_string() }})        as hospital_id,
    cast(p.cost_month as date)                            as cost_month,
    cast(p.cost_center_code as {{ dbt.type_string() }})   as cost_center_code,
    cast(p.costing_method as {{ dbt.type_string() }})     as costing_method,
    cast(p.unit_kind as {{ dbt.type_string() }})          as unit_kind,
    cast(p.direct_amount as decimal(18,2))                as direct_cost_amount,
    cast(case when p.unit_kind in ('all', 'ward') then coalesce(v.variable_cost_amount, 0) else 0 end
         as double)                                       as cases_variable_cost_amount,
    cast(p.direct_amount - case when p.unit_kind in ('all', 'ward') then coalesce(v.variable_cost_amount, 0)
         else 0 end as double)                            as direct_pool_amount,
    cast(p.medical_business_amount as double)             as medical_business_pool_amount,
    cast(p.full_amount as double)                         as full_pool_amount,
    cast(p.fiscal_amount as double)                       as fiscal_pool_amount,
    cast(p.excluded_amount as decimal(18,2))              as excluded_amount,
    cast(coalesce(v.case_count, 0) as bigint)             as department_case_count,
    cast(p.unit_kind in ('all', 'ward') and p.direct_amount - coalesce(v.variable_cost_amount, 0) < 0
         as boolean)                                      as is_negative_pool
from pooled as p
left join variable as v
  on v.hospital_id = p.hospital_id and v.cost_month = p.cost_month and v.cost_center_code = p.cost_center_code
