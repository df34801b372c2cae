{#- For the cost-to-revenue ratio (CCR) method: each discharge's charges by service kind (ward, lab,
    imaging, pathology, surgery, blood …; costing_parameters ccr_service_kind), counting only the fee
    items that are not variable cost (variable_ccr = 0), by the costing parameters of the version in force in
    the discharge month (int_costing_parameters_by_month). Grain: discharge_id × service_kind (charges > 0).
    Each row carries the discharge's hospital, month and inpatient cost centre (dept_mapping, as
    int_discharges_prepared_for_costing), the keys of its CCR unit, so int_discharge_costs_allocated_to_units
    joins the units without joining the discharges again. -#}
{%- set items = costing_fee_items() %}
with p as (
    -- one row per month: the parameters of the version in force in the discharge month
    select
        cost_month,
        {%- for i in items %}
        coalesce(cast(max(case when parameter = 'variable_ccr' and key = '{{ i }}' then value end) as double), 0) as ccr_{{ i }},
        coalesce(max(case when parameter = 'ccr_service_kind' and key = '{{ i }}' then value end), 'ward') as kind_{{ i }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ ref('int_costing_parameters_by_month') }}
    group by cost_month
),
kinds as (
    select distinct cost_month, value as service_kind
    from {{ ref('int_costing_parameters_by_month') }}
    where parameter = 'ccr_service_kind'
    union
    select distinct cost_month, 'ward'
    from {{ ref('int_costing_parameters_by_month') }}
),
month_kinds as (
    -- per month and kind, whether each fee item counts (its kind, not variable cost): decided once per
    -- month × kind instead of per discharge × kind; kinds that no item counts in have no charges
    select
        p.cost_month, k.service_kind,
        {%- for i in items %}
        (p.kind_{{ i }} = k.service_kind and p.ccr_{{ i }} = 0) as in_{{ i }}{{ "," if not loop.last }}
        {%- endfor %}
    from p
    join kinds as k on k.cost_month = p.cost_month
    where {% for i in items %}(p.kind_{{ i }} = k.service_kind and p.ccr_{{ i }} = 0){{ " or " if not loop.last }}{% endfor %}
),
charges as (
    select
        d.discharge_id,
        d.hospital_id,
        d.partition_month as cost_month,
        m.inpatient_cost_center_code as cost_center_code,
        k.service_kind,
        0
        {%- for i in items %}
        + case when k.in_{{ i }} then coalesce(d.{{ i }}_amount, 0) else 0 end
        {%- endfor %} as charge_amount
    from {{ ref('stg_front_page__discharges') }} as d
    join month_kinds as k on k.cost_month = d.partition_month
    left join {{ ref('stg_costing__dept_mappings') }} as m
      on m.hospital_id = d.hospital_id and m.discharge_dept_code = d.discharge_dept_code
)
select
    cast(discharge_id as {{ dbt.type_string() }})   as discharge_id,
    cast(hospital_id as {{ dbt.type_string() }})    as hospital_id,
    cast(cost_month as date)                        as cost_month,
    cast(cost_center_code as {{ dbt.type_string() }}) as cost_center_code,
    cast(service_kind as {{ dbt.type_string() }})   as service_kind,
    cast(charge_amount as decimal(18,2))            as charge_amount
from charges
where charge_amount > 0
