{#- CMI facts by MDC (主要诊断大类). Grain: hospital_id × mdc_code × discharge_month; mdc_code 'NONE' holds
    the cases without an MDC (0000, invalid, cannot_map). Rolled up from int_case_mix_sums_by_doctor_mdc;
    distinct counts from the discharges. Formulas: macro case_mix_measures. -#}
{{ case_mix_facts([
    ('hospital_id', 'hospital_id'),
    ('mdc_code', "cast(coalesce(mdc_code, 'NONE') as " ~ dbt.type_string() ~ ")"),
    ('discharge_month', 'discharge_month')
]) }}
