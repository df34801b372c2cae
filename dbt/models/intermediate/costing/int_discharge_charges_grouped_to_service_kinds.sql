{#- For the cost-to-revenue ratio (CCR) method: each discharge's charges by service kind (ward, lab,
    imaging, pathology, surgery, blood …; costing_parameters ccr_service_kind), counting only the fee
    items that are not variable cost (variable_ccr = 0). Grain: discharge_id × service_kind (charges > 0). -#}
{%- set items = costing_fee_items() %}
with p as (
    select
        {%- for i in items %}
        coalesce(cast(max(case when parameter = 'variable_ccr' and key = '{{ i }}' then value end) as double), 0) as ccr_{{ i }},
        coalesce(max(case when parameter = 'ccr_service_kind' and key = '{{ i }}' then value end), 'ward') as kind_{{ i }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ ref('costing_parameters') }}
    where version = {{ costing_parameter_version() }}
),
kinds as (
    select distinct value as service_kind
    from {{ ref('costing_parameters') }}
    where version = {{ costing_parameter_version() }} and parameter = 'ccr_service_kind'
    union
    select 'ward'
),
charges as (
    select
        d.discharge_id,
        k.service_kind,
        0
        {%- for i in items %}
        + case when p.kind_{{ i }} = k.service_kind and p.ccr_{{ i }} = 0 then coalesce(d.{{ i }}_amount, 0) else 0 end
        {%- endfor %} as charge_amount
    from {{ ref('stg_front_page__discharges') }} as d
    cross join p
    cross join kinds as k
)
select
    cast(discharge_id as {{ dbt.type_string() }})   as discharge_id,
    cast(service_kind as {{ dbt.type_string() }})   as service_kind,
    cast(charge_amount as decimal(18,2))            as charge_amount
from charges
where charge_amount > 0
