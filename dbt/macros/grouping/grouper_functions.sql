{#- Engine-specific functions of the grouper, behind adapter.dispatch so another adapter (Spark) can
    override them with `<adapter>__<macro>` (see /work/shared/stack-notes.md). The default is DuckDB's
    syntax; spark__ versions are written from the Spark SQL reference and have not been run. -#}

{#- The dagger (†) part of a dagger/asterisk code 'A01.002+G01*' -> 'A01.002'; null when the code has no '+'. -#}
{% macro grouper_dagger_part(code) -%}
  {{ return(adapter.dispatch('grouper_dagger_part', 'casemix')(code)) }}
{%- endmacro %}
{% macro default__grouper_dagger_part(code) -%}
  case when strpos({{ code }}, '+') > 1 then split_part({{ code }}, '+', 1) end
{%- endmacro %}
{% macro spark__grouper_dagger_part(code) -%}
  case when instr({{ code }}, '+') > 1 then split_part({{ code }}, '+', 1) end
{%- endmacro %}

{#- Concatenate text values of a group in a given order. -#}
{% macro grouper_string_agg(expr, sep, order_by) -%}
  {{ return(adapter.dispatch('grouper_string_agg', 'casemix')(expr, sep, order_by)) }}
{%- endmacro %}
{% macro default__grouper_string_agg(expr, sep, order_by) -%}
  string_agg({{ expr }}, '{{ sep }}' order by {{ order_by }})
{%- endmacro %}
{% macro spark__grouper_string_agg(expr, sep, order_by) -%}
  array_join(transform(array_sort(collect_list(struct({{ order_by }} as k, {{ expr }} as v))), x -> x.v), '{{ sep }}')
{%- endmacro %}

{#- The value of `value` on the row with the smallest `key` in the group. -#}
{% macro grouper_arg_min(value, key) -%}
  {{ return(adapter.dispatch('grouper_arg_min', 'casemix')(value, key)) }}
{%- endmacro %}
{% macro default__grouper_arg_min(value, key) -%}
  arg_min({{ value }}, {{ key }})
{%- endmacro %}
{% macro spark__grouper_arg_min(value, key) -%}
  min_by({{ value }}, {{ key }})
{%- endmacro %}

{#- Join non-null text values with a separator (nulls are skipped). -#}
{% macro grouper_concat_ws(sep, exprs) -%}
  concat_ws('{{ sep }}', {{ exprs | join(', ') }})
{%- endmacro %}

{#- Number as short text for traces: 12.0 -> '12', 1499.5 -> '1499.5'. -#}
{% macro grouper_num_text(expr) -%}
  case when {{ expr }} = floor({{ expr }}) then cast(cast({{ expr }} as bigint) as varchar)
       else cast({{ expr }} as varchar) end
{%- endmacro %}

{#- ICD-10 医保版/临床版 codes write the extension 'x' in lower case (A00.000x001, J80.x01); staging upper-cases
    diagnosis codes, so an 'X' that follows a digit or a dot is put back to 'x' (a leading chapter letter X,
    as in X59.900, and the first letter after '+' stay upper case). -#}
{% macro grouper_normalize_dx_code(code) -%}
  {{ return(adapter.dispatch('grouper_normalize_dx_code', 'casemix')(code)) }}
{%- endmacro %}
{% macro default__grouper_normalize_dx_code(code) -%}
  case when strpos({{ code }}, 'X') > 0 then regexp_replace({{ code }}, '([0-9.])X', '\1x', 'g') else {{ code }} end
{%- endmacro %}
{% macro spark__grouper_normalize_dx_code(code) -%}
  regexp_replace({{ code }}, '([0-9.])X', '$1x')
{%- endmacro %}

{#- A 64-bit integer key for a text id, so the grouper's big joins and group-bys run on one integer instead
    of a 32-character string. Uniqueness is tested on int_discharges_prechecked (discharge_key, scheme_version). -#}
{% macro grouper_hash_key(expr) -%}
  {{ return(adapter.dispatch('grouper_hash_key', 'casemix')(expr)) }}
{%- endmacro %}
{% macro default__grouper_hash_key(expr) -%}
  hash({{ expr }})
{%- endmacro %}
{% macro spark__grouper_hash_key(expr) -%}
  xxhash64({{ expr }})
{%- endmacro %}

{#- A 64-bit integer key for a diagnosis or procedure code (null for a null code: the engines' hash of null
    is a value), so the grouper's 4.8 M code rows are written, joined and compared as integers; the text of
    a code is taken from the scheme's own list where a trace names a code that matched a list. Two different
    codes sharing a key would make a false match: for the ~10^5 codes of the data and of a scheme the
    chance is about 10^10 / 2^64, below 10^-9 (docs/grouper.md). -#}
{% macro grouper_code_key(expr) -%}
  {{ return(adapter.dispatch('grouper_code_key', 'casemix')(expr)) }}
{%- endmacro %}
{% macro default__grouper_code_key(expr) -%}
  case when {{ expr }} is not null then hash({{ expr }}) end
{%- endmacro %}
{% macro spark__grouper_code_key(expr) -%}
  case when {{ expr }} is not null then xxhash64({{ expr }}) end
{%- endmacro %}

{#- Integer division (truncating) of a non-negative bigint: decodes the packed sort keys of the ADRG step. -#}
{% macro grouper_int_div(a, b) -%}
  {{ return(adapter.dispatch('grouper_int_div', 'casemix')(a, b)) }}
{%- endmacro %}
{% macro default__grouper_int_div(a, b) -%}
  (({{ a }}) // ({{ b }}))
{%- endmacro %}
{% macro spark__grouper_int_div(a, b) -%}
  (({{ a }}) div ({{ b }}))
{%- endmacro %}

{#- The bigint with only bit n set (1 << n): bit masks of the ADRG conditions that hold (cond_no <= 8). -#}
{% macro grouper_bit(n) -%}
  {{ return(adapter.dispatch('grouper_bit', 'casemix')(n)) }}
{%- endmacro %}
{% macro default__grouper_bit(n) -%}
  (cast(1 as bigint) << ({{ n }}))
{%- endmacro %}
{% macro spark__grouper_bit(n) -%}
  shiftleft(cast(1 as bigint), {{ n }})
{%- endmacro %}

{#- Concatenate text parts in one call (one allocation, not one per `||`); null parts count as empty. Used
    for the long trace texts, where every part is known to be non-null. -#}
{% macro grouper_concat(parts) -%}
  {{ return(adapter.dispatch('grouper_concat', 'casemix')(parts)) }}
{%- endmacro %}
{% macro default__grouper_concat(parts) -%}
  concat({{ parts | join(', ') }})
{%- endmacro %}
{% macro spark__grouper_concat(parts) -%}
  concat_ws('', {{ parts | join(', ') }})
{%- endmacro %}

{#- Written after `name as` of a CTE that only filters or renames rows of another one, and is read several
    times: DuckDB would otherwise keep one more copy of it in memory (it materialises a CTE read more than
    once). Inside the one grouper statement (int_discharges_grouped) those copies of 1-5 M rows pushed the
    1 M-case run past the 4 GB memory limit (docs/grouper.md, sixth pass). Spark inlines CTEs anyway. -#}
{% macro grouper_not_materialized() -%}
  {{ return(adapter.dispatch('grouper_not_materialized', 'casemix')()) }}
{%- endmacro %}
{% macro default__grouper_not_materialized() -%}
  not materialized
{%- endmacro %}
{% macro spark__grouper_not_materialized() -%}
{%- endmacro %}

{#- The integer key of a scheme version (null for null), on which the grouper's joins and group-bys run:
    every step joins a case to its scheme, and a join or group-by key of text costs about twice one of
    integers (measured: a 1 M-row join on (bigint, 'CHS-DRG-1.1') 0.12 CPU s against 0.06 on
    (bigint, integer); the grouper statement with integer versions 4.2 s against 4.8 s, docs/grouper.md,
    twelfth pass). The text stays where it is shown (int_discharges_grouped, the trace). The test
    dbt/tests/grouping/grouping_scheme_keys_are_distinct.sql checks that the scheme versions of the
    warehouse have distinct keys. The null-safe hash of grouper_code_key under a name of its own, so a
    unit test can fix the scheme key (or the discharge key, grouper_hash_key) alone. -#}
{% macro grouper_scheme_key(expr) -%}
  {{ return(grouper_code_key(expr)) }}
{%- endmacro %}

{#- A scheme table (source scheme.<name>) with its scheme_key (grouper_scheme_key) beside scheme_version,
    as a subquery to give an alias. -#}
{% macro grouper_scheme_table(name) -%}
  (select t.*, {{ grouper_scheme_key('t.scheme_version') }} as scheme_key from {{ source('scheme', name) }} as t)
{%- endmacro %}
