{#- The MDC and ADRG of each case. Grain: discharge_key x scheme_version (valid, mappable cases).

    Inside each candidate MDC (int_discharges_assigned_to_mdc) the ADRGs are tried in this order:
      1. surgical ADRGs in file order (ppx_in looks at procedure slot 1; any_px_in — 同时包含 /
         手术表 rules — and or_proc_any — 全部手术 — look at every slot);
      2. QY (qy_mode principal: slot 1, any: some slot, holds an operating-room procedure — in
         or_procedures and in no procedure list of the MDC's non-OR ADRGs) -> '<MDC>QY';
         never in an MDC entered by its ADRG rules (MDCA); off: never;
      3. non-OR procedure ADRGs in file order;
      4. medical ADRGs in file order.
    An ADRG matches when one alternative holds all its conditions. The first candidate MDC (by precedence)
    that yields a result wins; when none does, the case is 0000. -#}
{%- set qy_mode = grouper_qy_mode() -%}
{%- set null_pass = grouper_var('attr_null_passes') -%}
{%- set attr_value -%}
(case c.attr when 'age_days' then cast(cv.age_days as double)
             when 'birth_weight_g' then cast(cv.birth_weight_g as double)
             when 'vent_hours' then cast(cv.vent_hours as double) end)
{%- endset %}

with candidates as (
    select * from {{ ref('int_discharges_assigned_to_mdc') }}
),

cases as (
    select
        s.discharge_key,
        s.scheme_version,
        p.age_days,
        p.birth_weight_g,
        p.vent_hours
    from {{ ref('int_discharges_joined_to_schemes') }} as s
    join {{ ref('int_discharges_prechecked') }} as p on p.discharge_key = s.discharge_key
    where p.is_valid_for_grouping and s.scheme_version is not null
),

inputs as (
    select discharge_key, code_type, seq, code, dagger_code
    from {{ ref('int_grouper_inputs_mapped') }}
),

case_codes as (
    select discharge_key, code_type, seq, code, 1 as form_rank from inputs where code is not null
    union all
    select discharge_key, code_type, seq, dagger_code as code, 2 as form_rank
    from inputs where dagger_code is not null
),

list_codes as (
    select * from {{ ref('int_scheme_codes_keyed_to_mdcs') }}
),

conditions as (
    select
        c.*,
        a.mdc_code,
        c.cond_type in ('pdx_in', 'ppx_in', 'any_px_in', 'any_dx_in')       as is_positive_list
    from {{ source('scheme', 'adrg_conditions') }} as c
    join {{ source('scheme', 'adrgs') }} as a
        on a.scheme_version = c.scheme_version and a.adrg_code = c.adrg_code
),

-- per alternative: how many positive list conditions, and whether it has any other condition
alts as (
    select
        scheme_version, mdc_code, adrg_code, alt_no,
        sum(case when is_positive_list then 1 else 0 end)                   as positive_list_conds,
        sum(case when is_positive_list then 0 else 1 end)                   as other_conds
    from conditions
    group by scheme_version, mdc_code, adrg_code, alt_no
),

-- case codes found in the lists of the ADRGs of the case's candidate MDCs (joined on the MDC key)
hits as (
    select
        k.discharge_key, k.scheme_version, k.mdc_code,
        l.adrg_code, l.alt_no, l.cond_no, l.cond_type,
        c.code, c.seq, c.form_rank
    from candidates as k
    join case_codes as c on c.discharge_key = k.discharge_key
    join list_codes as l
        on l.scheme_version = k.scheme_version
       and l.mdc_code = k.mdc_code
       and l.code_type = c.code_type
       and l.code = c.code
    where (l.cond_type = 'pdx_in' and c.seq = 0)
       or (l.cond_type = 'ppx_in' and c.seq = 1)
       or l.cond_type in ('any_dx_in', 'any_px_in', 'not_any_px_in')
),

cond_hits as (
    select
        discharge_key, scheme_version, mdc_code, adrg_code, alt_no, cond_no,
        min(cond_type)                                                      as cond_type,
        min(form_rank)                                                      as form_rank,
        {{ grouper_arg_min('code', 'form_rank * 1000 + seq') }}             as hit_code,
        min(seq)                                                            as hit_seq
    from hits
    group by discharge_key, scheme_version, mdc_code, adrg_code, alt_no, cond_no
),

alt_hits as (
    select
        discharge_key, scheme_version, mdc_code, adrg_code, alt_no,
        sum(case when cond_type = 'not_any_px_in' then 0 else 1 end)        as positive_hits,
        sum(case when cond_type = 'not_any_px_in' then 1 else 0 end)        as negative_hits,
        min(case when cond_type = 'pdx_in' then form_rank end)              as pdx_form_rank
    from cond_hits
    group by discharge_key, scheme_version, mdc_code, adrg_code, alt_no
),

-- alternatives whose positive list conditions all hold (or that have none: 全部手术, WJ1, ZZ1 …)
list_passed as (
    select h.*, a.other_conds
    from alt_hits as h
    join alts as a
        on a.scheme_version = h.scheme_version and a.adrg_code = h.adrg_code and a.alt_no = h.alt_no
    where h.positive_hits = a.positive_list_conds and a.positive_list_conds > 0
    union all
    select
        k.discharge_key, k.scheme_version, k.mdc_code, a.adrg_code, a.alt_no,
        0 as positive_hits, coalesce(h.negative_hits, 0) as negative_hits, cast(null as integer) as pdx_form_rank,
        a.other_conds
    from candidates as k
    join alts as a on a.scheme_version = k.scheme_version and a.mdc_code = k.mdc_code
    left join alt_hits as h
        on h.discharge_key = k.discharge_key and h.scheme_version = k.scheme_version
       and h.adrg_code = a.adrg_code and h.alt_no = a.alt_no
    where a.positive_list_conds = 0
),

-- operating-room procedures of each case (any slot), per scheme
or_slots as (
    select i.discharge_key, o.scheme_version, i.seq, i.code
    from inputs as i
    join {{ source('scheme', 'or_procedures') }} as o on o.px_code = i.code
    where i.code_type = 'px'
),

or_summary as (
    select discharge_key, scheme_version, {{ grouper_arg_min('code', 'seq') }} as first_or_code
    from or_slots
    group by discharge_key, scheme_version
),

-- the other conditions, evaluated only for alternatives whose list conditions hold
others as (
    select
        p.discharge_key, p.scheme_version, p.mdc_code, p.adrg_code, p.alt_no, c.cond_no,
        case
            when c.cond_type = 'not_any_px_in' then p.negative_hits = 0
            when c.cond_type = 'or_proc_any' then o.first_or_code is not null
            when c.cond_type = 'no_or_proc' then o.first_or_code is null
            when c.cond_type = 'attr_range' then
                case when {{ attr_value }} is null then c.attr in {{ grouper_sql_list(null_pass) }}
                     else (c.min_value is null or {{ attr_value }} >= c.min_value)
                      and (c.max_value is null or {{ attr_value }} < c.max_value) end
            when c.cond_type = 'mdc_pdx' then k.is_pdx_in_mdc_table
            when c.cond_type = 'min_body_regions' then k.body_region_count >= c.min_value
            else false
        end                                                                 as is_met,
        case c.cond_type
            when 'not_any_px_in' then '无手术 ∈ ' || c.list_id
            when 'or_proc_any' then '有手术室手术 ' || o.first_or_code
            when 'no_or_proc' then '无手术室手术'
            when 'attr_range' then
                case c.attr when 'age_days' then '年龄(天)' when 'birth_weight_g' then '出生体重(g)'
                            when 'vent_hours' then '呼吸机时间(h)' else c.attr end
                || case when {{ attr_value }} is null then ' 未记录(按设置视为满足)'
                        else ' ' || {{ grouper_num_text(attr_value) }} end
                || ' ∈ [' || coalesce({{ grouper_num_text('c.min_value') }}, '-∞') || ', '
                || coalesce({{ grouper_num_text('c.max_value') }}, '∞') || ')'
            when 'mdc_pdx' then '主要诊断在 MDC' || p.mdc_code || ' 主诊表'
            when 'min_body_regions' then '诊断涉及 ' || cast(k.body_region_count as varchar) || ' 个部位 ≥ '
                                         || {{ grouper_num_text('c.min_value') }}
            else c.cond_type
        end                                                                 as cond_text
    from list_passed as p
    join conditions as c
        on c.scheme_version = p.scheme_version and c.adrg_code = p.adrg_code and c.alt_no = p.alt_no
       and not c.is_positive_list
    join candidates as k
        on k.discharge_key = p.discharge_key and k.scheme_version = p.scheme_version and k.mdc_code = p.mdc_code
    left join or_summary as o on o.discharge_key = p.discharge_key and o.scheme_version = p.scheme_version
    left join cases as cv on cv.discharge_key = p.discharge_key and cv.scheme_version = p.scheme_version
    where p.other_conds > 0
),

others_passed as (
    select discharge_key, scheme_version, adrg_code, alt_no
    from others
    group by discharge_key, scheme_version, adrg_code, alt_no
    having min(case when is_met then 1 else 0 end) = 1
),

matched_alts as (
    select p.discharge_key, p.scheme_version, p.mdc_code, p.adrg_code, p.alt_no, p.pdx_form_rank
    from list_passed as p
    where p.other_conds = 0
    union all
    select p.discharge_key, p.scheme_version, p.mdc_code, p.adrg_code, p.alt_no, p.pdx_form_rank
    from list_passed as p
    join others_passed as o
        on o.discharge_key = p.discharge_key and o.scheme_version = p.scheme_version
       and o.adrg_code = p.adrg_code and o.alt_no = p.alt_no
    where p.other_conds > 0
),

results as (
    select
        m.discharge_key, m.scheme_version, m.mdc_code, m.adrg_code, m.alt_no,
        a.adrg_name,
        a.kind                                                              as adrg_kind,
        case a.kind when 'surgical' then 1 when 'non_or' then 3 else 4 end  as kind_rank,
        a.file_order,
        m.pdx_form_rank,
        cast(null as varchar)                                               as qy_trace
    from matched_alts as m
    join {{ source('scheme', 'adrgs') }} as a
        on a.scheme_version = m.scheme_version and a.adrg_code = m.adrg_code

{%- if qy_mode != 'off' %}
    union all
    -- QY: an operating-room procedure (slot 1 or any slot) and no surgical ADRG of the MDC matched
    select
        k.discharge_key, k.scheme_version, k.mdc_code,
        k.mdc_code || 'QY'                                                  as adrg_code,
        0                                                                   as alt_no,
        '歧义组'                                                            as adrg_name,
        cast(null as varchar)                                               as adrg_kind,
        2                                                                   as kind_rank,
        0                                                                   as file_order,
        cast(null as integer)                                               as pdx_form_rank,
        k.mdc_code || 'QY 歧义组：' || case when min(s.seq) = 1 then '主要手术 ' else '手术 ' end
            || {{ grouper_arg_min('s.code', 's.seq') }}
            || '(第' || cast(min(s.seq) as varchar) || '位) 是手术室手术，但不符合 MDC' || k.mdc_code
            || ' 任何外科 ADRG（qy_mode={{ qy_mode }}）'                     as qy_trace
    from candidates as k
    join or_slots as s on s.discharge_key = k.discharge_key and s.scheme_version = k.scheme_version
    left join (
        select distinct scheme_version, mdc_code, code
        from list_codes
        where adrg_kind = 'non_or' and code_type = 'px'
    ) as n on n.scheme_version = k.scheme_version and n.mdc_code = k.mdc_code and n.code = s.code
    where k.entry_rule <> 'adrg_rules'
      and n.code is null
      {%- if qy_mode == 'principal' %}
      and s.seq = 1
      {%- endif %}
    group by k.discharge_key, k.scheme_version, k.mdc_code
{%- endif %}
),

-- one integer sort key per result: MDC precedence, then surgical < QY < non-OR < medical, file order, alt
keyed as (
    select
        r.*,
        k.precedence,
        k.dx_match                                                          as mdc_dx_match,
        k.mdc_trace,
        ((cast(k.precedence as bigint) * 10 + r.kind_rank) * 10000 + r.file_order) * 1000 + r.alt_no
                                                                            as sort_key
    from results as r
    join candidates as k
        on k.discharge_key = r.discharge_key and k.scheme_version = r.scheme_version
       and k.mdc_code = r.mdc_code
),

best as (
    select discharge_key, scheme_version, min(sort_key) as sort_key
    from keyed
    group by discharge_key, scheme_version
),

chosen as (
    select k.*
    from keyed as k
    join best as b
        on b.discharge_key = k.discharge_key and b.scheme_version = k.scheme_version and b.sort_key = k.sort_key
),

-- the chosen alternative's conditions as text, in cond_no order (pivot; cond_no <= 8, tested on the source)
chosen_texts as (
    select
        t.discharge_key, t.scheme_version,
        concat_ws('，'
        {%- for n in range(1, 9) %}, max(case when t.cond_no = {{ n }} then t.cond_text end){% endfor %}
        )                                                                   as rule_text
    from (
        select
            h.discharge_key, h.scheme_version, h.cond_no,
            case h.cond_type
                when 'pdx_in' then '主要诊断 ' || h.hit_code
                                   || case when h.form_rank = 2 then '(剑号部分)' else '' end || ' ∈ ' || c.list_id
                when 'ppx_in' then '主要手术 ' || h.hit_code || ' ∈ ' || c.list_id
                when 'any_px_in' then '手术 ' || h.hit_code || '(第' || cast(h.hit_seq as varchar) || '位) ∈ '
                                      || c.list_id
                when 'any_dx_in' then '诊断 ' || h.hit_code || ' ∈ ' || c.list_id
            end                                                             as cond_text
        from chosen as x
        join cond_hits as h
            on h.discharge_key = x.discharge_key and h.scheme_version = x.scheme_version
           and h.mdc_code = x.mdc_code and h.adrg_code = x.adrg_code and h.alt_no = x.alt_no
        join conditions as c
            on c.scheme_version = h.scheme_version and c.adrg_code = h.adrg_code and c.alt_no = h.alt_no
           and c.cond_no = h.cond_no
        where h.cond_type <> 'not_any_px_in'
        union all
        select o.discharge_key, o.scheme_version, o.cond_no, o.cond_text
        from chosen as x
        join others as o
            on o.discharge_key = x.discharge_key and o.scheme_version = x.scheme_version
           and o.adrg_code = x.adrg_code and o.alt_no = x.alt_no
    ) as t
    group by t.discharge_key, t.scheme_version
),

-- candidate MDCs entered by their principal-dx table that yielded nothing before the chosen one
skipped as (
    select
        k.discharge_key, k.scheme_version,
        {{ grouper_string_agg("k.mdc_trace || '，但无匹配 ADRG，转下一 MDC'", '；', 'k.precedence') }} as skipped_trace
    from candidates as k
    left join chosen as c on c.discharge_key = k.discharge_key and c.scheme_version = k.scheme_version
    where k.entry_rule <> 'adrg_rules'
      and (c.discharge_key is null or k.precedence < c.precedence)
    group by k.discharge_key, k.scheme_version
)

select
    x.discharge_key,
    x.scheme_version,
    c.mdc_code,
    c.adrg_code,
    c.adrg_name,
    c.adrg_kind,
    case when c.discharge_key is null then '0000'
         when c.kind_rank = 2 then 'qy'
         else 'adrg' end                                                    as assignment,
    case when c.discharge_key is null then cast(null as varchar)
         when c.pdx_form_rank = 2 or c.mdc_dx_match = 'dagger' then 'dagger'
         when c.pdx_form_rank = 1 or c.mdc_dx_match = 'whole' then 'whole'
    end                                                                     as dx_match,
    s.skipped_trace,
    c.mdc_trace,
    case when c.kind_rank = 2 then c.qy_trace
         when c.discharge_key is not null then
            c.adrg_code || ' ' || c.adrg_name || '（'
            || case c.adrg_kind when 'surgical' then '外科手术组' when 'non_or' then '非手术室操作组'
                                else '内科组' end
            || '，按文件顺序第 ' || cast(c.file_order as varchar) || ' 个）：' || t.rule_text
    end                                                                     as adrg_trace
from cases as x
left join chosen as c on c.discharge_key = x.discharge_key and c.scheme_version = x.scheme_version
left join chosen_texts as t on t.discharge_key = x.discharge_key and t.scheme_version = x.scheme_version
left join skipped as s on s.discharge_key = x.discharge_key and s.scheme_version = x.scheme_version
