{#- The grouping result of every discharge under every scheme that groups it.
    Grain: discharge_id x scheme_version (scheme_version null when no scheme is in force).

    grouping_status: grouped | qy | 0000 | invalid | excluded | cannot_map (status_reason says why).
    Excluded cases (GRP-002/003) are grouped for reference: their MDC/ADRG/DRG columns are filled.
    hospital_id, partition_month, discharge_date come from the pre-checks (through the scheme view), so the mart
    (fct_discharge_groupings) is a plain filter view on this table and the long trace is stored once.
    DRG choice from the severity: MCC -> the ADRG's 1, else 3, else 5; CC -> 3, else 5; none -> 5;
    an unsplit ADRG -> 9. trace: the rule and the code that decided each step, in Chinese, for coders. -#}

with schemes as (
    select * from {{ ref('int_discharges_prechecked') }}
),

assigned as (
    select * from {{ ref('int_discharges_assigned_to_adrg') }}
),

severity as (
    select * from {{ ref('int_discharges_assessed_for_severity') }}
),

-- name, kind and rule text of the chosen ADRG alternative (scheme tables only)
alternatives as (
    select scheme_version, adrg_code, alt_no, adrg_name, adrg_kind, trace_head, rule_template,
           has_other_placeholder
    from {{ grouper_adrg_alternatives() }} as t
),

drg_options as (
    select
        scheme_version,
        adrg_code,
        max(case when severity_digit = '1' then drg_code end) as drg_1,
        max(case when severity_digit = '3' then drg_code end) as drg_3,
        max(case when severity_digit = '5' then drg_code end) as drg_5,
        max(case when severity_digit = '9' then drg_code end) as drg_9
    from {{ source('scheme', 'drgs') }}
    group by scheme_version, adrg_code
),

joined as (
    select
        s.discharge_id,
        s.discharge_key,
        s.scheme_version,
        s.is_primary_scheme,
        s.hospital_id,
        s.partition_month,
        s.discharge_date,
        s.is_valid_for_grouping,
        s.has_invalid_field,
        s.has_unmappable_code,
        s.invalid_reason,
        s.is_excluded,
        s.exclusion_reason,
        a.assignment,
        a.mdc_code,
        a.adrg_code,
        case when a.assignment = 'qy' then '歧义组' else t.adrg_name end  as adrg_name,
        t.adrg_kind,
        a.dx_match,
        a.skipped_trace,
        -- the chosen MDC's entry trace (the one home of its text: grouper_mdc_trace)
        case when a.mdc_code is not null then
            {{ grouper_mdc_trace('m', 'a.mdc_form_rank', 's.pdx_code', 's.pdx_dagger_code', 's.age_days',
                                 's.sex_code', 'a.body_region_count', 'a.region_names', 'a.min_regions') }}
        end                                                                as mdc_trace,
        a.kind_rank, a.pdx_form_rank, t.trace_head, t.rule_template, t.has_other_placeholder,
        a.first_or_code, a.body_region_count, a.qy_seq, a.qy_code,
        a.h1, a.h2, a.h3, a.h4, a.h5, a.h6, a.h7, a.h8,
        s.pdx_code, s.pdx_dagger_code, s.ppx_code, s.age_days, s.birth_weight_g, s.vent_hours,
        v.severity_level,
        v.severity_trace,
        o.drg_1, o.drg_3, o.drg_5, o.drg_9
    from schemes as s
    left join assigned as a on a.discharge_key = s.discharge_key and a.scheme_version = s.scheme_version
    left join severity as v on v.discharge_key = s.discharge_key and v.scheme_version = s.scheme_version
    left join alternatives as t
        on t.scheme_version = a.scheme_version and t.adrg_code = a.adrg_code and t.alt_no = a.alt_no
    left join drg_options as o on o.scheme_version = a.scheme_version and o.adrg_code = a.adrg_code
    left join {{ source('scheme', 'mdcs') }} as m on m.scheme_version = a.scheme_version and m.mdc_code = a.mdc_code
),

with_drg as (
    select
        j.*,
        case
            when j.assignment = '0000' then '0000'
            when j.assignment = 'qy' then j.adrg_code
            when j.assignment = 'adrg' then
                case j.severity_level
                    when 'MCC' then coalesce(j.drg_1, j.drg_3, j.drg_5, j.drg_9)
                    when 'CC' then coalesce(j.drg_3, j.drg_5, j.drg_9)
                    else coalesce(j.drg_5, j.drg_9)
                end
        end as drg_code,
        {{ grouper_adrg_trace() }} as adrg_trace
    from joined as j
),

statused as (
    select
        w.*,
        case
            when w.scheme_version is null then 'invalid'
            when w.has_invalid_field then 'invalid'
            when w.has_unmappable_code then 'cannot_map'
            when w.is_excluded then 'excluded'
            when w.assignment = 'qy' then 'qy'
            when w.assignment = '0000' then '0000'
            when w.drg_code is null then '0000'
            else 'grouped'
        end as grouping_status,
        case
            when w.assignment = '0000' and w.skipped_trace is null
                then 'GRP-006 主要诊断不在任何可进入的 MDC 主诊表（或性别、年龄不符）'
            when w.assignment = '0000'
                then 'GRP-006 进入的 MDC 均无匹配 ADRG'
            when w.assignment = 'qy'
                then 'GRP-007 手术室手术不符合主要诊断所在 MDC 的外科 ADRG（歧义组）'
            when w.assignment = 'adrg' and w.drg_code is null
                then 'ADRG ' || w.adrg_code || ' 在方案 DRG 表中没有适用于严重程度 ' || w.severity_level
                     || ' 的 DRG'
        end as result_reason
    from with_drg as w
)

select
    discharge_id,
    scheme_version,
    is_primary_scheme,
    hospital_id,
    partition_month,
    discharge_date,
    mdc_code,
    adrg_code,
    adrg_name,
    adrg_kind,
    drg_code,
    case when assignment = 'adrg' and grouping_status not in ('invalid', 'cannot_map')
         then severity_level end                                          as severity_level,
    grouping_status,
    case grouping_status
        when 'invalid' then coalesce(case when scheme_version is null
                                          then '出院日期没有生效的分组方案' end, invalid_reason)
        when 'cannot_map' then invalid_reason
        when 'excluded' then exclusion_reason || '（排除病例：参考分组 ' || coalesce(drg_code, '无') || '）'
        else result_reason
    end as status_reason,
    dx_match,
    is_valid_for_grouping,
    is_excluded,
    case
        when scheme_version is null then '无生效分组方案'
        when grouping_status in ('invalid', 'cannot_map') then '分组方案 ' || scheme_version || ' ｜ 预检不通过：' || invalid_reason
        else {{ grouper_concat_ws(' ｜ ', [
            "'分组方案 ' || scheme_version",
            "'预检：' || case when is_excluded then exclusion_reason || '（排除病例，仅参考分组）' else '通过' end",
            "case when assignment <> '0000' then skipped_trace end",
            "case when mdc_trace is not null then 'MDC：' || mdc_trace end",
            "case when assignment = '0000' then '0000 无法入组：' || coalesce(skipped_trace, '主要诊断不在任何可进入的 MDC 主诊表') "
                ~ "when adrg_trace is not null then 'ADRG：' || adrg_trace end",
            "case when assignment = 'adrg' then severity_trace end",
            "case when assignment = 'adrg' then 'DRG：' || coalesce(drg_code, '无') || case "
                ~ "when drg_code is null then '' "
                ~ "when drg_code = drg_9 then '（ADRG 不细分，取 9）' "
                ~ "when severity_level = 'MCC' and drg_code = drg_1 then '（MCC，取 1）' "
                ~ "when severity_level = 'MCC' and drg_code = drg_3 then '（MCC，ADRG 无 1 组，取 3）' "
                ~ "when severity_level = 'MCC' then '（MCC，ADRG 无 1、3 组，取 5）' "
                ~ "when severity_level = 'CC' and drg_code = drg_3 then '（CC，取 3）' "
                ~ "when severity_level = 'CC' then '（CC，ADRG 无 3 组，取 5）' "
                ~ "else '（无 CC/MCC，取 5）' end end",
        ]) }}
    end as trace
from statused
