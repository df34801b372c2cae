{#- CMI facts, hospital × year roll-up. Grain: hospital_id × discharge_year (calendar year of discharge).
    Recomputed from the discharges. Formulas: macro case_mix_measures. -#}
with params as (
    {{ case_mix_parameters() }}
)
select
    c.hospital_id,
    cast(extract(year from c.discharge_month) as integer) as discharge_year,
    {{ case_mix_measures() }}
from {{ ref('fct_case_mix_discharges') }} as c
cross join params as p
group by c.hospital_id, cast(extract(year from c.discharge_month) as integer)
