{{ config(severity='warn') }}
{#- After step 3 only clinical departments hold cost; a non-clinical department keeping cost had no usable
    driver rows that month (its cost is still conserved, but no case carries it). -#}
select hospital_id, cost_month, cost_center_code, cost_item, fund_source, final_cost_amount
from {{ ref('fct_department_costs_stepped_down') }}
where is_unallocated
