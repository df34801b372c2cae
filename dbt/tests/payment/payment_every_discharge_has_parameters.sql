{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'fct_discharge_payments'}}}) }}
-- Warn: discharges whose discharge date no payment parameter version of the region covers (their
-- simulated payment is null, payment_status = 'no_parameters').
select discharge_id, discharge_date, region
from {{ ref('fct_discharge_payments') }}
where payment_status = 'no_parameters'
