{#- Custom schemas are used as given (staging, intermediate, marts, reference), not prefixed with the
    target schema, so report tools see stable names such as marts.fct_case_mix_monthly. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
