{{ config(meta={'dagster': {'ref': {'name': 'fct_case_mix_discharges'}}}) }}
-- Every discharge of the grouping mart is in the case-mix fact exactly once (and nothing else is).
select g.discharge_id, count(c.discharge_id) as n
from {{ ref('fct_discharge_groupings') }} as g
left join {{ ref('fct_case_mix_discharges') }} as c on c.discharge_id = g.discharge_id
group by g.discharge_id
having count(c.discharge_id) <> 1
union all
select c.discharge_id, 0
from {{ ref('fct_case_mix_discharges') }} as c
left join {{ ref('fct_discharge_groupings') }} as g on g.discharge_id = c.discharge_id
where g.discharge_id is null
