{#- Aggregates of floating-point values that give the same result whatever order the rows are added in.

    A `sum` or `avg` over `double` depends on the order the engine adds the rows in, and a parallel engine
    (DuckDB with several threads, Spark) adds them in whatever order its threads finish: two runs of the
    same model on the same data then differ in the last bits (README, Known limitations). These macros
    round each value once to `scale` decimal places (a per-row, deterministic step) and add the rounded
    values as DECIMAL(38, scale), which is exact, so the sum cannot depend on the order. The result is
    cast back to double. Portable SQL (DECIMAL(38, s) exists in DuckDB and Spark).

    scale 10 (the default) keeps 28 digits before the point: enough for sums of costs (1e6) over 1e9 rows
    and for sums of their squares; the per-row rounding (5e-11) is far below anything a measure reports.
    Sums of whole numbers or of DECIMAL columns need none of this (they are exact already). -#}

{% macro exact_sum(expr, scale=10) -%}
    {{ exact_sum_result(exact_sum_decimal(expr, scale)) }}
{%- endmacro %}

{#- exact_sum in two steps, for sums that are added up again before they are reported (a coarser grain
    rolled up from a finer one): exact_sum_decimal is the DECIMAL(38, scale) sum, kept as DECIMAL (a sum of
    such sums is exact too, so it equals the sum over all the rows); exact_sum_result casts it to double.
    exact_sum(x) = exact_sum_result(exact_sum_decimal(x)). -#}
{% macro exact_sum_decimal(expr, scale=10) -%}
    sum(cast({{ expr }} as decimal(38, {{ scale }})))
{%- endmacro %}

{% macro exact_sum_result(decimal_sum) -%}
    cast({{ decimal_sum }} as double)
{%- endmacro %}

{#- exact_avg from a kept exact_sum_decimal and the count of the values it added (as exact_avg). -#}
{% macro exact_avg_result(decimal_sum, value_count) -%}
    ({{ exact_sum_result(decimal_sum) }} / nullif({{ value_count }}, 0))
{%- endmacro %}

{#- The mean of the non-null values (as avg): exact_sum / count. -#}
{% macro exact_avg(expr, scale=10) -%}
    ({{ exact_sum(expr, scale) }} / nullif(count({{ expr }}), 0))
{%- endmacro %}

{#- The sample standard deviation (as stddev_samp; null for fewer than 2 values) from the exact sums of the
    values and of their squares: sqrt((Σx² − (Σx)²/n) / (n − 1)), negative rounding residue taken as 0. -#}
{% macro exact_stddev_samp(expr, scale=10) -%}
    (case when count({{ expr }}) > 1 then
        sqrt(greatest(({{ exact_sum('(' ~ expr ~ ') * (' ~ expr ~ ')', scale) }}
                       - {{ exact_sum(expr, scale) }} * {{ exact_sum(expr, scale) }} / count({{ expr }}))
                      / (count({{ expr }}) - 1), 0))
    end)
{%- endmacro %}

{#- exact_sum as a window aggregate: `window` is what goes inside over (…). -#}
{% macro exact_sum_over(expr, window, scale=10) -%}
    cast(sum(cast({{ expr }} as decimal(38, {{ scale }}))) over ({{ window }}) as double)
{%- endmacro %}
