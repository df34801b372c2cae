{#- CMI facts, hospital roll-up. Grain: hospital_id × discharge_month. Rolled up from
    int_case_mix_sums_by_doctor_mdc; distinct counts from the discharges (never added up). Formulas: macro
    case_mix_measures. -#}
{{ case_mix_facts([
    ('hospital_id', 'hospital_id'),
    ('discharge_month', 'discharge_month')
]) }}
