{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'fct_department_revenue_reconciliation'}}}) }}
-- Warn: ward-months whose front-page charges are not within revenue_reconciliation_tolerance of the
-- ledger's inpatient revenue (dept_revenue), or where one side is missing.
select hospital_id, cost_month, cost_center_code, reconciliation_status, ledger_inpatient_revenue_amount,
       front_page_revenue_amount, difference_amount
from {{ ref('fct_department_revenue_reconciliation') }}
where reconciliation_status in ('differs', 'no_ledger_revenue', 'no_front_page_cases')
