{#- The case-mix measures (病例组合指标), defined once and computed at every level (unit × month, hospital ×
    month, hospital × year, hospital × MDC × month; and hospital / department over all loaded months in
    costing's efficiency quadrant fct_efficiency_quadrants) from the discharge-grain fact
    fct_case_mix_discharges (alias c) and the one-row parameters (alias p), in two steps:

    1. case_mix_measure_parts(): the additive parts, aggregated over the cases of a group: counts of cases
       and exact DECIMAL(38, 10) sums (exact_sum_decimal). A part of a coarser group is the sum of the parts
       of its finer groups, exactly (min for the own-benchmark flag), so int_case_mix_sums_by_doctor_mdc
       aggregates the cases once (hospital × department × doctor × month × MDC) and the marts roll it up
       with case_mix_measure_parts_rolled_up(). The list of parts is case_mix_measure_part_list().
    2. case_mix_measures(s, d): every measure from one row of (rolled-up) parts (alias s) and the distinct
       counts, never added up: the MDC count from the intermediate's rows, which are by MDC
       (case_mix_mdc_count_rolled_up), the DRG count from the cases at the row's own grain (alias d,
       case_mix_drg_count). Each double is computed from the same integers and the same exact sums as an
       aggregate straight over the cases would be, so it is bit for bit the same.

    discharge_count          出院病例数: every discharge
    excluded_count           排除病例: LOS > los_exclusion_days or total cost < min_cost_amount (is_excluded,
                             from int_discharges_prechecked, the one home of groupability)
    groupable_count          discharge_count − excluded_count (入组率 denominator; cases failing the
                             pre-checks stay in it as ungrouped)
    grouped_count            入组病例数: grouping_status = grouped
    qy_count, zero_group_count (0000), invalid_count (invalid + cannot_map): the ungrouped ones
    grouping_rate            入组率 = grouped_count / groupable_count
    qy_0000_share            (qy_count + zero_group_count) / groupable_count
    cmi_case_count           N: grouped cases that found a weight (RW) in the weight version in force
    total_weight             总权重 = Σ RW over the N cases
    cmi                      病例组合指数 CMI = total_weight / cmi_case_count
    drg_count                DRG组数: distinct DRGs among grouped cases
    mdc_count                MDC coverage (MDC覆盖): distinct MDCs among grouped cases
    avg_los_days, avg_cost_amount: 平均住院日 / 次均费用 over every discharge
    efficiency_case_count    cases of N whose DRG has a benchmark mean (cost and LOS)
    cost_efficiency_index    费用消耗指数, time_efficiency_index 时间消耗指数 against the weight version's
                             benchmark population (before trimming), per parameter efficiency_method:
                               mean_of_ratios (default) Σ_g (e_g × n_g) / N, e_g = c̄_g / C_g
                                 = Σ_i (cost_i / C_g(i)) / N  (so it adds up case by case)
                               ratio_of_sums           Σ_i cost_i / Σ_i C_g(i)
    death_count, mortality_rate      deaths / discharges
    low_risk_case_count, low_risk_death_count, low_risk_mortality_rate          低风险组 (risk level 1)
    medium_low_risk_case_count, …_death_count, medium_low_risk_mortality_rate  中低风险组 (level 2)
    is_own_benchmark         every efficiency case is benchmarked on a population made of this hospital's
                             cases only: with one hospital loaded, its index over the benchmark period is 1
                             by construction (efficiency_note says so). -#}

