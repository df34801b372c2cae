{#- CMI facts, hospital × year roll-up. Grain: hospital_id × discharge_year (calendar year of discharge).
    Rolled up from int_case_mix_sums_by_doctor_mdc; distinct counts from the discharges. Formulas: macro
    case_mix_measures. -#}
{{ case_mix_facts([
    ('hospital_id', 'hospital_id'),
    ('discharge_year', 'cast(extract(year from discharge_month) as integer)')
]) }}
