{#- The texts of the codes that satisfied the any_* conditions h1…h8 of the chosen alternative, as one text
    (an aggregate over rows with the condition number `n` and the text `text`): the eight texts in order,
    '|'-separated ('' for none; no code holds a '|'), null when there is none. The ADRG step writes it,
    grouper_hit_text(packed, n) takes the n-th back out in the trace. -#}
{% macro grouper_pack_hit_texts(n, text) -%}
case when count({{ text }}) > 0 then
    {%- for i in range(1, 9) %}
    coalesce(max(case when {{ n }} = {{ i }} then {{ text }} end), ''){{ " || '|' ||" if not loop.last }}
    {%- endfor %}
end
{%- endmacro %}

{% macro grouper_hit_text(packed, n) -%}
nullif(split_part({{ packed }}, '|', {{ n }}), '')
{%- endmacro %}


{#- The ADRG step's trace text of a case (one home; int_discharges_grouped writes it): the per-ADRG head and
    the per-alternative rule template (int_discharges_assigned_to_adrg) with its placeholders {pdx} {ppx}
    {or} {regions} {age_days} {birth_weight_g} {vent_hours} {h1}…{h8} filled from the case; QY has its
    own text. Reads the columns kind_rank, mdc_code, qy_seq, qy_code, trace_head, rule_template,
    has_other_placeholder, pdx_form_rank, pdx_code, pdx_dagger_code, ppx_code, first_or_code,
    body_region_count, age_days, birth_weight_g, vent_hours, hit_texts (h1…h8, grouper_pack_hit_texts) of the row. -#}
{% macro grouper_adrg_trace() -%}
{%- set qy_mode = grouper_qy_mode() -%}
case
         {%- if qy_mode != 'off' %}
         when kind_rank = 2 then
            {{ grouper_concat(["mdc_code", "'QY 歧义组：'", "case when qy_seq = 1 then '主要手术 ' else '手术 ' end",
                               "qy_code", "'(第'", "cast(qy_seq as varchar)", "'位) 是手术室手术，但不符合 MDC'",
                               "mdc_code", "' 任何外科 ADRG（qy_mode=" ~ qy_mode ~ "）'"]) }}
         {%- endif %}
         when mdc_code is not null then
            trace_head
            || case when not has_other_placeholder then
                        replace(replace(rule_template,
                            '{pdx}', case when pdx_form_rank = 2 then pdx_dagger_code || '(剑号部分)' else pdx_code end),
                            '{ppx}', coalesce(ppx_code, ''))
                    else
            {%- for n in range(8, 0, -1) %} replace({% endfor %}
            {%- for a in ['age_days', 'birth_weight_g', 'vent_hours'] %} replace({% endfor %}
            replace(replace(replace(replace(rule_template,
                '{pdx}', case when pdx_form_rank = 2 then pdx_dagger_code || '(剑号部分)' else pdx_code end),
                '{ppx}', coalesce(ppx_code, '')),
                '{or}', coalesce(first_or_code, '')),
                '{regions}', coalesce(cast(body_region_count as varchar), ''))
            {%- for a in ['age_days', 'birth_weight_g', 'vent_hours'] %}
                , '{{ '{' ~ a ~ '}' }}', case when {{ a }} is null then ' 未记录(按设置视为满足)'
                      else ' ' || {{ grouper_num_text('cast(' ~ a ~ ' as double)') }} end)
            {%- endfor %}
            {%- for n in range(1, 9) %}
                , '{{ '{h' ~ n ~ '}' }}', coalesce({{ grouper_hit_text('hit_texts', n) }}, ''))
            {%- endfor %}
               end
    end
{%- endmacro %}


{#- The MDC entry trace of one candidate MDC of a case (one home): int_discharges_assigned_to_adrg writes it
    for the MDCs that were entered but yielded nothing (skipped_trace), int_discharges_grouped for the chosen
    MDC. Built from integers and the case's codes at the end, for the few MDCs that need it, instead of
    writing a text for each of the 2 M candidate rows. `m` is an alias of the scheme's mdcs table (mdc_code,
    mdc_name, entry_rule, sex_restriction); the other arguments are SQL expressions: form_rank (1 the whole
    principal code is in the table, 2 its dagger part), the case's pdx_code / pdx_dagger_code / age_days /
    sex_code, and for multi_trauma the region count, names and the minimum. -#}
{% macro grouper_mdc_trace(m, form_rank, pdx_code, pdx_dagger_code, age_days, sex_code, region_count,
                           region_names, min_regions) -%}
case when {{ m }}.entry_rule = 'adrg_rules'
     then 'MDC' || {{ m }}.mdc_code || ' ' || {{ m }}.mdc_name || '：按 ADRG 规则入组'
     else {{ grouper_concat([
            "'MDC' || " ~ m ~ ".mdc_code || ' ' || " ~ m ~ ".mdc_name || '：主要诊断 '",
            "case when " ~ form_rank ~ " = 1 then " ~ pdx_code ~ " else " ~ pdx_code ~ " || ' 的剑号部分 ' || "
                ~ pdx_dagger_code ~ " end",
            "' 在 MDC' || " ~ m ~ ".mdc_code || ' 主诊表'",
            "case when " ~ m ~ ".entry_rule = 'age_lt_1y' then '，年龄 ' || cast(" ~ age_days ~ " as varchar) || ' 天 < 1 岁' end",
            "case when " ~ m ~ ".entry_rule = 'multi_trauma' then '，诊断涉及 ' || cast(" ~ region_count ~ " as varchar) || ' 个部位（'"
                ~ " || " ~ region_names ~ " || '）≥ ' || " ~ grouper_num_text(min_regions) ~ " end",
            "case when " ~ m ~ ".sex_restriction is not null then '，性别 ' || " ~ sex_code ~ " end",
        ]) }}
end
{%- endmacro %}
