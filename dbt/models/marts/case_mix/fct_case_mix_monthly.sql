{#- CMI facts (病例组合指标). Grain: hospital_id × discharge_dept_code × attending_doctor × discharge_month.
    Measures and formulas: macro case_mix_measures (macros/case_mix/case_mix_measures.sql). -#}
with params as (
    {{ case_mix_parameters() }}
)
select
    c.hospital_id,
    c.discharge_dept_code,
    c.attending_doctor,
    c.discharge_month,
    {{ case_mix_measures() }}
from {{ ref('fct_case_mix_discharges') }} as c
cross join params as p
group by c.hospital_id, c.discharge_dept_code, c.attending_doctor, c.discharge_month
