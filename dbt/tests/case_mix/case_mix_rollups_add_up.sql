{{ config(meta={'dagster': {'ref': {'name': 'fct_case_mix_hospital_monthly'}}}) }}
-- Additive counts and sums of the hospital roll-ups equal the sum of the unit-level rows; distinct counts are
-- recomputed (a hospital's DRG count is at most the sum over its units and at least their maximum).
with units as (
    select hospital_id, discharge_month,
           sum(discharge_count) as discharge_count, sum(grouped_count) as grouped_count,
           sum(cmi_case_count) as cmi_case_count, sum(total_weight) as total_weight,
           sum(drg_count) as drg_count_sum, max(drg_count) as drg_count_max,
           sum(mdc_count) as mdc_count_sum, max(mdc_count) as mdc_count_max
    from {{ ref('fct_case_mix_monthly') }}
    group by hospital_id, discharge_month
),
mdcs as (
    select hospital_id, discharge_month, sum(discharge_count) as discharge_count, sum(total_weight) as total_weight
    from {{ ref('fct_case_mix_mdc_monthly') }}
    group by hospital_id, discharge_month
)
select h.hospital_id, h.discharge_month
from {{ ref('fct_case_mix_hospital_monthly') }} as h
left join units as u on u.hospital_id = h.hospital_id and u.discharge_month = h.discharge_month
left join mdcs as m on m.hospital_id = h.hospital_id and m.discharge_month = h.discharge_month
where u.discharge_count is null or m.discharge_count is null
   or h.discharge_count <> u.discharge_count or h.discharge_count <> m.discharge_count
   or h.grouped_count <> u.grouped_count or h.cmi_case_count <> u.cmi_case_count
   or abs(h.total_weight - u.total_weight) > 1e-9 * greatest(1, h.total_weight)
   or abs(h.total_weight - m.total_weight) > 1e-9 * greatest(1, h.total_weight)
   or h.drg_count > u.drg_count_sum or h.drg_count < u.drg_count_max
   or h.mdc_count > u.mdc_count_sum or h.mdc_count < u.mdc_count_max
