{#- Simulated DRG payment (DRG 付费模拟) of every discharge under the regional rules of payment_parameters
    (region var payment_region; thresholds are regional and illustrative). Grain: discharge_id.
    Parameter set: a version of the region is in force on [effective_from, effective_to) (empty to = open);
    each discharge takes the version in force on its discharge date (出院日期). Var payment_parameter_version
    (default null) forces one version on every discharge (a what-if run). A version is a settlement period:
    DRG means, the regional mean charge and the budget point value are computed over the cases of all
    loaded hospitals that fall under the same version. A discharge no version covers has null payment and
    payment_status = 'no_parameters' (warn test).
    payment_case_class: normal 正常 | high 高倍率 (charge > high_multiple × DRG mean; multiple tiered by RW) |
      low 低倍率 (charge < low_multiple × DRG mean) | qy 歧义组 | ungrouped 未入组/排除/无权重
      (null for a DRG case without a parameter set).
    base_points = RW × base_points_per_rw; case_points: normal base × coefficient; high base × coefficient
      + base × (charge / mean − multiple); low base × charge / mean; qy / ungrouped per item: charge ×
      item_payment_ratio converted to points at the regional mean charge (point system) or paid as
      charge × item_payment_ratio (rate system). A same-DRG readmission of the patient within
      readmission_window_days of discharge multiplies the earlier case's points by readmission_factor.
    Point system: payment = points × point value (fixed, or fund budget / Σ points of all loaded hospitals
    under the version); rate system: payment = points / base_points_per_rw × rate (normal case: RW × rate ×
    coefficient). Charges are 住院总费用 (item revenue).
    Labelled simulated from the front page (payment groups on the settlement list). -#}
{%- set forced_version = var('payment_parameter_version', none) %}
with cases as (
    select discharge_id, patient_id, hospital_id, cost_month, discharge_dept_code, attending_doctor,
           admission_date, discharge_date, coalesce(discharge_date, cost_month) as parameter_date,
           cast(total_cost_amount as double) as charge
    from {{ ref('int_discharges_prepared_for_costing') }}
),
param_rows as (
    select * from {{ ref('payment_parameters') }}
    where region = {{ payment_region() }}
    {%- if forced_version %} and version = '{{ forced_version }}'{% endif %}
),
params as (
    select
        region, version as parameter_version,
        min(effective_from) as effective_from,
        max(effective_to) as effective_to,
        max(case when parameter = 'payment_system' then value end)                        as payment_system,
        cast(max(case when parameter = 'base_points_per_rw' then value end) as double)    as base_points_per_rw,
        max(case when parameter = 'point_value_mode' then value end)                      as point_value_mode,
        cast(max(case when parameter = 'point_value' then value end) as double)           as point_value_fixed,
        cast(max(case when parameter = 'fund_budget_amount' then value end) as double)    as fund_budget_amount,
        cast(max(case when parameter = 'rate_amount' then value end) as double)           as rate_amount,
        max(case when parameter = 'hospital_coefficient_mode' then value end)             as hospital_coefficient_mode,
        cast(max(case when parameter = 'hospital_coefficient' then value end) as double)  as hospital_coefficient_fixed,
        cast(max(case when parameter = 'low_multiple' then value end) as double)          as low_multiple,
        cast(max(case when parameter = 'readmission_window_days' then value end) as double) as readmission_window_days,
        cast(max(case when parameter = 'readmission_factor' then value end) as double)    as readmission_factor,
        cast(max(case when parameter = 'item_payment_ratio' then value end) as double)    as item_payment_ratio
    from param_rows
    group by region, version
),
tiers as (
    -- RW tier (rw_lower_bound, rw_upper_bound]: a case takes the tier of the lowest upper bound ≥ its RW
    select version as parameter_version, cast(key as double) as rw_upper_bound,
           lag(cast(key as double)) over (partition by version order by cast(key as double)) as rw_lower_bound,
           cast(value as double) as high_multiple
    from param_rows
    where parameter = 'high_multiple'
),
base as (
    select c.*, g.scheme_version, g.drg_code, coalesce(g.grouping_status, 'ungrouped') as grouping_status,
           w.rw, w.weight_version, pv.parameter_version,
           (g.grouping_status = 'grouped' and w.rw is not null and g.drg_code is not null) as is_drg_paid
    from cases as c
    left join {{ ref('fct_discharge_groupings') }} as g on g.discharge_id = c.discharge_id
    left join {{ ref('int_discharge_weights_selected') }} as w on w.discharge_id = c.discharge_id
    left join params as pv
    {%- if forced_version %}
      on true
    {%- else %}
      on c.parameter_date >= pv.effective_from
     and (pv.effective_to is null or c.parameter_date < pv.effective_to)
    {%- endif %}
),
drg_means as (
    select parameter_version, scheme_version, drg_code, {{ exact_avg('charge') }} as drg_mean_charge
    from base where is_drg_paid group by parameter_version, scheme_version, drg_code
),
hospital_drg_means as (
    select parameter_version, hospital_id, scheme_version, drg_code, {{ exact_avg('charge') }} as hospital_drg_mean_charge
    from base where is_drg_paid group by parameter_version, hospital_id, scheme_version, drg_code
),
regional_means as (
    select parameter_version, {{ exact_avg('charge') }} as regional_mean_charge from base group by parameter_version
),
stats as (
    select b.*, m.drg_mean_charge, h.hospital_drg_mean_charge, r.regional_mean_charge
    from base as b
    left join drg_means as m
      on m.parameter_version = b.parameter_version and m.scheme_version = b.scheme_version
     and m.drg_code = b.drg_code
    left join hospital_drg_means as h
      on h.parameter_version = b.parameter_version and h.hospital_id = b.hospital_id
     and h.scheme_version = b.scheme_version and h.drg_code = b.drg_code
    left join regional_means as r on r.parameter_version = b.parameter_version
),
repeated as (
    -- patient × scheme × DRG with more than one discharge: only their discharges can have a next one
    select patient_id, scheme_version, drg_code
    from base group by patient_id, scheme_version, drg_code having count(*) > 1
),
next_admissions as (
    -- the patient's next admission with the same DRG (readmission), over the discharges of repeated only
    -- and on a narrow projection (a window sorts every column of its input)
    select b.discharge_id,
        lead(b.admission_date) over (partition by b.patient_id, b.scheme_version, b.drg_code
                                     order by b.admission_date, b.discharge_id) as next_same_drg_admission_date
    from base as b
    join repeated as r
      on r.patient_id is not distinct from b.patient_id and r.scheme_version is not distinct from b.scheme_version
     and r.drg_code is not distinct from b.drg_code
),
classified as (
    select s.*, t.high_multiple,
        p.region, p.effective_from, p.effective_to, p.payment_system, p.base_points_per_rw,
        p.point_value_mode, p.point_value_fixed, p.fund_budget_amount, p.rate_amount,
        p.hospital_coefficient_mode, p.hospital_coefficient_fixed, p.low_multiple,
        p.readmission_window_days, p.readmission_factor, p.item_payment_ratio,
        case when s.grouping_status = 'qy' then 'qy'
             when not coalesce(s.is_drg_paid, false) then 'ungrouped'
             when s.parameter_version is null then null
             when s.charge > t.high_multiple * s.drg_mean_charge then 'high'
             when s.charge < p.low_multiple * s.drg_mean_charge then 'low'
             else 'normal' end as payment_case_class,
        case when p.hospital_coefficient_mode = 'ratio'
             then s.hospital_drg_mean_charge / nullif(s.drg_mean_charge, 0)
             else p.hospital_coefficient_fixed end as hospital_coefficient,
        n.next_same_drg_admission_date
    from stats as s
    left join next_admissions as n on n.discharge_id = s.discharge_id
    left join tiers as t
      on s.is_drg_paid and t.parameter_version = s.parameter_version and s.rw <= t.rw_upper_bound
     and (t.rw_lower_bound is null or s.rw > t.rw_lower_bound)
    left join params as p on p.parameter_version = s.parameter_version
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
version_points as (
    -- Σ points of all loaded hospitals under each version (the budget point value's denominator)
    select parameter_version, {{ exact_sum('case_points') }} as total_points
    from points group by parameter_version
),
valued as (
    select x.*,
        case when x.point_value_mode = 'budget'
             then x.fund_budget_amount / nullif(t.total_points, 0)
             else x.point_value_fixed end as point_value,
        case when payment_system = 'rate'
             then case when payment_case_class in ('normal', 'high', 'low')
                       then case_points / base_points_per_rw * rate_amount
                       else charge * item_payment_ratio end
        end as rate_payment
    from points as x
    left join version_points as t on t.parameter_version = x.parameter_version
),
paid as (
    select *,
        case when payment_system = 'rate' then rate_payment else case_points * point_value end as payment
    from valued
)
select
    cast(v.discharge_id as {{ dbt.type_string() }})           as discharge_id,
    cast(v.hospital_id as {{ dbt.type_string() }})            as hospital_id,
    cast(v.cost_month as date)                                as cost_month,
    cast(v.discharge_date as date)                            as discharge_date,
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
    {{ money('v.payment') }}                                  as simulated_payment_amount,
    {{ money('v.charge') }}                                   as item_revenue_amount,
    f.full_cost_amount                                        as full_cost_amount,
    {{ money('v.payment - v.charge') }}                       as payment_minus_item_revenue_amount,
    {{ money('v.payment - f.full_cost_amount') }}             as payment_minus_full_cost_amount,
    cast(f.costing_method as {{ dbt.type_string() }})         as costing_method,
    cast(coalesce(v.region, {{ payment_region() }}) as {{ dbt.type_string() }}) as region,
    cast(v.parameter_version as {{ dbt.type_string() }})      as parameter_version,
    cast(v.effective_from as date)                            as effective_from,
    cast(v.effective_to as date)                              as effective_to,
    cast(case when v.parameter_version is null then 'no_parameters' else 'simulated' end
         as {{ dbt.type_string() }})                          as payment_status,
    cast('simulated from the front page (payment groups on the settlement list); regional rules are illustrative'
         as {{ dbt.type_string() }})                          as data_basis
from paid as v
left join {{ ref('fct_discharge_costs') }} as f
  on f.discharge_id = v.discharge_id and f.costing_method = {{ costing_param('quadrant_costing_method', type='string') }}
