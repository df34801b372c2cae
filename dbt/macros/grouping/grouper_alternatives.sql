{#- The alternatives of every ADRG (scheme tables only; grain scheme_key x adrg_code x alt_no), for the
    ADRG step (int_discharges_assigned_to_adrg: which list conditions must hold) and for the trace
    (int_discharges_grouped: name, kind and rule text of the chosen alternative), so the per-ADRG texts are
    joined from these few rows at the end instead of being stored in a 1M-row table.
    positive_mask: the bits (cond_no) of the positive list conditions; other_conds: how many other
    conditions; rule_template: the rule text with placeholders {pdx} {ppx} {h<n>} {or} {age_days}
    {birth_weight_g} {vent_hours} {regions}, filled from the case by grouper_adrg_trace; trace_head: the
    constant head of the ADRG trace. -#}
{% macro grouper_adrg_alternatives() -%}
(
    select
        t.scheme_key, t.mdc_code, t.adrg_code, t.alt_no,
        bit_or(case when is_positive_list then {{ grouper_bit('cond_no') }} else cast(0 as bigint) end)
                                                                            as positive_mask,
        sum(case when is_positive_list then 1 else 0 end)                   as positive_list_conds,
        sum(case when is_positive_list then 0 else 1 end)                   as other_conds,
        {{ grouper_string_agg('cond_tpl', '，', 'cond_no') }}              as rule_template,
        -- a placeholder other than {pdx} / {ppx}: the full fill is needed (few alternatives)
        max(case when cond_type in ('pdx_in', 'ppx_in', 'not_any_px_in', 'no_or_proc', 'mdc_pdx')
                 then 0 else 1 end) = 1                                     as has_other_placeholder,
        t.adrg_name,
        t.adrg_kind,
        -- the constant head of the ADRG trace
        t.adrg_code || ' ' || t.adrg_name || '（'
            || case t.adrg_kind when 'surgical' then '外科手术组' when 'non_or' then '非手术室操作组' else '内科组' end
            || '，按文件顺序第 ' || cast(t.file_order as varchar) || ' 个）：'   as trace_head
    from (
        select
            c.*,
            case c.cond_type
                when 'pdx_in' then '主要诊断 {pdx} ∈ ' || c.list_id
                when 'ppx_in' then '主要手术 {ppx} ∈ ' || c.list_id
                when 'any_px_in' then '{h' || cast(c.cond_no as varchar) || '} ∈ ' || c.list_id
                when 'any_dx_in' then '{h' || cast(c.cond_no as varchar) || '} ∈ ' || c.list_id
                when 'not_any_px_in' then '无手术 ∈ ' || c.list_id
                when 'or_proc_any' then '有手术室手术 {or}'
                when 'no_or_proc' then '无手术室手术'
                when 'attr_range' then
                    case c.attr when 'age_days' then '年龄(天)' when 'birth_weight_g' then '出生体重(g)'
                                when 'vent_hours' then '呼吸机时间(h)' else c.attr end
                    || '{' || c.attr || '}'
                    || ' ∈ [' || coalesce({{ grouper_num_text('c.min_value') }}, '-∞') || ', '
                    || coalesce({{ grouper_num_text('c.max_value') }}, '∞') || ')'
                when 'mdc_pdx' then '主要诊断在 MDC' || c.mdc_code || ' 主诊表'
                when 'min_body_regions' then '诊断涉及 {regions} 个部位 ≥ ' || {{ grouper_num_text('c.min_value') }}
                else c.cond_type
            end                                                             as cond_tpl
        from {{ grouper_adrg_conditions() }} as c
    ) as t
    group by t.scheme_key, t.mdc_code, t.adrg_code, t.alt_no, t.adrg_name, t.adrg_kind, t.file_order
)
{%- endmacro %}


{#- Every condition of every ADRG alternative with its ADRG's MDC, name, kind and file order, and
    is_positive_list: a list condition that must hit (pdx_in, ppx_in, any_px_in, any_dx_in); the others
    (not_any_px_in, or_proc_any, attr_range …) are evaluated case by case after the list step. One home for
    the ADRG step (int_discharges_assigned_to_adrg) and grouper_adrg_alternatives. -#}
{% macro grouper_adrg_conditions() -%}
(
    select
        c.*,
        a.mdc_code,
        a.adrg_name,
        a.kind                                                              as adrg_kind,
        a.file_order,
        c.cond_type in ('pdx_in', 'ppx_in', 'any_px_in', 'any_dx_in')       as is_positive_list
    from {{ grouper_scheme_table('adrg_conditions') }} as c
    join {{ grouper_scheme_table('adrgs') }} as a
        on a.scheme_key = c.scheme_key and a.adrg_code = c.adrg_code
)
{%- endmacro %}