{#- The additive parts: (name, kind, aggregate over the cases c). kind count: a bigint count, rolled up by
    sum; exact: a DECIMAL(38, 10) sum (exact_sum_decimal), rolled up by sum; min: the own-benchmark flag
    (integer 0 / 1, null without efficiency cases), rolled up by min. -#}
{% macro case_mix_measure_part_list() -%}
    {%- set eff_cost = "c.is_grouped_for_cmi and c.benchmark_mean_cost_amount > 0" -%}
    {%- set eff_los = "c.is_grouped_for_cmi and c.benchmark_mean_los_days > 0" -%}
    {%- set parts = [
        ('discharge_count', 'count', 'count(*)'),
        ('excluded_count', 'count', 'sum(' ~ case_mix_flag('c.is_excluded') ~ ')'),
        ('grouped_count', 'count', 'sum(' ~ case_mix_flag("c.grouping_status = 'grouped'") ~ ')'),
        ('qy_count', 'count', 'sum(' ~ case_mix_flag("c.grouping_status = 'qy' and not c.is_excluded") ~ ')'),
        ('zero_group_count', 'count', 'sum(' ~ case_mix_flag("c.grouping_status = '0000' and not c.is_excluded") ~ ')'),
        ('invalid_count', 'count', 'sum(' ~ case_mix_flag("c.grouping_status in ('invalid', 'cannot_map') and not c.is_excluded") ~ ')'),
        ('cmi_case_count', 'count', 'sum(' ~ case_mix_flag('c.is_grouped_for_cmi') ~ ')'),
        ('grouped_unweighted_count', 'count', 'sum(' ~ case_mix_flag("c.grouping_status = 'grouped' and not c.is_grouped_for_cmi") ~ ')'),
        ('rw_sum', 'exact', exact_sum_decimal('case when c.is_grouped_for_cmi then c.rw end')),
        ('los_days_sum', 'exact', exact_sum_decimal('c.los_days')),
        ('los_days_value_count', 'count', 'count(c.los_days)'),
        ('cost_sum', 'exact', exact_sum_decimal('c.total_cost_amount')),
        ('cost_value_count', 'count', 'count(c.total_cost_amount)'),
        ('efficiency_case_count', 'count', 'sum(' ~ case_mix_flag(eff_cost) ~ ')'),
        ('efficiency_cost_sum', 'exact', exact_sum_decimal('case when ' ~ eff_cost ~ ' then c.total_cost_amount end')),
        ('efficiency_benchmark_cost_sum', 'exact', exact_sum_decimal('case when ' ~ eff_cost ~ ' then c.benchmark_mean_cost_amount end')),
        ('efficiency_cost_ratio_sum', 'exact', exact_sum_decimal('case when ' ~ eff_cost ~ ' then cast(c.total_cost_amount as double) / c.benchmark_mean_cost_amount end')),
        ('time_efficiency_case_count', 'count', 'sum(' ~ case_mix_flag(eff_los) ~ ')'),
        ('efficiency_los_sum', 'exact', exact_sum_decimal('case when ' ~ eff_los ~ ' then c.los_days end')),
        ('efficiency_benchmark_los_sum', 'exact', exact_sum_decimal('case when ' ~ eff_los ~ ' then c.benchmark_mean_los_days end')),
        ('efficiency_los_ratio_sum', 'exact', exact_sum_decimal('case when ' ~ eff_los ~ ' then cast(c.los_days as double) / c.benchmark_mean_los_days end')),
        ('death_count', 'count', 'sum(' ~ case_mix_flag('c.is_death') ~ ')'),
        ('own_benchmark_flag', 'min', 'min(case when ' ~ eff_cost ~ ' then ' ~ case_mix_flag('c.is_own_benchmark') ~ ' end)')
    ] -%}
    {%- for name, level in [('low_risk', 1), ('medium_low_risk', 2)] -%}
        {%- do parts.append((name ~ '_case_count', 'count', 'sum(' ~ case_mix_flag("c.grouping_status = 'grouped' and c.mortality_risk_level = " ~ level) ~ ')')) -%}
        {%- do parts.append((name ~ '_death_count', 'count', 'sum(' ~ case_mix_flag("c.grouping_status = 'grouped' and c.mortality_risk_level = " ~ level ~ " and c.is_death") ~ ')')) -%}
    {%- endfor -%}
    {{ return(parts) }}
{%- endmacro %}

{%- macro case_mix_part_type(kind) -%}
    {{ return({'count': 'bigint', 'exact': 'decimal(38, 10)', 'min': 'integer'}[kind]) }}
{%- endmacro %}

{#- The parts aggregated over the cases (alias c) of each group. -#}
{% macro case_mix_measure_parts() -%}
    {%- for name, kind, expr in case_mix_measure_part_list() %}
    cast({{ expr }} as {{ case_mix_part_type(kind) }}) as {{ name }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- The parts of coarser groups from rows of parts (alias s): sums of the sums, min of the flag. -#}
{% macro case_mix_measure_parts_rolled_up(s='s') -%}
    {%- for name, kind, expr in case_mix_measure_part_list() %}
    cast({{ 'min' if kind == 'min' else 'sum' }}({{ s }}.{{ name }}) as {{ case_mix_part_type(kind) }}) as {{ name }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- The distinct counts, recomputed at every level, never added up. DRG count: over the cases (alias c) of
    each group. MDC count: over the rows of int_case_mix_sums_by_doctor_mdc (alias s) of each group, which
    are by MDC: an MDC is among a group's grouped cases when one of its rows has grouped cases. -#}
{% macro case_mix_drg_count() -%}
    cast(count(distinct case when c.grouping_status = 'grouped' then c.drg_code end) as bigint) as drg_count
{%- endmacro %}

{% macro case_mix_mdc_count_rolled_up(s='s') -%}
    cast(count(distinct case when {{ s }}.grouped_count > 0 then {{ s }}.mdc_code end) as bigint) as mdc_count
{%- endmacro %}

{#- The measures from one row of parts with its mdc_count (alias s), its drg_count (alias d; none: no
    drg_count and mdc_count columns) and the parameters (alias p). Not an aggregate. -#}
{% macro case_mix_measures(s='s', d='d', p='p') -%}
    cast({{ s }}.discharge_count as bigint)                                            as discharge_count,
    cast({{ s }}.excluded_count as bigint)                                             as excluded_count,
    cast({{ s }}.discharge_count - {{ s }}.excluded_count as bigint)                   as groupable_count,
    cast({{ s }}.grouped_count as bigint)                                              as grouped_count,
    cast({{ s }}.discharge_count - {{ s }}.excluded_count - {{ s }}.grouped_count as bigint) as ungrouped_count,
    cast({{ s }}.qy_count as bigint)                                                   as qy_count,
    cast({{ s }}.zero_group_count as bigint)                                           as zero_group_count,
    cast({{ s }}.invalid_count as bigint)                                              as invalid_count,
    cast({{ case_mix_ratio(s ~ '.grouped_count', s ~ '.discharge_count - ' ~ s ~ '.excluded_count') }} as double) as grouping_rate,
    cast({{ case_mix_ratio(s ~ '.qy_count + ' ~ s ~ '.zero_group_count', s ~ '.discharge_count - ' ~ s ~ '.excluded_count') }} as double) as qy_0000_share,
    cast({{ s }}.cmi_case_count as bigint)                                             as cmi_case_count,
    cast({{ s }}.grouped_unweighted_count as bigint)                                   as grouped_unweighted_count,
    cast(coalesce({{ exact_sum_result(s ~ '.rw_sum') }}, 0) as double)                 as total_weight,
    cast({{ case_mix_ratio(exact_sum_result(s ~ '.rw_sum'), s ~ '.cmi_case_count') }} as double) as cmi,
    {%- if d is not none %}
    cast({{ d }}.drg_count as bigint)                                                  as drg_count,
    cast({{ s }}.mdc_count as bigint)                                                  as mdc_count,
    {%- endif %}
    cast({{ exact_avg_result(s ~ '.los_days_sum', s ~ '.los_days_value_count') }} as double) as avg_los_days,
    cast({{ exact_avg_result(s ~ '.cost_sum', s ~ '.cost_value_count') }} as double)   as avg_cost_amount,
    cast({{ s }}.efficiency_case_count as bigint)                                      as efficiency_case_count,
    cast(case when {{ p }}.efficiency_method = 'ratio_of_sums'
              then {{ case_mix_ratio(exact_sum_result(s ~ '.efficiency_cost_sum'), exact_sum_result(s ~ '.efficiency_benchmark_cost_sum')) }}
              else {{ case_mix_ratio(exact_sum_result(s ~ '.efficiency_cost_ratio_sum'), s ~ '.efficiency_case_count') }}
         end as double)                                                                as cost_efficiency_index,
    cast(case when {{ p }}.efficiency_method = 'ratio_of_sums'
              then {{ case_mix_ratio(exact_sum_result(s ~ '.efficiency_los_sum'), exact_sum_result(s ~ '.efficiency_benchmark_los_sum')) }}
              else {{ case_mix_ratio(exact_sum_result(s ~ '.efficiency_los_ratio_sum'), s ~ '.time_efficiency_case_count') }}
         end as double)                                                                as time_efficiency_index,
    cast({{ p }}.efficiency_method as {{ dbt.type_string() }})                         as efficiency_method,
    cast({{ s }}.death_count as bigint)                                                as death_count,
    cast({{ case_mix_ratio(s ~ '.death_count', s ~ '.discharge_count') }} as double)   as mortality_rate,
    {%- for name in ['low_risk', 'medium_low_risk'] %}
    cast({{ s }}.{{ name }}_case_count as bigint)                                      as {{ name }}_case_count,
    cast({{ s }}.{{ name }}_death_count as bigint)                                     as {{ name }}_death_count,
    cast({{ case_mix_ratio(s ~ '.' ~ name ~ '_death_count', s ~ '.' ~ name ~ '_case_count') }} as double) as {{ name }}_mortality_rate,
    {%- endfor %}
    cast(case when {{ s }}.efficiency_case_count > 0 then {{ s }}.own_benchmark_flag = 1
              else false end as boolean)                                               as is_own_benchmark,
    cast(case when {{ s }}.efficiency_case_count > 0 and {{ s }}.own_benchmark_flag = 1
              then '单一医院：基准人群即本院病例，本院在基准期内的消耗指数按构造为 1 (one hospital loaded: the benchmark is its own cases, so its index over the benchmark period is 1 by construction)'
         end as {{ dbt.type_string() }})                                               as efficiency_note
{%- endmacro %}
