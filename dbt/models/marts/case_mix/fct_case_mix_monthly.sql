{#- CMI facts (病例组合指标). Grain: hospital_id × discharge_dept_code × attending_doctor × discharge_month.
    Rolled up from int_case_mix_sums_by_doctor_mdc (macro case_mix_facts); measures and formulas: macro
    case_mix_measures (macros/case_mix/case_mix_measures.sql). -#}
{{ case_mix_facts([
    ('hospital_id', 'hospital_id'),
    ('discharge_dept_code', 'discharge_dept_code'),
    ('attending_doctor', 'attending_doctor'),
    ('discharge_month', 'discharge_month')
]) }}
