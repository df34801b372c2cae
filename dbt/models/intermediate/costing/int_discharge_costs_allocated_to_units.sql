{#- Each discharge's share of each costing unit of its department-month (int_costing_units_pooled).
    Driver: top_down → bed-days (or 1 per case when top_down_driver = cases); ccr → the case's charges of
    the unit's service kind. A unit whose cases have no driver at all falls back to bed-days
    (used_fallback_driver). Cases with no driver in a unit that has drivers get no row (share 0). share sums to 1 over the unit's cases, so each unit's cost is absorbed in full.
    Grain: discharge_id × costing_method × unit_kind.
    A view: its two readers (fct_discharge_costs by discharge, fct_costing_units by unit) each aggregate it
    once, and computing its 4.6M rows (1M cases) twice costs less than writing them (docs/costing.md, Speed). -#}
{{ config(materialized='view') }}
with cases as (
    select discharge_id, hospital_id, cost_month, cost_center_code, bed_days
    from {{ ref('int_discharges_prepared_for_costing') }}
    where cost_center_code is not null
),
units as (
    select * from {{ ref('int_costing_units_pooled') }}
),
drv as (
    -- top-down driver of the costing parameter version in force in each month
    select cost_month, max(case when parameter = 'top_down_driver' then value end) as top_down_driver
    from {{ ref('int_costing_parameters_by_month') }}
    group by cost_month
),
dept_totals as (
    select hospital_id, cost_month, cost_center_code, {{ exact_sum('bed_days') }} as bed_days, count(*) as cases
    from cases group by hospital_id, cost_month, cost_center_code
),
charges as (
    -- the charges of the discharges with a cost centre (as cases), keyed by their unit
    select discharge_id, hospital_id, cost_month, cost_center_code, service_kind,
           cast(charge_amount as double) as charge
    from {{ ref('int_discharge_charges_grouped_to_service_kinds') }}
    where cost_center_code is not null
),
kind_totals as (
    select hospital_id, cost_month, cost_center_code, service_kind, {{ exact_sum('charge') }} as charge
    from charges group by hospital_id, cost_month, cost_center_code, service_kind
),
ccr_units as (
    select u.*, k.charge as unit_charge
    from units as u
    left join kind_totals as k
      on k.hospital_id = u.hospital_id and k.cost_month = u.cost_month
     and k.cost_center_code = u.cost_center_code and k.service_kind = u.unit_kind
    where u.costing_method = 'ccr'
),
shared as (
    -- top-down: one unit per department-month, bed-days (or cases)
    select c.discharge_id, u.hospital_id, u.cost_month, u.cost_center_code, u.costing_method, u.unit_kind,
           case when drv.top_down_driver = 'cases' then 1.0 else c.bed_days end as qty,
           case when drv.top_down_driver = 'cases' then 1.0 / t.cases else c.bed_days / t.bed_days end as share,
           false as used_fallback_driver,
           u.direct_pool_amount, u.medical_business_pool_amount, u.full_pool_amount, u.fiscal_pool_amount
    from cases as c
    join units as u
      on u.hospital_id = c.hospital_id and u.cost_month = c.cost_month and u.cost_center_code = c.cost_center_code
    join dept_totals as t
      on t.hospital_id = c.hospital_id and t.cost_month = c.cost_month and t.cost_center_code = c.cost_center_code
    left join drv on drv.cost_month = u.cost_month
    where u.costing_method = 'top_down'
    union all
    -- CCR: the case's charges of the unit's service kind / all the unit's charges
    select ch.discharge_id, u.hospital_id, u.cost_month, u.cost_center_code, u.costing_method, u.unit_kind,
           ch.charge, ch.charge / u.unit_charge, false,
           u.direct_pool_amount, u.medical_business_pool_amount, u.full_pool_amount, u.fiscal_pool_amount
    from charges as ch
    join ccr_units as u
      on u.hospital_id = ch.hospital_id and u.cost_month = ch.cost_month
     and u.cost_center_code = ch.cost_center_code and u.unit_kind = ch.service_kind
    union all
    -- CCR unit whose cases have no charge of its kind: bed-days
    select c.discharge_id, u.hospital_id, u.cost_month, u.cost_center_code, u.costing_method, u.unit_kind,
           0.0, c.bed_days / u.dept_bed_days, true,
           u.direct_pool_amount, u.medical_business_pool_amount, u.full_pool_amount, u.fiscal_pool_amount
    from (select u.*, t.bed_days as dept_bed_days
          from ccr_units as u
          join dept_totals as t
            on t.hospital_id = u.hospital_id and t.cost_month = u.cost_month and t.cost_center_code = u.cost_center_code
          where coalesce(u.unit_charge, 0) <= 0) as u
    join cases as c
      on c.hospital_id = u.hospital_id and c.cost_month = u.cost_month and c.cost_center_code = u.cost_center_code
)
select
    cast(discharge_id as {{ dbt.type_string() }})       as discharge_id,
    cast(hospital_id as {{ dbt.type_string() }})        as hospital_id,
    cast(cost_month as date)                            as cost_month,
    cast(cost_center_code as {{ dbt.type_string() }})   as cost_center_code,
    cast(costing_method as {{ dbt.type_string() }})     as costing_method,
    cast(unit_kind as {{ dbt.type_string() }})          as unit_kind,
    cast(qty as double)                                 as driver_quantity,
    cast(share as double)                               as share,
    cast(used_fallback_driver as boolean)               as used_fallback_driver,
    cast(direct_pool_amount * share as double)          as direct_share_amount,
    cast(medical_business_pool_amount * share as double) as medical_business_share_amount,
    cast(full_pool_amount * share as double)            as full_share_amount,
    cast(fiscal_pool_amount * share as double)          as fiscal_share_amount
from shared
