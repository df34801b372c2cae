{#- Each discharge's share of each costing unit of its department-month (int_costing_units_pooled).
    Driver: top_down → bed-days (or 1 per case when top_down_driver = cases); ccr → the case's charges of
    the unit's service kind. A unit whose cases have no driver at all falls back to bed-days
    (used_fallback_driver). share sums to 1 over the unit's cases, so each unit's cost is absorbed in full.
    Grain: discharge_id × costing_method × unit_kind. -#}
with cases as (
    select discharge_id, hospital_id, cost_month, cost_center_code, bed_days
    from {{ ref('int_discharges_prepared_for_costing') }}
    where cost_center_code is not null
),
units as (
    select * from {{ ref('int_costing_units_pooled') }}
),
drv as (
    select {{ costing_param('top_down_driver', type='string') }} as top_down_driver
),
case_units as (
    select
        c.discharge_id, u.hospital_id, u.cost_month, u.cost_center_code, u.costing_method, u.unit_kind,
        c.bed_days,
        case when u.costing_method = 'top_down'
             then case when drv.top_down_driver = 'cases' then 1.0 else c.bed_days end
             else coalesce(cast(ch.charge_amount as double), 0) end as qty,
        u.direct_pool_amount, u.medical_business_pool_amount, u.full_pool_amount, u.fiscal_pool_amount
    from cases as c
    join units as u
      on u.hospital_id = c.hospital_id and u.cost_month = c.cost_month and u.cost_center_code = c.cost_center_code
    cross join drv
    left join {{ ref('int_discharge_charges_grouped_to_service_kinds') }} as ch
      on u.costing_method = 'ccr' and ch.discharge_id = c.discharge_id and ch.service_kind = u.unit_kind
),
totals as (
    select *,
        sum(qty) over (partition by hospital_id, cost_month, cost_center_code, costing_method, unit_kind) as unit_qty,
        sum(bed_days) over (partition by hospital_id, cost_month, cost_center_code, costing_method, unit_kind) as unit_bed_days
    from case_units
),
shared as (
    select *,
        case when unit_qty > 0 then qty / unit_qty else bed_days / unit_bed_days end as share
    from totals
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
    cast(unit_qty <= 0 as boolean)                      as used_fallback_driver,
    cast(direct_pool_amount * share as double)          as direct_share_amount,
    cast(medical_business_pool_amount * share as double) as medical_business_share_amount,
    cast(full_pool_amount * share as double)            as full_share_amount,
    cast(fiscal_pool_amount * share as double)          as fiscal_share_amount
from shared
