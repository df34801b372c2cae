{#- Case-costing units with their pools and what their cases absorbed. Grain: hospital_id × cost_month ×
    cost_center_code × costing_method × unit_kind. unit_cost_amount = direct pool + medical-business +
    full + fiscal pools (for the ward/all unit net of the cases' variable cost); driver_quantity = Σ case
    drivers (bed-days for top_down, charges of the kind for ccr); cost_to_revenue_ratio = unit cost /
    charges (ccr units: the CCR 成本收入比). absorbed_amount = Σ case shares: equals unit_cost_amount
    within rounding whenever case_count > 0 (the CCR and top-down invariants). -#}
with u as (
    select * from {{ ref('int_costing_units_pooled') }}
),
a as (
    select hospital_id, cost_month, cost_center_code, costing_method, unit_kind,
        count(*) as case_count,
        {{ exact_sum('driver_quantity') }} as driver_quantity,
        {{ exact_sum('direct_share_amount + medical_business_share_amount + full_share_amount + fiscal_share_amount') }} as absorbed,
        max(case when used_fallback_driver then 1 else 0 end) as used_fallback_driver
    from {{ ref('int_discharge_costs_allocated_to_units') }}
    group by hospital_id, cost_month, cost_center_code, costing_method, unit_kind
)
select
    cast(u.hospital_id as {{ dbt.type_string() }})        as hospital_id,
    cast(u.cost_month as date)                            as cost_month,
    cast(u.cost_center_code as {{ dbt.type_string() }})   as cost_center_code,
    cast(u.costing_method as {{ dbt.type_string() }})     as costing_method,
    cast(u.unit_kind as {{ dbt.type_string() }})          as unit_kind,
    cast(u.direct_cost_amount as decimal(18,2))           as direct_cost_amount,
    {{ money('u.cases_variable_cost_amount') }}           as cases_variable_cost_amount,
    {{ money('u.direct_pool_amount') }}                   as direct_pool_amount,
    {{ money('u.medical_business_pool_amount') }}         as medical_business_pool_amount,
    {{ money('u.full_pool_amount') }}                     as full_pool_amount,
    {{ money('u.fiscal_pool_amount') }}                   as fiscal_pool_amount,
    cast(u.excluded_amount as decimal(18,2))              as excluded_amount,
    {{ money('u.direct_pool_amount + u.medical_business_pool_amount + u.full_pool_amount + u.fiscal_pool_amount') }} as unit_cost_amount,
    cast(coalesce(a.case_count, 0) as bigint)             as case_count,
    cast(a.driver_quantity as double)                     as driver_quantity,
    cast({{ safe_ratio('u.direct_pool_amount + u.medical_business_pool_amount + u.full_pool_amount + u.fiscal_pool_amount', 'a.driver_quantity') }} as double) as cost_to_revenue_ratio,
    {{ money('coalesce(a.absorbed, 0)') }}                as absorbed_amount,
    {{ money('u.direct_pool_amount + u.medical_business_pool_amount + u.full_pool_amount + u.fiscal_pool_amount - coalesce(a.absorbed, 0)') }} as unabsorbed_amount,
    cast(u.is_negative_pool as boolean)                   as is_negative_pool,
    cast(coalesce(a.used_fallback_driver, 0) = 1 as boolean) as used_fallback_driver,
    cast(coalesce(a.case_count, 0) = 0 as boolean)        as has_no_cases
from u
left join a
  on a.hospital_id = u.hospital_id and a.cost_month = u.cost_month and a.cost_center_code = u.cost_center_code
 and a.costing_method = u.costing_method and a.unit_kind = u.unit_kind
