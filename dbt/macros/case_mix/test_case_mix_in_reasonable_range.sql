{#- Generic test on fct_case_mix_range_checks: the hospital-months whose `check_name` measure is outside its
    reasonable range (status warn). Applied once per check at severity warn, so dagster-dbt shows each as a
    non-blocking WARN asset check (casemix.defs.case_mix adds the rows to the check's metadata). -#}
{% test case_mix_in_reasonable_range(model, check_name) %}
select check_name, hospital_id, discharge_month, value, range_version, lower_bound, upper_bound, message
from {{ model }}
where check_name = '{{ check_name }}' and status = 'warn'
{% endtest %}
