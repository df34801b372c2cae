{#- Reasonable-range checks (合理区间) on headline measures of fct_case_mix_hospital_monthly, for Dagster
    warning asset checks (never failures). Grain: check_name × hospital_id × discharge_month.
    check_name: cmi | avg_los_days | grouping_rate (入组率) | qy_0000_share (QY + 0000 among groupable);
    bounds from the seed indicator_parameters (range_*_low / _high, inclusive).
    status: pass inside the range, warn outside it or when the value is null (no cases to compute it). -#}
with params as (
    {{ case_mix_parameters() }}
),

hm as (
    select * from {{ ref('fct_case_mix_hospital_monthly') }}
),

checks as (
    select 'cmi' as check_name, hospital_id, discharge_month, cmi as value,
           p.range_cmi_low as lower_bound, p.range_cmi_high as upper_bound
    from hm cross join params as p
    union all
    select 'avg_los_days', hospital_id, discharge_month, avg_los_days, p.range_alos_low, p.range_alos_high
    from hm cross join params as p
    union all
    select 'grouping_rate', hospital_id, discharge_month, grouping_rate,
           p.range_grouping_rate_low, p.range_grouping_rate_high
    from hm cross join params as p
    union all
    select 'qy_0000_share', hospital_id, discharge_month, qy_0000_share,
           p.range_qy_0000_share_low, p.range_qy_0000_share_high
    from hm cross join params as p
)

select
    cast(check_name as {{ dbt.type_string() }})                 as check_name,
    cast(hospital_id as {{ dbt.type_string() }})                as hospital_id,
    cast(discharge_month as date)                               as discharge_month,
    cast(value as double)                                       as value,
    cast(lower_bound as double)                                 as lower_bound,
    cast(upper_bound as double)                                 as upper_bound,
    cast(case when value is not null and value >= lower_bound and value <= upper_bound
              then 'pass' else 'warn' end as {{ dbt.type_string() }})       as status,
    cast(case when value is null then check_name || ': no value (no cases to compute it)'
              when value < lower_bound or value > upper_bound
              then check_name || ' = ' || cast(round(value, 4) as {{ dbt.type_string() }})
                   || ' outside [' || cast(lower_bound as {{ dbt.type_string() }}) || ', '
                   || cast(upper_bound as {{ dbt.type_string() }}) || ']'
         end as {{ dbt.type_string() }})                        as message
from checks
