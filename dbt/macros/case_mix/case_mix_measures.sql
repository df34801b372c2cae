{#- The case-mix measures (病例组合指标), defined once and aggregated at every level (unit × month, hospital ×
    month, hospital × year, hospital × MDC × month; and hospital / department over all loaded months in
    costing's efficiency quadrant fct_efficiency_quadrants) straight from the discharge-grain fact
    fct_case_mix_discharges (alias c) and the one-row parameters (alias p). Distinct counts (DRG count,
    MDC coverage) are recomputed at each level, never added up.

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
{% macro case_mix_measures() -%}
    {%- set eff_cost = "c.is_grouped_for_cmi and c.benchmark_mean_cost_amount > 0" -%}
    {%- set eff_los = "c.is_grouped_for_cmi and c.benchmark_mean_los_days > 0" -%}
    cast(count(*) as bigint)                                                            as discharge_count,
    cast(sum({{ case_mix_flag('c.is_excluded') }}) as bigint)                           as excluded_count,
    cast(count(*) - sum({{ case_mix_flag('c.is_excluded') }}) as bigint)                as groupable_count,
    cast(sum({{ case_mix_flag("c.grouping_status = 'grouped'") }}) as bigint)           as grouped_count,
    cast(count(*) - sum({{ case_mix_flag('c.is_excluded') }})
         - sum({{ case_mix_flag("c.grouping_status = 'grouped'") }}) as bigint)         as ungrouped_count,
    cast(sum({{ case_mix_flag("c.grouping_status = 'qy' and not c.is_excluded") }}) as bigint)   as qy_count,
    cast(sum({{ case_mix_flag("c.grouping_status = '0000' and not c.is_excluded") }}) as bigint) as zero_group_count,
    cast(sum({{ case_mix_flag("c.grouping_status in ('invalid', 'cannot_map') and not c.is_excluded") }}) as bigint) as invalid_count,
    cast({{ case_mix_ratio("sum(" ~ case_mix_flag("c.grouping_status = 'grouped'") ~ ")",
                           "count(*) - sum(" ~ case_mix_flag('c.is_excluded') ~ ")") }} as double) as grouping_rate,
    cast({{ case_mix_ratio("sum(" ~ case_mix_flag("c.grouping_status in ('qy', '0000') and not c.is_excluded") ~ ")",
                           "count(*) - sum(" ~ case_mix_flag('c.is_excluded') ~ ")") }} as double) as qy_0000_share,
    cast(sum({{ case_mix_flag('c.is_grouped_for_cmi') }}) as bigint)                    as cmi_case_count,
    cast(sum({{ case_mix_flag("c.grouping_status = 'grouped' and not c.is_grouped_for_cmi") }}) as bigint) as grouped_unweighted_count,
    cast(coalesce({{ exact_sum('case when c.is_grouped_for_cmi then c.rw end') }}, 0) as double) as total_weight,
    cast({{ case_mix_ratio(exact_sum('case when c.is_grouped_for_cmi then c.rw end'),
                           'sum(' ~ case_mix_flag('c.is_grouped_for_cmi') ~ ')') }} as double) as cmi,
    cast(count(distinct case when c.grouping_status = 'grouped' then c.drg_code end) as bigint) as drg_count,
    cast(count(distinct case when c.grouping_status = 'grouped' then c.mdc_code end) as bigint) as mdc_count,
    cast({{ exact_avg('c.los_days') }} as double)                                       as avg_los_days,
    cast({{ exact_avg('c.total_cost_amount') }} as double)                              as avg_cost_amount,
    cast(sum({{ case_mix_flag(eff_cost) }}) as bigint)                                  as efficiency_case_count,
    cast(case when max(p.efficiency_method) = 'ratio_of_sums'
              then {{ case_mix_ratio(exact_sum('case when ' ~ eff_cost ~ ' then c.total_cost_amount end'),
                                     exact_sum('case when ' ~ eff_cost ~ ' then c.benchmark_mean_cost_amount end')) }}
              else {{ case_mix_ratio(exact_sum('case when ' ~ eff_cost ~ ' then cast(c.total_cost_amount as double) / c.benchmark_mean_cost_amount end'),
                                     'sum(' ~ case_mix_flag(eff_cost) ~ ')') }}
         end as double)                                                                 as cost_efficiency_index,
    cast(case when max(p.efficiency_method) = 'ratio_of_sums'
              then {{ case_mix_ratio(exact_sum('case when ' ~ eff_los ~ ' then c.los_days end'),
                                     exact_sum('case when ' ~ eff_los ~ ' then c.benchmark_mean_los_days end')) }}
              else {{ case_mix_ratio(exact_sum('case when ' ~ eff_los ~ ' then cast(c.los_days as double) / c.benchmark_mean_los_days end'),
                                     'sum(' ~ case_mix_flag(eff_los) ~ ')') }}
         end as double)                                                                 as time_efficiency_index,
    cast(max(p.efficiency_method) as {{ dbt.type_string() }})                           as efficiency_method,
    cast(sum({{ case_mix_flag('c.is_death') }}) as bigint)                              as death_count,
    cast({{ case_mix_ratio('sum(' ~ case_mix_flag('c.is_death') ~ ')', 'count(*)') }} as double) as mortality_rate,
    {%- for name, level in [('low_risk', 1), ('medium_low_risk', 2)] %}
    cast(sum({{ case_mix_flag("c.grouping_status = 'grouped' and c.mortality_risk_level = " ~ level) }}) as bigint) as {{ name }}_case_count,
    cast(sum({{ case_mix_flag("c.grouping_status = 'grouped' and c.mortality_risk_level = " ~ level ~ " and c.is_death") }}) as bigint) as {{ name }}_death_count,
    cast({{ case_mix_ratio("sum(" ~ case_mix_flag("c.grouping_status = 'grouped' and c.mortality_risk_level = " ~ level ~ " and c.is_death") ~ ")",
                           "sum(" ~ case_mix_flag("c.grouping_status = 'grouped' and c.mortality_risk_level = " ~ level) ~ ")") }} as double) as {{ name }}_mortality_rate,
    {%- endfor %}
    cast(case when sum({{ case_mix_flag(eff_cost) }}) > 0
              then min(case when {{ eff_cost }} then {{ case_mix_flag('c.is_own_benchmark') }} end) = 1
              else false end as boolean)                                                as is_own_benchmark,
    cast(case when sum({{ case_mix_flag(eff_cost) }}) > 0
                   and min(case when {{ eff_cost }} then {{ case_mix_flag('c.is_own_benchmark') }} end) = 1
              then '单一医院：基准人群即本院病例，本院在基准期内的消耗指数按构造为 1 (one hospital loaded: the benchmark is its own cases, so its index over the benchmark period is 1 by construction)'
         end as {{ dbt.type_string() }})                                                as efficiency_note
{%- endmacro %}
