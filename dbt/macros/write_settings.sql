{#- Engine settings around the write of one model, as its pre_hook / post_hook:

        {{ config(pre_hook="{{ write_without_string_compression() }}",
                  post_hook=[{"sql": "{{ write_with_default_compression() }}", "transaction": false}]) }}

    (the post_hook after the commit: the commit's checkpoint writes the last row groups, and with the
    setting reset inside the transaction a quarter of discharge_id's segments were still FSST at 1 M cases).

    DuckDB: FSST (its string compression) off while the model's table is written, then back to the
    default. FSST costs CPU on strings it can hardly shrink, such as discharge_id (64 hex digits, a
    different value on every row); dictionary compression and the others stay on, so low-cardinality
    texts stay small. The setting is global to the DuckDB instance: a model that another dbt thread
    writes at the same time is written without FSST too (the same rows, a slightly larger file); if the
    model fails, the setting stays until the process ends (only the compression of later writes changes).
    Measured in docs/grouper.md (ninth pass). Other adapters: no statement (an empty hook). -#}
{% macro write_without_string_compression() -%}
  {{ return(adapter.dispatch('write_without_string_compression', 'casemix')()) }}
{%- endmacro %}

{% macro default__write_without_string_compression() -%}
{%- endmacro %}

{% macro duckdb__write_without_string_compression() -%}
  SET disabled_compression_methods = 'fsst'
{%- endmacro %}

{% macro write_with_default_compression() -%}
  {{ return(adapter.dispatch('write_with_default_compression', 'casemix')()) }}
{%- endmacro %}

{% macro default__write_with_default_compression() -%}
{%- endmacro %}

{% macro duckdb__write_with_default_compression() -%}
  RESET disabled_compression_methods
{%- endmacro %}
