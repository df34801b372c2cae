{#- Invariant: after the step-down, Σ final cost over all departments = Σ ledger, to the cent, per hospital,
    month, cost item and fund source. Rows returned = failures. -#}
with ledger as (
    select l.hospital_id, l.cost_month, l.cost_item, l.fund_source, sum(l.amount) as amount
    from {{ ref('stg_costing__cost_ledger_entries') }} as l
    join {{ ref('stg_costing__departments') }} as d
      on d.hospital_id = l.hospital_id and d.cost_center_code = l.cost_center_code
    group by l.hospital_id, l.cost_month, l.cost_item, l.fund_source
),
stepped as (
    select hospital_id, cost_month, cost_item, fund_source, sum(final_cost_amount) as amount
    from {{ ref('fct_department_costs_stepped_down') }}
    group by hospital_id, cost_month, cost_item, fund_source
)
select l.*, s.amount as stepped_amount
from ledger as l
left join stepped as s
  on s.hospital_id = l.hospital_id and s.cost_month = l.cost_month and s.cost_item = l.cost_item
 and s.fund_source = l.fund_source
where s.amount is null or s.amount <> l.amount
