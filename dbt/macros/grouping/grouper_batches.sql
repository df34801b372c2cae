{#- Grouping in batches of discharge months (issue #4 / #7: the grouper's one statement spills at 10 M cases).

    int_discharges_grouped is one statement over every case (docs/grouper.md, sixth pass). Over a large
    backfill its hash tables outgrow DuckDB's memory and spill: 201 s for 10 M cases against ≈ 5-7 s for 1 M.
    The materialization `grouper_batched_table` builds the table in batches of whole discharge months of at
    most `grouper_batch_cases` cases each (var; a larger month is a batch of its own), each batch the same
    statement with the month filter in place of the marker `grouper_batch_filter()`; the first batch
    creates the table, the others insert into it, and the table then replaces the old one as dbt's table
    materialization does (build under a temporary name, rename, drop the backup after the commit). A case's
    rows (discharge, diagnoses, procedures) share its partition_month, so a batch holds whole cases and
    the rows are those of one statement over all months. When every case fits in one batch (the default
    limit is above a month of a large province) the statement runs once, unchanged.

    The marker renders `true` (with a comment the materialization finds), so every other reader of the
    ephemeral models (the trace view, dbt unit tests) sees no filter. -#}

{% macro grouper_batch_filter() -%}
  /* grouper_batch */ true
{%- endmacro %}

{#- The batches: lists of partition months (text 'YYYY-MM-DD'; none for rows without one), in month
    order, each with at most max_cases discharges (a month with more is a batch alone). Needs the database
    (run time). -#}
{% macro grouper_month_batches(max_cases) -%}
  {%- set rows = run_query("select cast(partition_month as varchar) as m, count(*) as n from "
                           ~ ref('stg_front_page__discharges') ~ " group by 1 order by 1") -%}
  {%- set batches = [] -%}
  {%- set current = {'months': [], 'cases': 0} -%}
  {%- for row in rows -%}
    {%- if current['months'] | length > 0 and current['cases'] + row[1] > max_cases -%}
      {%- do batches.append(current['months']) -%}
      {%- do current.update({'months': [], 'cases': 0}) -%}
    {%- endif -%}
    {%- do current['months'].append(row[0]) -%}
    {%- do current.update({'cases': current['cases'] + row[1]}) -%}
  {%- endfor -%}
  {%- if current['months'] | length > 0 -%}{%- do batches.append(current['months']) -%}{%- endif -%}
  {{ return(batches) }}
{%- endmacro %}

{#- The model's compiled SQL for one batch: every marker replaced by the month filter. -#}
{% macro grouper_batch_sql(sql, months) -%}
  {%- set marker = grouper_batch_filter() | trim -%}
  {%- if marker not in sql -%}
    {{ exceptions.raise_compiler_error("grouper_batched_table: the model's SQL has no grouper_batch_filter() marker") }}
  {%- endif -%}
  {%- set values = [] -%}
  {%- for m in months if m is not none -%}{%- do values.append("cast('" ~ m ~ "' as date)") -%}{%- endfor -%}
  {%- set predicate = "partition_month in (" ~ (values | join(", ") if values else "null") ~ ")" -%}
  {#- the range as well: DuckDB (1.5) pushes a range below the unnest of the front_page.diagnoses /
      procedures views into the stage scan, an IN list of several months it applies after unnesting every
      list (0.137 s against 0.051 s for two months of the 1M extract's diagnoses, docs/grouper.md) -#}
  {%- if values | length > 1 -%}
    {%- set predicate = "(partition_month between " ~ (values | min) ~ " and " ~ (values | max) ~ " and "
                        ~ predicate ~ ")" -%}
  {%- endif -%}
  {#- rows without a partition month (none are loaded so; kept all the same) go with their batch -#}
  {%- if none in months -%}{%- set predicate = "(" ~ predicate ~ " or partition_month is null)" -%}{%- endif -%}
  {{ return(sql | replace(marker, predicate)) }}
{%- endmacro %}

{% materialization grouper_batched_table, default %}
  {%- set existing_relation = load_cached_relation(this) -%}
  {%- set target_relation = this.incorporate(type='table') -%}
  {%- set intermediate_relation = make_intermediate_relation(target_relation) -%}
  {%- set preexisting_intermediate_relation = load_cached_relation(intermediate_relation) -%}
  {%- set backup_relation_type = 'table' if existing_relation is none else existing_relation.type -%}
  {%- set backup_relation = make_backup_relation(target_relation, backup_relation_type) -%}
  {%- set preexisting_backup_relation = load_cached_relation(backup_relation) -%}
  {%- set batches = grouper_month_batches(grouper_var('grouper_batch_cases') | int) -%}

  {{ drop_relation_if_exists(preexisting_intermediate_relation) }}
  {{ drop_relation_if_exists(preexisting_backup_relation) }}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  {%- if batches | length <= 1 %}
    {% call statement('main') -%}
      {{ create_table_as(False, intermediate_relation, compiled_code) }}
    {%- endcall %}
  {%- else %}
    {{ log("grouper_batched_table " ~ this ~ ": " ~ batches | length ~ " batches of months", info=False) }}
    {% call statement('main') -%}
      {{ create_table_as(False, intermediate_relation, grouper_batch_sql(compiled_code, batches[0])) }}
    {%- endcall %}
    {%- for months in batches[1:] %}
      {% call statement('batch_' ~ loop.index) -%}
        insert into {{ intermediate_relation }} select * from ({{ grouper_batch_sql(compiled_code, months) }}) as batch
      {%- endcall %}
    {%- endfor %}
  {%- endif %}

  {% if existing_relation is not none %}
    {{ adapter.rename_relation(existing_relation, backup_relation) }}
  {% endif %}
  {{ adapter.rename_relation(intermediate_relation, target_relation) }}

  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {% do persist_docs(target_relation, model) %}
  {{ adapter.commit() }}
  {{ drop_relation_if_exists(backup_relation) }}
  {{ run_hooks(post_hooks, inside_transaction=False) }}

  {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
