{#- Helpers of the case-mix models (docs/case_mix.md). Portable SQL only (DuckDB and Spark): no quantile
    functions with per-row arguments, no sum(boolean), every output cast by the caller. -#}

{#- Exact linear-interpolation quantile (type 7, the same as DuckDB quantile_cont and Spark percentile) of
    `value` inside a GROUP BY, for a p that may come from a column (each weight version has its own
    percentiles, which quantile_cont cannot take). The rows must carry `pos` = 0-based rank of value in the
    group (row_number() - 1 over the same partition, ordered by value) and `n` = the group's row count.
    h = (n - 1) * p;  q = x[floor h] + (h - floor h) * (x[floor h + 1] - x[floor h]). -#}
{% macro case_mix_quantile(value, pos, n, p) -%}
    {%- set h = '((' ~ n ~ ' - 1) * ' ~ p ~ ')' -%}
    (max(case when {{ pos }} = floor({{ h }}) then {{ value }} end)
     + max({{ h }} - floor({{ h }}))
       * (coalesce(max(case when {{ pos }} = floor({{ h }}) + 1 then {{ value }} end),
                   max(case when {{ pos }} = floor({{ h }}) then {{ value }} end))
          - max(case when {{ pos }} = floor({{ h }}) then {{ value }} end)))
{%- endmacro %}

{#- num / den, null when den is 0 or null. -#}
{% macro case_mix_ratio(num, den) -%}
    (cast({{ num }} as double) / nullif(cast({{ den }} as double), 0))
{%- endmacro %}

{#- 1 / 0 for a boolean condition (no sum(boolean) on Spark). -#}
{% macro case_mix_flag(condition) -%}
    (case when {{ condition }} then 1 else 0 end)
{%- endmacro %}

{#- Cost layers of fct_discharge_costs a weight version may use as cost basis (var case_mix_cost_layers). -#}
{% macro case_mix_cost_layers() -%}
    {{ return(['variable_cost_amount', 'direct_cost_amount', 'medical_business_cost_amount',
               'full_cost_amount', 'full_cost_incl_fiscal_amount']) }}
{%- endmacro %}

{#- Indicator settings (seed indicator_parameters: parameter, value, notes) as one typed row; the default
    applies when a parameter is missing or empty. The one place that names, types and defaults them. -#}
{% macro case_mix_parameters() -%}
    {%- set params = [
        ('efficiency_method', dbt.type_string(), "'mean_of_ratios'"),
        ('risk_min_cases', 'integer', "'20'"),
        ('zero_mortality_level', 'integer', "'0'"),
        ('decomposition_weight_version', dbt.type_string(), 'null'),
        ('drift_min_severity_share', 'double', "'0.02'"),
        ('drift_follow_ratio', 'double', "'0.5'")
    ] -%}
    select
    {%- for name, type, default in params %}
        cast(coalesce(max(case when parameter = '{{ name }}' and trim(cast(value as {{ dbt.type_string() }})) <> ''
                               then trim(cast(value as {{ dbt.type_string() }})) end), {{ default }}) as {{ type }})
            as {{ name }}{{ ',' if not loop.last }}
    {%- endfor %}
    from {{ ref('indicator_parameters') }}
{%- endmacro %}

{#- Join condition on grain columns that may be null (a department or doctor code left empty on the front
    page is a group of its own in a GROUP BY): l.k is not distinct from r.k for each k. -#}
{% macro case_mix_same_keys(left, right, keys) -%}
    {%- for k in keys %}{{ left }}.{{ k }} is not distinct from {{ right }}.{{ k }}{{ ' and ' if not loop.last }}{% endfor -%}
{%- endmacro %}
