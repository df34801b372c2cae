{#- Reasonable-range checks (合理区间) on headline measures of fct_case_mix_hospital_monthly, shown in Dagster
    as warning asset checks (the dbt tests case_mix_range_<check_name>, severity warn: never a failure).
    Grain: check_name × hospital_id × discharge_month.
    check_name: cmi | avg_los_days | grouping_rate (入组率) | qy_0000_share (QY + 0000 among groupable).
    Bounds: the seed reasonable_ranges, the row of the check whose [effective_from, effective_to) holds the
    month's first day (effective_to empty = open); bounds inclusive.
    status: pass inside the range; warn outside it, when the value is null (no cases to compute it) or when
    no range version is in force for the month. -#}
with hm as (
    select * from {{ ref('fct_case_mix_hospital_monthly') }}
),

ranges as (
    select * from {{ ref('reasonable_ranges') }}
),

checks as (
    select 'cmi' as check_name, hospital_id, discharge_month, cmi as value from hm
    union all
    select 'avg_los_days', hospital_id, discharge_month, avg_los_days from hm
    union all
    select 'grouping_rate', hospital_id, discharge_month, grouping_rate from hm
    union all
    select 'qy_0000_share', hospital_id, discharge_month, qy_0000_share from hm
),

bounded as (
    select c.check_name, c.hospital_id, c.discharge_month, c.value,
           r.range_version, r.lower_bound, r.upper_bound
    from checks as c
    left join ranges as r
      on r.check_name = c.check_name
     and cast(r.effective_from as date) <= cast(c.discharge_month as date)
     and (r.effective_to is null or cast(c.discharge_month as date) < cast(r.effective_to as date))
)

select
    cast(check_name as {{ dbt.type_string() }})                 as check_name,
    cast(hospital_id as {{ dbt.type_string() }})                as hospital_id,
    cast(discharge_month as date)                               as discharge_month,
    cast(value as double)                                       as value,
    cast(range_version as {{ dbt.type_string() }})              as range_version,
    cast(lower_bound as double)                                 as lower_bound,
    cast(upper_bound as double)                                 as upper_bound,
    cast(case when value is not null and value >= lower_bound and value <= upper_bound
              then 'pass' else 'warn' end as {{ dbt.type_string() }})       as status,
    cast(case when range_version is null then check_name || ': no reasonable range in force for the month'
              when value is null then check_name || ': no value (no cases to compute it)'
              when value < lower_bound or value > upper_bound
              then check_name || ' = ' || cast(round(value, 4) as {{ dbt.type_string() }})
                   || ' outside [' || cast(lower_bound as {{ dbt.type_string() }}) || ', '
                   || cast(upper_bound as {{ dbt.type_string() }}) || '] (' || range_version || ')'
         end as {{ dbt.type_string() }})                        as message
from bounded
