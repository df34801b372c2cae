{#- Decisions of the grouper that are derived on read from the integers int_discharges_grouped stores (`g` is
    its alias), so that they are not written as text for every case (docs/grouper.md, sixth pass). -#}

{#- dx_match: 'dagger' when the MDC or the deciding pdx_in list used the dagger part of the principal
    diagnosis (form rank 2), 'whole' when the whole code decided (rank 1), null when no diagnosis lookup
    decided (MDCA, 0000) or the case was not grouped. -#}
{% macro grouper_dx_match(g) -%}
case when {{ g }}.mdc_code is null then cast(null as varchar)
     when {{ g }}.pdx_form_rank = 2 or {{ g }}.mdc_form_rank = 2 then 'dagger'
     when {{ g }}.pdx_form_rank = 1 or {{ g }}.mdc_form_rank = 1 then 'whole'
end
{%- endmacro %}

{#- The ADRG step's result of a valid case: adrg | qy ('<MDC>QY') | 0000 (no MDC). -#}
{% macro grouper_assignment(g) -%}
case when {{ g }}.mdc_code is null then '0000'
     when {{ g }}.adrg_code = {{ g }}.mdc_code || 'QY' then 'qy'
     else 'adrg' end
{%- endmacro %}

{#- The ADRG's name: '歧义组' for QY, else from the scheme's adrgs row (alias `a`, joined on scheme_version and
    adrg_code). -#}
{% macro grouper_adrg_name(g, a) -%}
case when {{ g }}.adrg_code = {{ g }}.mdc_code || 'QY' then '歧义组' else {{ a }}.adrg_name end
{%- endmacro %}

{#- The severity trace of a valid case without a row in int_discharges_assessed_for_severity (no secondary
    diagnosis on the MCC/CC list). -#}
{% macro grouper_no_severity_trace() -%}
'严重程度 无（其他诊断均不在 MCC/CC 表）'
{%- endmacro %}
