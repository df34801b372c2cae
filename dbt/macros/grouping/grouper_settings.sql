{#- Settings of the grouper: one place for the defaults of its dbt vars (docs/grouper.md).
    Override in dbt_project.yml `vars:` or on the command line (`--vars '{qy_mode: any}'`). -#}
{% macro grouper_var(name) -%}
  {%- set defaults = {
      'scheme_version': none,
      'compare_scheme_versions': [],
      'qy_mode': 'principal',
      'los_exclusion_days': 60,
      'min_cost_amount': 5,
      'newborn_max_age_days': 28,
      'attr_null_passes': ['vent_hours'],
      'code_map_dx_edition': none,
      'code_map_px_edition': none,
      'code_map_version': none,
      'grouper_batch_cases': 1500000,
  } -%}
  {%- if name not in defaults -%}
    {{ exceptions.raise_compiler_error("unknown grouper setting: " ~ name) }}
  {%- endif -%}
  {{ return(var(name, defaults[name])) }}
{%- endmacro %}

{#- The QY mode, checked: off | principal | any. -#}
{% macro grouper_qy_mode() -%}
  {%- set mode = grouper_var('qy_mode') | string | lower -%}
  {%- if mode not in ['off', 'principal', 'any'] -%}
    {{ exceptions.raise_compiler_error("qy_mode must be off, principal or any, not " ~ mode) }}
  {%- endif -%}
  {{ return(mode) }}
{%- endmacro %}

{#- A Python list of strings as a SQL list of literals: ('a', 'b'); an empty list gives (NULL) so that
    `x in (...)` is simply false. -#}
{% macro grouper_sql_list(values) -%}
  {%- if values is string -%}{%- set values = [values] -%}{%- endif -%}
  {%- if values | length == 0 -%}(null){%- else -%}
  ({%- for v in values -%}'{{ v | string | replace("'", "''") }}'{{ ", " if not loop.last }}{%- endfor -%})
  {%- endif -%}
{%- endmacro %}

{#- Whether a code map applies (a source edition is set for dx or px codes). Then the mapped codes depend
    on the target edition of each scheme, and int_grouper_inputs_mapped has one row set per scheme;
    otherwise its rows are the same for every scheme and scheme_version / scheme_key are null there. -#}
{% macro grouper_map_active() -%}
  {{ return(grouper_var('code_map_dx_edition') is not none or grouper_var('code_map_px_edition') is not none) }}
{%- endmacro %}

{#- The join condition of int_grouper_inputs_mapped (alias i) with a discharge x scheme row (alias x). -#}
{% macro grouper_inputs_on(i, x) -%}
  {{ i }}.discharge_key = {{ x }}.discharge_key
  {%- if grouper_map_active() %} and {{ i }}.scheme_key is not distinct from {{ x }}.scheme_key{% endif %}
{%- endmacro %}

{#- The join condition of the principal diagnosis (code_type 'dx', seq 0) or principal procedure ('px', seq 1)
    row of int_grouper_inputs_mapped (alias i) with a discharge x scheme row (alias x): where a trace needs
    the code as text (the grouper itself compares code keys). A plain join, not an aggregated view, so that
    DuckDB builds it on the few rows being traced. -#}
{% macro grouper_principal_code_on(i, x, code_type) -%}
  {{ grouper_inputs_on(i, x) }} and {{ i }}.code_type = '{{ code_type }}'
  and {{ i }}.seq = {{ 0 if code_type == 'dx' else 1 }}
{%- endmacro %}
