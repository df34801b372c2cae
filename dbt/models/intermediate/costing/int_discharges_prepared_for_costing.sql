{#- Every discharge with what case costing needs: its inpatient cost centre (from the 出院科别 mapping; a
    stay is costed where the patient was discharged, transfers are not costed separately), bed-days
    (住院天数, at least bed_days_minimum), and the variable cost (变动成本) = Σ fee item × its variable_ccr
    (drugs and materials at CCR 1 under 零加成; blood products when configured), with the costing parameters
    of the version in force in the discharge month (int_costing_parameters_by_month).
    Grain: discharge_id. -#}
{%- set items = costing_fee_items() %}
with p as (
    -- one row per month: the parameters of the version in force in the discharge month
    select
        cost_month,
        {%- for i in items %}
        coalesce(cast(max(case when parameter = 'variable_ccr' and key = '{{ i }}' then value end) as double), 0) as ccr_{{ i }},
        {%- endfor %}
        coalesce(cast(max(case when parameter = 'bed_days_minimum' then value end) as double), 1) as bed_days_minimum
    from {{ ref('int_costing_parameters_by_month') }}
    group by cost_month
),
d as (
    select * from {{ ref('stg_front_page__discharges') }}
)
select
    cast(d.discharge_id as {{ dbt.type_string() }})           as discharge_id,
    cast(d.patient_id as {{ dbt.type_string() }})             as patient_id,
    cast(d.hospital_id as {{ dbt.type_string() }})            as hospital_id,
    cast(d.partition_month as date)                           as cost_month,
    cast(d.discharge_dept_code as {{ dbt.type_string() }})    as discharge_dept_code,
    cast(m.inpatient_cost_center_code as {{ dbt.type_string() }}) as cost_center_code,
    cast(d.attending_doctor as {{ dbt.type_string() }})       as attending_doctor,
    cast(d.admission_date as date)                            as admission_date,
    cast(d.discharge_date as date)                            as discharge_date,
    cast(d.los_days as integer)                               as los_days,
    cast(case when coalesce(d.los_days, 0) < p.bed_days_minimum then p.bed_days_minimum
              else d.los_days end as double)                  as bed_days,
    cast(coalesce(d.total_cost_amount, 0) as decimal(18,2))   as total_cost_amount,
    cast(0
        {%- for i in items %}
        + coalesce(d.{{ i }}_amount, 0) * p.ccr_{{ i }}
        {%- endfor %} as double)                              as variable_cost_amount
from d
left join p on p.cost_month = d.partition_month
left join {{ ref('stg_costing__dept_mappings') }} as m
  on m.hospital_id = d.hospital_id and m.discharge_dept_code = d.discharge_dept_code
