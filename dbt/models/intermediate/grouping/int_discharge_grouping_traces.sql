{#- The grouper's trace of every discharge under every scheme that groups it, written when it is read.
    Grain: discharge_id x scheme_version (as int_discharges_grouped).

    trace: the rule and the code that decided each step, in Chinese, for coders: scheme, pre-checks, the MDCs
    entered that yielded nothing, the chosen MDC's entry (macro grouper_mdc_trace), the ADRG rule that matched
    (macro grouper_adrg_trace), the severity (the severity step with its texts, macro grouper_assess_severity)
    and the DRG choice.
    A view, not a table: the decisions and the fill values of the ADRG step are stored
    (int_discharges_grouped), the text is derived from them on demand; the code rows (principal codes'
    text), the pre-checks (reasons, age, sex) and the severity step (with its texts) are computed again
    here, on read. Writing the text of a million cases cost about 1.6 s of the grouper's
    3.3 s in int_discharges_grouped (docs/grouper.md, Speed); a coder reads a few cases at a time, and a filter
    on discharge_id reaches the tables below through the joins. -#}
{{ config(materialized='view') }}

with grouped as (
    -- with the integer key of its scheme, on which the grouper's steps join (grouper_scheme_key)
    select g.*, {{ grouper_scheme_key('g.scheme_version') }} as scheme_key
    from {{ ref('int_discharges_grouped') }} as g
),

joined as (
    select
        g.discharge_id,
        g.scheme_version,
        g.is_primary_scheme,
        g.grouping_status,
        g.drg_code,
        s.invalid_reason,
        g.is_excluded,
        s.exclusion_reason,
        {{ grouper_assignment('g') }}                                     as assignment,
        g.mdc_code,
        g.skipped_trace,
        case when g.mdc_code is not null then
            {{ grouper_mdc_trace('m', 'g.mdc_form_rank', 'pd.code', 'pd.dagger_code', 's.age_days',
                                 's.sex_code', 'coalesce(g.body_region_count, 0)', 'g.region_names',
                                 'g.min_regions') }}
        end                                                                as mdc_trace,
        case when g.adrg_code = g.mdc_code || 'QY' then 2 end              as kind_rank,
        g.pdx_form_rank, t.trace_head, t.rule_template, t.has_other_placeholder,
        g.first_or_code, coalesce(g.body_region_count, 0) as body_region_count, g.qy_seq, g.qy_code,
        g.hit_texts,
        pd.code as pdx_code, pd.dagger_code as pdx_dagger_code, pp.code as ppx_code, s.age_days, s.birth_weight_g, s.vent_hours,
        coalesce(v.severity_level, 'none')                                 as severity_level,
        coalesce(v.severity_trace, {{ grouper_no_severity_trace() }})      as severity_trace,
        d.severity_digit
    from grouped as g
    -- the pre-checks' reasons and the case's values (ephemeral: computed again here, on read)
    left join {{ ref('int_discharges_prechecked') }} as s
        on s.discharge_key = g.discharge_key and s.scheme_key = g.scheme_key
    -- the principal codes as text (the grouper compares code keys; the code rows keep their text)
    left join {{ ref('int_grouper_inputs_mapped') }} as pd on {{ grouper_principal_code_on('pd', 'g', 'dx') }}
    left join {{ ref('int_grouper_inputs_mapped') }} as pp on {{ grouper_principal_code_on('pp', 'g', 'px') }}
    -- the severity step with its texts (macro grouper_assess_severity; the grouper's statement leaves them out)
    left join ({{ grouper_assess_severity(with_trace=true) }}
    ) as v
        on v.discharge_key = g.discharge_key and v.scheme_key = g.scheme_key
    left join {{ grouper_adrg_alternatives() }} as t
        on t.scheme_key = g.scheme_key and t.adrg_code = g.adrg_code and t.alt_no = g.alt_no
    -- the severity digit of the DRG taken (the scheme's DRG table is the truth, not the code's last digit)
    left join {{ source('scheme', 'drgs') }} as d on d.scheme_version = g.scheme_version and d.drg_code = g.drg_code
    left join {{ source('scheme', 'mdcs') }} as m on m.scheme_version = g.scheme_version and m.mdc_code = g.mdc_code
),

with_adrg_trace as (
    select j.*, {{ grouper_adrg_trace() }} as adrg_trace
    from joined as j
)

select
    discharge_id,
    scheme_version,
    is_primary_scheme,
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
                ~ "when severity_digit = '9' then '（ADRG 不细分，取 9）' "
                ~ "when severity_level = 'MCC' and severity_digit = '1' then '（MCC，取 1）' "
                ~ "when severity_level = 'MCC' and severity_digit = '3' then '（MCC，ADRG 无 1 组，取 3）' "
                ~ "when severity_level = 'MCC' then '（MCC，ADRG 无 1、3 组，取 5）' "
                ~ "when severity_level = 'CC' and severity_digit = '3' then '（CC，取 3）' "
                ~ "when severity_level = 'CC' then '（CC，ADRG 无 3 组，取 5）' "
                ~ "else '（无 CC/MCC，取 5）' end end",
        ]) }}
    end as trace
from with_adrg_trace
