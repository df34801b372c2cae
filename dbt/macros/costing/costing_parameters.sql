{#- Parameters are data (seeds costing_parameters / payment_parameters, long form). costing_param returns a
    scalar subquery for one parameter of the selected costing version, so no value is written into the SQL.
    Payment parameter sets are matched per discharge on their effective dates in fct_discharge_payments. -#}

{% macro costing_parameter_version() -%}
'{{ var("costing_parameter_version", "house-1") }}'
{%- endmacro %}

{% macro payment_region() -%}
'{{ var("payment_region", "DEMO-REGIONAL") }}'
{%- endmacro %}

{% macro costing_param(parameter, key=none, type='double') -%}
(select cast(max(value) as {{ 'double' if type == 'double' else dbt.type_string() }})
   from {{ ref('costing_parameters') }}
  where version = {{ costing_parameter_version() }} and parameter = '{{ parameter }}'
    {%- if key is not none %} and key = '{{ key }}'{% endif %})
{%- endmacro %}

{#- The 24 numbered front-page fee items (standards §1.3), without the 其中 sub-items: the schema of
    stg_front_page__discharges, not reference data. Each is the column <item>_amount. -#}
{% macro costing_fee_items() -%}
{{ return(["general_medical_service", "general_treatment", "nursing", "other_comprehensive",
           "pathology_diagnosis", "lab_diagnosis", "imaging_diagnosis", "clinical_diagnosis",
           "non_surgical_treatment", "surgical_treatment", "rehabilitation", "tcm_treatment",
           "western_drug", "chinese_patent_drug", "chinese_herbal_drug", "blood", "albumin", "globulin",
           "coagulation_factor", "cytokine", "exam_material", "treatment_material", "surgical_material",
           "other_fee"]) }}
{%- endmacro %}

{#- Cost layers, cheapest first; each includes the one before. -#}
{% macro costing_layers() -%}
{{ return(["variable", "direct", "medical_business", "full"]) }}
{%- endmacro %}

{#- Money: decimal(18,2) on every engine. -#}
{% macro money(expr) -%}
cast(round({{ expr }}, 2) as decimal(18,2))
{%- endmacro %}

{#- a / b, null when b is null or 0 -#}
{% macro safe_ratio(a, b) -%}
(cast({{ a }} as double) / nullif(cast({{ b }} as double), 0))
{%- endmacro %}
