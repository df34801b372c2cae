{#- Grouped cases under every scheme that groups them (primary and comparison schemes), with the stay and
    cost fields the benchmark population needs. Grain: discharge_id × scheme_version; only grouping_status
    = grouped (so the grouper's exclusions, LOS > los_exclusion_days and cost < min_cost_amount, and every
    ungrouped case are already out). Cost layers of fct_discharge_costs (<layer>__<costing_method>) are
    joined only when var case_mix_cost_layers is true (the costing models must then be built). -#}
{%- set with_layers = var('case_mix_cost_layers', false) %}
{%- set methods = ['top_down', 'ccr'] %}

with grouped as (
    select discharge_id, scheme_version, mdc_code, adrg_code, drg_code
    from {{ ref('int_discharges_grouped') }}
    where grouping_status = 'grouped'
),

stays as (
    select discharge_id, hospital_id, discharge_date, los_days, total_cost_amount, is_death
    from {{ ref('stg_front_page__discharges') }}
)
{%- if with_layers %},

layers as (
    select
        discharge_id
        {%- for layer in case_mix_cost_layers() %}{% for m in methods %},
        max(case when costing_method = '{{ m }}' then {{ layer }} end) as {{ layer }}__{{ m }}
        {%- endfor %}{% endfor %}
    from {{ ref('fct_discharge_costs') }}
    group by discharge_id
)
{%- endif %}

select
    cast(g.discharge_id as {{ dbt.type_string() }})     as discharge_id,
    cast(g.scheme_version as {{ dbt.type_string() }})   as scheme_version,
    cast(s.hospital_id as {{ dbt.type_string() }})      as hospital_id,
    cast(s.discharge_date as date)                      as discharge_date,
    cast(g.mdc_code as {{ dbt.type_string() }})         as mdc_code,
    cast(g.adrg_code as {{ dbt.type_string() }})        as adrg_code,
    cast(g.drg_code as {{ dbt.type_string() }})         as drg_code,
    cast(s.los_days as double)                          as los_days,
    cast(s.total_cost_amount as double)                 as total_cost_amount,
    cast({{ case_mix_flag('s.is_death') }} as integer)  as death_count
    {%- if with_layers %}{% for layer in case_mix_cost_layers() %}{% for m in methods %},
    cast(l.{{ layer }}__{{ m }} as double)              as {{ layer }}__{{ m }}
    {%- endfor %}{% endfor %}{% endif %}
from grouped as g
join stays as s on s.discharge_id = g.discharge_id
{%- if with_layers %}
left join layers as l on l.discharge_id = g.discharge_id
{%- endif %}
