{#- CMI facts by MDC (主要诊断大类). Grain: hospital_id × mdc_code × discharge_month; mdc_code 'NONE' holds
    the cases without an MDC (0000, invalid, cannot_map). Formulas: macro case_mix_measures. -#}
with params as (
    {{ case_mix_parameters() }}
)
select
    c.hospital_id,
    cast(coalesce(c.mdc_code, 'NONE') as {{ dbt.type_string() }}) as mdc_code,
    c.discharge_month,
    {{ case_mix_measures() }}
from {{ ref('fct_case_mix_discharges') }} as c
cross join params as p
group by c.hospital_id, coalesce(c.mdc_code, 'NONE'), c.discharge_month
