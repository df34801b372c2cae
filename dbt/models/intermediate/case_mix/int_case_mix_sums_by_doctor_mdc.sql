{#- The additive parts of the case-mix measures (macro case_mix_measure_parts: case counts and exact
    DECIMAL(38, 10) sums), aggregated once over the discharges. Grain: hospital_id × discharge_dept_code ×
    attending_doctor × discharge_month × mdc_code (null = no MDC), the finest grain of the CMI marts, which
    roll it up (sums of exact sums are exact, so every measure is the same as computed from the cases).
    No distinct counts here: the marts compute those from the cases at their own grain. -#}
select
    c.hospital_id,
    c.discharge_dept_code,
    c.attending_doctor,
    c.discharge_month,
    c.mdc_code,
    {{- case_mix_measure_parts() }}
from {{ ref('fct_case_mix_discharges') }} as c
group by c.hospital_id, c.discharge_dept_code, c.attending_doctor, c.discharge_month, c.mdc_code
