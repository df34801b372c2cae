{#- Parameters are data (seeds costing_parameters / payment_parameters, long form, versions with effective
    dates). Costing: the version of each month is chosen once, in int_costing_parameters_by_month (the version
    in force on the month's first day, or the one forced by var costing_parameter_version); per-month
    models join that model on cost_month. Payment parameter sets are matched per discharge on their
    effective dates in fct_discharge_payments. No value is written into the SQL. -#}

{% macro payment_region() -%}
'{{ var("payment_region", "DEMO-REGIONAL") }}'
{%- endmacro %}

{#- The month whose costing parameters apply to the settings that are not per month: the quadrant and
    incentive settings (quadrant_x_line, quadrant_layer, quadrant_revenue_basis, quadrant_costing_method,
    incentive_level, incentive_coefficient). fct_drg_quadrants classifies each DRG once over all loaded
    months, fct_rw_incentives weights every month by that one classification, and the payment mart compares
    with the full cost of the same costing method, so one set must apply to all months: the version in
    force on the first day of the latest loaded month that a version covers (with the var, the forced one). -#}
{% macro costing_settings_month() -%}
(select max(cost_month) from {{ ref('int_costing_parameters_by_month') }} where parameter_version is not null)
{%- endmacro %}

{#- A scalar subquery: one of the settings above (parameter, optional key) at costing_settings_month. -#}
{% macro costing_param(parameter, key=none, type='double') -%}
(select cast(max(value) as {{ 'double' if type == 'double' else dbt.type_string() }})
   from {{ ref('int_costing_parameters_by_month') }}
  where cost_month = {{ costing_settings_month() }} and parameter = '{{ parameter }}'
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
