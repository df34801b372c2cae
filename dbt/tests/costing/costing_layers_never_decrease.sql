{#- variable ≤ direct ≤ medical business ≤ full ≤ full incl. fiscal, on every costed case whose department
    pool is not negative (a negative pool, flagged, can put direct below variable). -#}
select discharge_id, costing_method
from {{ ref('fct_discharge_costs') }}
where costing_status = 'costed' and not has_negative_pool
  and not (variable_cost_amount <= direct_cost_amount
       and direct_cost_amount <= medical_business_cost_amount
       and medical_business_cost_amount <= full_cost_amount
       and full_cost_amount <= full_cost_incl_fiscal_amount)
