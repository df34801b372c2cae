{#- CMI facts, hospital roll-up. Grain: hospital_id × discharge_month. Recomputed from the discharges
    (distinct counts are never added up). Formulas: macro case_mix_measures. -#}
with params as (
    {{ case_mix_parameters() }}
)
select
    c.hospital_id,
    c.discharge_month,
    {{ case_mix_measures() }}
from {{ ref('fct_case_mix_discharges') }} as c
cross join params as p
group by c.hospital_id, c.discharge_month
