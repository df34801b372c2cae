{#- Simulated DRG payment (DRG 付费模拟) of every discharge under the regional rules of payment_parameters
    (region/version selected by vars payment_region / payment_parameter_version; thresholds are regional
    and illustrative). Grain: discharge_id.
    payment_case_class: normal 正常 | high 高倍率 (charge > high_multiple × DRG mean; multiple tiered by RW) |
      low 低倍率 (charge < low_multiple × DRG mean) | qy 歧义组 | ungrouped 未入组/排除/无权重.
    base_points = RW × base_points_per_rw; case_points: normal base × coefficient; high base × coefficient
      + base × (charge / mean − multiple); low base × charge / mean; qy / ungrouped per item: charge ×
      item_payment_ratio converted to points at the regional mean charge (point system) or paid as
      charge × item_payment_ratio (rate system). A same-DRG readmission of the patient within
      readmission_window_days of discharge multiplies the earlier case's points by readmission_factor.
    Point system: payment = points × point value (fixed, or fund budget / Σ points of all loaded hospitals);
    rate system: payment = points / base_points_per_rw × rate. Charges are 住院总费用 (item revenue).
    Labelled simulated from the front page (payment groups on the settlement list). -#}
with cases as (
    select discharge_id, patient_id, hospital_id, cost_month, discharge_dept_code, attending_doctor,
           admission_date, discharge_date, cast(total_cost_amount as double) as charge
    from {{ ref('int_discharges_prepared_for_costing') }}
),
params as (
    select
        {{ payment_param('payment_system', type='string') }}           as payment_system,
        {{ payment_param('base_points_per_rw') }}                      as base_points_per_rw,
        {{ payment_param('point_value_mode', type='string') }}         as point_value_mode,
        {{ payment_param('point_value') }}                             as point_value_fixed,
        {{ payment_param('fund_budget_amount') }}                      as fund_budget_amount,
        {{ payment_param('rate_amount') }}                             as rate_amount,
        {{ payment_param('hospital_coefficient_mode', type='string') }} as hospital_coefficient_mode,
        {{ payment_param('hospital_coefficient') }}                    as hospital_coefficient_fixed,
        {{ payment_param('low_multiple') }}                            as low_multiple,
        {{ payment_param('readmission_window_days') }}                 as readmission_window_days,
        {{ payment_param('readmission_factor') }}                      as readmission_factor,
        {{ payment_param('item_payment_ratio') }}                      as item_payment_ratio
),
meta as (
    select min(region) as region, min(version) as parameter_version,
           min(effective_from) as effective_from, max(effective_to) as effective_to
    from {{ ref('payment_parameters') }}
    where region = {{ payment_region() }} and version = {{ payment_parameter_version() }}
),
tiers as (
    select cast(key as double) as rw_upper_bound, cast(value as double) as high_multiple
    from {{ ref('payment_parameters') }}
    where region = {{ payment_region() }} and version = {{ payment_parameter_version() }}
      and parameter = 'high_multiple'
),
base as (
    select c.*, g.scheme_version, g.drg_code, coalesce(g.grouping_status, 'ungrouped') as grouping_status,
           w.rw, w.weight_version,
           (g.grouping_status = 'grouped' and w.rw is not null and g.drg_code is not null) as is_drg_paid
    from cases as c
    left join {{ ref('fct_discharge_groupings') }} as g on g.discharge_id = c.discharge_id
    left join {{ ref('int_discharge_weights_selected') }} as w on w.discharge_id = c.discharge_id
),
drg_means as (
    select scheme_version, drg_code, avg(charge) as drg_mean_charge
    from base where is_drg_paid group by scheme_version, drg_code
),
hospital_drg_means as (
    select hospital_id, scheme_version, drg_code, avg(charge) as hospital_drg_mean_charge
    from base where is_drg_paid group by hospital_id, scheme_version, drg_code
),
stats as (
    select b.*, m.drg_mean_charge, h.hospital_drg_mean_charge,
           (select avg(charge) from cases) as regional_mean_charge
    from base as b
    left join drg_means as m
      on m.scheme_version = b.scheme_version and m.drg_code = b.drg_code
    left join hospital_drg_means as h
      on h.hospital_id = b.hospital_id and h.scheme_version = b.scheme_version
     and h.drg_code = b.drg_code
),
tiered as (
    select s.discharge_id, min(t.rw_upper_bound) as rw_upper_bound
    from stats as s
    join tiers as t on s.rw <= t.rw_upper_bound
    where s.is_drg_paid
    group by s.discharge_id
),
classified as (
    select s.*, t.high_multiple, p.*,
        case when s.grouping_status = 'qy' then 'qy'
             when not coalesce(s.is_drg_paid, false) then 'ungrouped'
             when s.charge > t.high_multiple * s.drg_mean_charge then 'high'
             when s.charge < p.low_multiple * s.drg_mean_charge then 'low'
             else 'normal' end as payment_case_class,
        case when p.hospital_coefficient_mode = 'ratio'
             then s.hospital_drg_mean_charge / nullif(s.drg_mean_charge, 0)
             else p.hospital_coefficient_fixed end as hospital_coefficient,
        lead(s.admission_date) over (partition by s.patient_id, s.scheme_version, s.drg_code
                                     order by s.admission_date, s.discharge_id) as next_same_drg_admission_date
    from stats as s
    left join (select x.discharge_id, y.high_multiple from tiered as x
               join tiers as y on y.rw_upper_bound = x.rw_upper_bound) as t on t.discharge_id = s.discharge_id
    cross join params as p
),
pointed as (
    select *,
        rw * base_points_per_rw as base_points,
        (payment_case_class in ('normal', 'high', 'low')
         and next_same_drg_admission_date is not null
         and {{ dbt.datediff('discharge_date', 'next_same_drg_admission_date', 'day') }} between 0 and readmission_window_days) as is_readmission_reduced
    from classified
),
points as (
    select *,
        case payment_case_class
            when 'normal' then base_points * hospital_coefficient
            when 'high' then base_points * hospital_coefficient + base_points * (charge / drg_mean_charge - high_multiple)
            when 'low' then base_points * charge / drg_mean_charge
            else charge * item_payment_ratio / nullif(regional_mean_charge, 0) * base_points_per_rw
        end * case when is_readmission_reduced then readmission_factor else 1 end as case_points
    from pointed
),
valued as (
    select *,
        case when point_value_mode = 'budget' then fund_budget_amount / nullif(sum(case_points) over (), 0)
             else point_value_fixed end as point_value
    from points
)
select
    cast(v.discharge_id as {{ dbt.type_string() }})           as discharge_id,
    cast(v.hospital_id as {{ dbt.type_string() }})            as hospital_id,
    cast(v.cost_month as date)                                as cost_month,
    cast(v.discharge_dept_code as {{ dbt.type_string() }})    as discharge_dept_code,
    cast(v.attending_doctor as {{ dbt.type_string() }})       as attending_doctor,
    cast(v.scheme_version as {{ dbt.type_string() }})         as scheme_version,
    cast(v.drg_code as {{ dbt.type_string() }})               as drg_code,
    cast(v.grouping_status as {{ dbt.type_string() }})        as grouping_status,
    cast(v.weight_version as {{ dbt.type_string() }})         as weight_version,
    cast(v.rw as double)                                      as rw,
    cast(v.payment_case_class as {{ dbt.type_string() }})     as payment_case_class,
    {{ money('v.drg_mean_charge') }}                          as drg_mean_charge_amount,
    {{ money('v.regional_mean_charge') }}                     as regional_mean_charge_amount,
    cast(v.high_multiple as double)                           as high_multiple,
    cast(v.low_multiple as double)                            as low_multiple,
    cast(case when v.payment_case_class in ('normal', 'high', 'low') then v.hospital_coefficient end as double) as hospital_coefficient,
    cast(v.base_points as double)                             as base_points,
    cast(coalesce(v.is_readmission_reduced, false) as boolean) as is_readmission_reduced,
    cast(v.case_points as double)                             as case_points,
    cast(v.payment_system as {{ dbt.type_string() }})         as payment_system,
    cast(v.point_value as double)                             as point_value,
    {{ money("case when v.payment_system = 'rate'
                   then case when v.payment_case_class in ('normal', 'high', 'low')
                             then v.case_points / v.base_points_per_rw * v.rate_amount
                             else v.charge * v.item_payment_ratio end
                   else v.case_points * v.point_value end") }}  as simulated_payment_amount,
    {{ money('v.charge') }}                                   as item_revenue_amount,
    f.full_cost_amount                                        as full_cost_amount,
    {{ money("case when v.payment_system = 'rate'
                   then case when v.payment_case_class in ('normal', 'high', 'low')
                             then v.case_points / v.base_points_per_rw * v.rate_amount
                             else v.charge * v.item_payment_ratio end
                   else v.case_points * v.point_value end - v.charge") }} as payment_minus_item_revenue_amount,
    {{ money("case when v.payment_system = 'rate'
                   then case when v.payment_case_class in ('normal', 'high', 'low')
                             then v.case_points / v.base_points_per_rw * v.rate_amount
                             else v.charge * v.item_payment_ratio end
                   else v.case_points * v.point_value end - f.full_cost_amount") }} as payment_minus_full_cost_amount,
    cast(f.costing_method as {{ dbt.type_string() }})         as costing_method,
    cast(m.region as {{ dbt.type_string() }})                 as region,
    cast(m.parameter_version as {{ dbt.type_string() }})      as parameter_version,
    cast(m.effective_from as date)                            as effective_from,
    cast(m.effective_to as date)                              as effective_to,
    cast('simulated from the front page (payment groups on the settlement list); regional rules are illustrative'
         as {{ dbt.type_string() }})                          as data_basis
from valued as v
cross join meta as m
left join {{ ref('fct_discharge_costs') }} as f
  on f.discharge_id = v.discharge_id and f.costing_method = {{ costing_param('quadrant_costing_method', type='string') }}
