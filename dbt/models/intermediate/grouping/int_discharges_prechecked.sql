{#- Grouping pre-checks (standards.md §3.2 J): THE one home for groupability; every other part reads it.
    Grain: discharge_id x scheme_version (every discharge of stg_front_page__discharges under every scheme
    that groups it, int_discharges_joined_to_schemes; scheme_version null when none is in force). The
    field checks are the same under every scheme; GRP-005 depends on the scheme's code edition (code map).

    invalid (not grouped): GRP-001 sex not 1/2, age missing or out of range; GRP-004 age 0 without age in
    days, newborn (age in days <= newborn_max_age_days) without birth weight, no principal diagnosis;
    GRP-005 a code the code map cannot map.
    excluded (grouped for reference, left out of payment and weight populations): GRP-002 LOS >
    los_exclusion_days, GRP-003 total cost < min_cost_amount.
    Ephemeral (issue #4, sixth pass): a CTE of int_discharges_grouped, which stores what the other models
    and the trace read (is_valid_for_grouping, is_excluded, the reasons, age_days …) and carries the
    key tests that were here; the 1 M rows are not written and joined back. -#}
{{ config(materialized='ephemeral') }}
{%- set los_days = grouper_var('los_exclusion_days') -%}
{%- set min_cost = grouper_var('min_cost_amount') -%}
{%- set nb_days = grouper_var('newborn_max_age_days') -%}
{#- with no code map set every code is mapped (int_grouper_inputs_mapped): no unmapped codes to look for -#}
{%- set map_active = grouper_map_active() %}

with discharges as (
    -- all months, or one batch of months of int_discharges_grouped (macro grouper_batch_filter)
    select * from {{ ref('int_discharges_joined_to_schemes') }}
    where {{ grouper_batch_filter() }}
),

-- one aggregation over the code rows with cheap aggregates (integer keys, counts)
codes as (
    select
        discharge_key,
        max(case when code_type = 'dx' and seq = 0 then code_key end)      as pdx_key,
        max(case when code_type = 'dx' and seq = 0 then dagger_key end)    as pdx_dagger_key,
        count(case when code_type = 'dx' and seq = 0 then 1 end) > 0       as has_pdx,
        count(case when code_type = 'dx' then 1 end)                       as dx_count,
        count(case when code_type = 'px' then 1 end)                       as px_count,
        {%- if map_active %}
        scheme_key,
        count(case when not is_mapped then 1 end)                          as unmapped_count
        {%- else %}
        -- no code map: the code rows are the same for every scheme (scheme_version null)
        cast(null as bigint)                                               as scheme_key,
        0                                                                  as unmapped_count
        {%- endif %}
    from {{ ref('int_grouper_inputs_mapped') }}
    group by discharge_key{% if map_active %}, scheme_key{% endif %}
),

{%- if map_active %}

unmapped as (
    select
        discharge_key,
        scheme_key,
        {{ grouper_string_agg("code_type || ' ' || source_code", ', ', 'code_type, seq') }} as unmapped_codes
    from {{ ref('int_grouper_inputs_mapped') }}
    where not is_mapped
    group by discharge_key, scheme_key
),

{%- else %}

unmapped as (
    select cast(null as bigint) as discharge_key, cast(null as bigint) as scheme_key,
           cast(null as varchar) as unmapped_codes where false
),

{%- endif %}

checked as (
    select
        d.discharge_id,
        d.discharge_key,
        d.scheme_version,
        d.scheme_key,
        d.is_primary_scheme,
        d.hospital_id,
        d.partition_month,
        d.discharge_date,
        d.sex_code,
        d.age_years,
        case when d.age_years = 0 then d.age_days end                       as age_days,
        case when d.birth_weight_g > 0 then d.birth_weight_g end            as birth_weight_g,
        cast(null as double)                                                as vent_hours,
        d.los_days,
        d.total_cost_amount,
        c.pdx_key,
        c.pdx_dagger_key,
        coalesce(c.dx_count, 0)                                             as dx_count,
        coalesce(c.px_count, 0)                                             as px_count,
        coalesce(c.unmapped_count, 0) > 0                                   as has_unmappable_code,
        -- one text per failed check, in rule order; null = passed
        case when d.sex_code is null or d.sex_code not in ('1', '2')
             then 'GRP-001 性别无效(' || coalesce(d.sex_code, '空') || ')' end              as r_sex,
        case when d.age_years is null then 'GRP-001 年龄缺失'
             when d.age_years < 0 or d.age_years > 150
             then 'GRP-001 年龄无效(' || cast(d.age_years as varchar) || ')' end           as r_age,
        case when d.age_years = 0 and d.age_days is null then 'GRP-004 年龄为0岁但缺少年龄(天)'
             when d.age_years = 0 and (d.age_days < 0 or d.age_days > 365)
             then 'GRP-004 年龄(天)无效(' || cast(d.age_days as varchar) || ')' end        as r_age_days,
        case when d.age_years = 0 and d.age_days between 0 and {{ nb_days }}
                  and coalesce(d.birth_weight_g, 0) <= 0
             then 'GRP-004 新生儿(≤{{ nb_days }}天)缺少出生体重' end                        as r_weight,
        case when not coalesce(c.has_pdx, false)
             then case when coalesce(c.dx_count, 0) = 0 then 'GRP-004 诊断为空'
                       else 'GRP-004 主要诊断缺失' end end                                 as r_dx,
        case when coalesce(c.unmapped_count, 0) > 0
             then 'GRP-005 编码不能转换为分组方案版本: ' || u.unmapped_codes end          as r_map,
        case when d.los_days > {{ los_days }}
             then 'GRP-002 住院天数 ' || cast(d.los_days as varchar) || ' 天 > {{ los_days }} 天' end  as x_los,
        case when d.total_cost_amount < {{ min_cost }}
             then 'GRP-003 总费用 ' || cast(d.total_cost_amount as varchar) || ' 元 < {{ min_cost }} 元' end as x_cost
    from discharges as d
    left join codes as c on {{ grouper_inputs_on('c', 'd') }}
    left join unmapped as u on {{ grouper_inputs_on('u', 'd') }}
)

select
    discharge_id,
    discharge_key,
    scheme_version,
    -- the integer key of scheme_version, on which the grouper's steps join (grouper_scheme_key)
    scheme_key,
    is_primary_scheme,
    hospital_id,
    partition_month,
    discharge_date,
    sex_code,
    age_years,
    age_days,
    birth_weight_g,
    vent_hours,
    los_days,
    total_cost_amount,
    -- the principal diagnosis and its dagger part as code keys (grouper_code_key), for the MDC and
    -- severity joins; the traces take their text from int_grouper_inputs_mapped (grouper_principal_code_on)
    pdx_key,
    pdx_dagger_key,
    dx_count,
    px_count,
    has_unmappable_code,
    (r_sex is not null or r_age is not null or r_age_days is not null or r_weight is not null
        or r_dx is not null)                                                as has_invalid_field,
    (r_sex is null and r_age is null and r_age_days is null and r_weight is null and r_dx is null
        and r_map is null)                                                  as is_valid_for_grouping,
    nullif({{ grouper_concat_ws('; ', ['r_sex', 'r_age', 'r_age_days', 'r_weight', 'r_dx', 'r_map']) }}, '')
                                                                            as invalid_reason,
    (x_los is not null or x_cost is not null)                               as is_excluded,
    nullif({{ grouper_concat_ws('; ', ['x_los', 'x_cost']) }}, '')           as exclusion_reason
from checked
