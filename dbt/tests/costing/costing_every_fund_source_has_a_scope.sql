{{ config(meta={'dagster': {'ref': {'name': 'int_costing_parameters_by_month'}}}) }}
-- Every fund source (资金来源) of the cost ledger, in every month, maps to a fund scope the step-down knows
-- (medical / fiscal_project / excluded) through the month's costing parameters. The step-down's flows
-- (int_costs_allocated_to_departments) carry the ledger's fund sources unchanged, so this is the
-- accepted-values test of their fund_scope, run on the ledger's few distinct (month, fund source) pairs
-- instead of on the view's 2.7 M flows a million cases (which it would compute again).
select l.cost_month, l.fund_source, coalesce(fs.value, 'unmapped') as fund_scope
from (
    select distinct cost_month, fund_source from {{ ref('stg_costing__cost_ledger_entries') }}
) as l
left join {{ ref('int_costing_parameters_by_month') }} as fs
    on fs.cost_month = l.cost_month and fs.parameter = 'fund_scope' and fs.key = l.fund_source
where coalesce(fs.value, 'unmapped') not in ('medical', 'fiscal_project', 'excluded')
