{#- The ADRG step's trace text of a case (one home; int_discharges_grouped writes it): the per-ADRG head and
    the per-alternative rule template (int_discharges_assigned_to_adrg) with its placeholders {pdx} {ppx}
    {or} {regions} {age_days} {birth_weight_g} {vent_hours} {h1}…{h8} filled from the case; QY has its
    own text. Reads the columns kind_rank, mdc_code, qy_seq, qy_code, trace_head, rule_template,
    has_other_placeholder, pdx_form_rank, pdx_code, pdx_dagger_code, ppx_code, first_or_code,
    body_region_count, age_days, birth_weight_g, vent_hours, h1…h8 of the row. -#}
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
                , '{{ '{h' ~ n ~ '}' }}', coalesce(h{{ n }}, ''))
            {%- endfor %}
               end
    end
{%- endmacro %}
