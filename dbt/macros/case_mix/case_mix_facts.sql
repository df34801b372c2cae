{#- A CMI mart at one grain: the parts of int_case_mix_sums_by_doctor_mdc rolled up to the grain with the
    MDC count of its rows (which are by MDC), the distinct DRG count from the discharges at the same grain
    (distinct counts are never added up), then the measures
    (macro case_mix_measures, the one home of the formulas). grain: list of (column, expression) over the
    columns both sources share (hospital_id, discharge_dept_code, attending_doctor, discharge_month,
    mdc_code). -#}
{% macro case_mix_facts(grain) -%}
{%- set exprs = grain | map(attribute=1) | join(', ') -%}
with params as (
    {{ case_mix_parameters() }}
),

sums as (
    select
        {%- for name, expr in grain %}
        {{ expr }} as {{ name }},
        {%- endfor %}
        {{- case_mix_measure_parts_rolled_up('s') | indent(4) }},
        {{ case_mix_mdc_count_rolled_up('s') }}
    from {{ ref('int_case_mix_sums_by_doctor_mdc') }} as s
    group by {{ exprs }}
),

drg_counts as (
    select
        {%- for name, expr in grain %}
        {{ expr }} as {{ name }},
        {%- endfor %}
        {{ case_mix_drg_count() }}
    from {{ ref('fct_case_mix_discharges') }} as c
    group by {{ exprs }}
)

select
    {%- for name, expr in grain %}
    s.{{ name }},
    {%- endfor %}
    {{ case_mix_measures('s', 'd', 'p') }}
from sums as s
left join drg_counts as d
  on {{ case_mix_same_keys('d', 's', grain | map(attribute=0) | list) }}
cross join params as p
{%- endmacro %}
