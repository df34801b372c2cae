{{ config(meta={'dagster': {'ref': {'name': 'fct_case_mix_hospital_monthly'}}}) }}
-- Invariant at every roll-up level: CMI × N (grouped cases with an RW) = total weight, and the case counts
-- close: groupable = discharges − excluded = grouped + ungrouped; grouped = N + grouped without RW.
{% set levels = ['fct_case_mix_monthly', 'fct_case_mix_hospital_monthly', 'fct_case_mix_hospital_yearly',
                 'fct_case_mix_mdc_monthly'] %}
{% for m in levels %}
select '{{ m }}' as model, cmi, cmi_case_count, total_weight, discharge_count, grouped_count
from {{ ref(m) }}
where abs(coalesce(cmi * cmi_case_count, 0) - total_weight) > 1e-9 * greatest(1, total_weight)
   or (cmi is null) <> (cmi_case_count = 0)
   or groupable_count <> discharge_count - excluded_count
   or groupable_count <> grouped_count + ungrouped_count
   or ungrouped_count <> qy_count + zero_group_count + invalid_count
   or grouped_count <> cmi_case_count + grouped_unweighted_count
{{ 'union all' if not loop.last }}
{% endfor %}
