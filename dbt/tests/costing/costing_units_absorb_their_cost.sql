{#- Invariant (CCR: each service unit; top-down: each department-month): the unit's cases absorb its cost. -#}
select *
from {{ ref('fct_costing_units') }}
where case_count > 0 and abs(unabsorbed_amount) > 0.01
