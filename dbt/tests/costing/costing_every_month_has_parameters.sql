{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'int_costing_parameters_by_month'}}}) }}
-- Warn: months of the costing inputs or discharges that no costing parameter version covers (their costs
-- fall back to the models' defaults: no class driver, fund scope 'unmapped', variable CCR 0, …).
select cost_month
from {{ ref('int_costing_parameters_by_month') }}
where parameter_version is null
