{#- Invariant (both methods): a clinical department-month's case costs add up to its inpatient cost at every
    layer, within rounding (half a cent per case). Departments without cases are reported in
    fct_costing_units.has_no_cases instead. -#}
with dept as (
    select hospital_id, cost_month, cost_center_code, costing_method,
        sum(cases_variable_cost_amount) as variable_amount,
        sum(cases_variable_cost_amount + direct_pool_amount) as direct_amount,
        sum(cases_variable_cost_amount + direct_pool_amount + medical_business_pool_amount) as medical_business_amount,
        sum(cases_variable_cost_amount + direct_pool_amount + medical_business_pool_amount + full_pool_amount) as full_amount,
        sum(cases_variable_cost_amount + direct_pool_amount + medical_business_pool_amount + full_pool_amount
            + fiscal_pool_amount) as full_incl_fiscal_amount
    from {{ ref('fct_costing_units') }}
    group by hospital_id, cost_month, cost_center_code, costing_method
),
cases as (
    select hospital_id, cost_month, cost_center_code, costing_method, count(*) as case_count,
        sum(variable_cost_amount) as variable_amount, sum(direct_cost_amount) as direct_amount,
        sum(medical_business_cost_amount) as medical_business_amount, sum(full_cost_amount) as full_amount,
        sum(full_cost_incl_fiscal_amount) as full_incl_fiscal_amount
    from {{ ref('fct_discharge_costs') }}
    where costing_status = 'costed'
    group by hospital_id, cost_month, cost_center_code, costing_method
)
select d.*, c.case_count
from dept as d
join cases as c
  on c.hospital_id = d.hospital_id and c.cost_month = d.cost_month and c.cost_center_code = d.cost_center_code
 and c.costing_method = d.costing_method
where abs(c.variable_amount - d.variable_amount) > 0.01 * c.case_count
   or abs(c.direct_amount - d.direct_amount) > 0.01 * c.case_count
   or abs(c.medical_business_amount - d.medical_business_amount) > 0.01 * c.case_count
   or abs(c.full_amount - d.full_amount) > 0.01 * c.case_count
   or abs(c.full_incl_fiscal_amount - d.full_incl_fiscal_amount) > 0.01 * c.case_count
