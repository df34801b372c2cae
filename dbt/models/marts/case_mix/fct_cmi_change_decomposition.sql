{#- CMI change decomposition (CMI变动分解) between two months of one unit, both priced with ONE weight
    version (parameter decomposition_weight_version; empty = the active version with the latest
    effective_from), so a change of weights never shows up as a change of case mix.
    Grain: unit_level (hospital | department) × hospital_id × discharge_dept_code ('' at hospital level)
    × comparison (same_month_last_year | previous_month) × discharge_month (the second period);
    a row when both months have grouped cases weighted under that version.
    Period 1 = base month, period 2 = discharge_month. N = grouped cases, TW = Σ RW, CMI = TW / N;
    s_a = n_a / N the ADRG's share of cases, w̄_a = its mean RW (an ADRG missing in one period takes
    the other period's w̄_a, so it contributes mix only).
      total_weight_change = TW2 − TW1 = volume_effect + cmi_effect
        volume_effect = (N2 − N1) · CMI1          cmi_effect = N2 · (CMI2 − CMI1)
      cmi_change = CMI2 − CMI1 = adrg_mix_effect + severity_effect
        adrg_mix_effect = Σ_a (s_a2 − s_a1) · w̄_a1      severity_effect = Σ_a s_a2 · (w̄_a2 − w̄_a1)
    Computed as X = Σ_{a in period 2} s_a2 · w̄_a1* (w̄_a1* = w̄_a1, or w̄_a2 when a is not in period 1):
    adrg_mix_effect = X − CMI1 and severity_effect = CMI2 − X, which is the formula above (Σ_a s_a1 w̄_a1 =
    CMI1, Σ_a s_a2 w̄_a2 = CMI2, and an ADRG absent from period 2 has s_a2 = 0), so only period 2's ADRGs
    need their period-1 row: one left join instead of a full outer join of both periods.
    The same within-ADRG term on mean cost and mean LOS: cost_within_adrg_change_rate =
    Σ_a s_a2 (c̄_a2 − c̄_a1) / Σ_a s_a2 c̄_a1 (likewise LOS). Coding drift (编码高套 suspicion):
    severity_share = severity_effect / CMI1 >= drift_min_severity_share while both within-ADRG cost and
    LOS change rates are < drift_follow_ratio × severity_share. -#}

with params as (
    {{ case_mix_parameters() }}
),

latest as (
    select weight_version from (
        select weight_version,
               row_number() over (order by effective_from desc, weight_version desc) as rn
        from {{ ref('int_weight_versions_resolved') }}
    ) as ranked
    where rn = 1
),

fixed as (
    select coalesce(p.decomposition_weight_version, l.weight_version) as weight_version
    from params as p
    cross join latest as l
),

cases as (
    select c.hospital_id, c.discharge_dept_code, c.discharge_month, c.adrg_code,
           w.rw, cast(c.total_cost_amount as double) as cost, c.los_days, f.weight_version
    from {{ ref('fct_case_mix_discharges') }} as c
    cross join fixed as f
    join {{ ref('int_drg_weights_derived') }} as w
      on w.weight_version = f.weight_version and w.scheme_version = c.scheme_version and w.drg_code = c.drg_code
    where c.grouping_status = 'grouped' and w.rw is not null
),

-- the department level aggregates the cases once; the hospital level adds up its departments' exact
-- DECIMAL sums (exact_sum_decimal), so both levels are what an exact_sum over the cases would give
department_adrgs as (
    select hospital_id, coalesce(discharge_dept_code, '') as discharge_dept_code, discharge_month, adrg_code,
           count(*) as n, {{ exact_sum_decimal('rw') }} as rw_sum, {{ exact_sum_decimal('cost') }} as cost_sum,
           {{ exact_sum_decimal('los_days') }} as los_sum
    from cases group by hospital_id, coalesce(discharge_dept_code, ''), discharge_month, adrg_code
),

unit_adrgs_by_month as (
    select 'hospital' as unit_level, hospital_id, '' as discharge_dept_code, discharge_month, adrg_code,
           cast(sum(n) as bigint) as n, {{ exact_sum_result('sum(rw_sum)') }} as rw_sum,
           {{ exact_sum_result('sum(cost_sum)') }} as cost_sum, {{ exact_sum_result('sum(los_sum)') }} as los_sum
    from department_adrgs group by hospital_id, discharge_month, adrg_code
    union all
    select 'department', hospital_id, discharge_dept_code, discharge_month, adrg_code,
           n, {{ exact_sum_result('rw_sum') }}, {{ exact_sum_result('cost_sum') }}, {{ exact_sum_result('los_sum') }}
    from department_adrgs
),

-- month_no: an integer month (year × 12 + month), so the base month is month_no − 12 or − 1 in a join key
unit_adrgs as (
    select *, cast(extract(year from discharge_month) * 12 + extract(month from discharge_month) as integer) as month_no
    from unit_adrgs_by_month
),

unit_months as (
    select unit_level, hospital_id, discharge_dept_code, discharge_month,
           sum(n) as n, {{ exact_sum('rw_sum') }} as rw_sum, {{ exact_sum('cost_sum') }} as cost_sum,
           {{ exact_sum('los_sum') }} as los_sum,
           count(*) as adrg_n
    from unit_adrgs group by unit_level, hospital_id, discharge_dept_code, discharge_month
),

periods as (
    select unit_level, hospital_id, discharge_dept_code, discharge_month,
           'same_month_last_year' as comparison,
           cast({{ dbt.dateadd('month', -12, 'discharge_month') }} as date) as base_month
    from unit_months
    union all
    select unit_level, hospital_id, discharge_dept_code, discharge_month,
           'previous_month',
           cast({{ dbt.dateadd('month', -1, 'discharge_month') }} as date)
    from unit_months
),

pairs as (
    select p.unit_level, p.hospital_id, p.discharge_dept_code, p.discharge_month, p.comparison, p.base_month,
           m1.n as n1, m1.rw_sum as tw1, m1.cost_sum as cost1, m1.los_sum as los1, m1.adrg_n as adrg_n1,
           m2.n as n2, m2.rw_sum as tw2, m2.cost_sum as cost2, m2.los_sum as los2, m2.adrg_n as adrg_n2
    from periods as p
    join unit_months as m1
      on m1.unit_level = p.unit_level and m1.hospital_id = p.hospital_id
     and m1.discharge_dept_code = p.discharge_dept_code and m1.discharge_month = p.base_month
    join unit_months as m2
      on m2.unit_level = p.unit_level and m2.hospital_id = p.hospital_id
     and m2.discharge_dept_code = p.discharge_dept_code and m2.discharge_month = p.discharge_month
),

-- period 2's ADRGs with their period-1 means (null when the ADRG is new): one left join per comparison
adrg_pairs as (
    select a2.unit_level, a2.hospital_id, a2.discharge_dept_code, a2.discharge_month,
           'same_month_last_year' as comparison, a2.n as n2, a2.rw_sum / a2.n as w2,
           a2.cost_sum / a2.n as c2, a2.los_sum / a2.n as l2,
           a1.rw_sum / a1.n as w1, a1.cost_sum / a1.n as c1, a1.los_sum / a1.n as l1
    from unit_adrgs as a2
    left join unit_adrgs as a1
      on a1.unit_level = a2.unit_level and a1.hospital_id = a2.hospital_id
     and a1.discharge_dept_code = a2.discharge_dept_code and a1.month_no = a2.month_no - 12
     and a1.adrg_code = a2.adrg_code
    union all
    select a2.unit_level, a2.hospital_id, a2.discharge_dept_code, a2.discharge_month,
           'previous_month', a2.n, a2.rw_sum / a2.n, a2.cost_sum / a2.n, a2.los_sum / a2.n,
           a1.rw_sum / a1.n, a1.cost_sum / a1.n, a1.los_sum / a1.n
    from unit_adrgs as a2
    left join unit_adrgs as a1
      on a1.unit_level = a2.unit_level and a1.hospital_id = a2.hospital_id
     and a1.discharge_dept_code = a2.discharge_dept_code and a1.month_no = a2.month_no - 1
     and a1.adrg_code = a2.adrg_code
),

-- X = Σ_{a in period 2} s_a2 · w̄_a1* (and the same on cost and LOS), per unit × month × comparison
sums as (
    select unit_level, hospital_id, discharge_dept_code, discharge_month, comparison,
           sum(case when w1 is not null then 1 else 0 end)                  as adrg_both_n,
           {{ exact_sum('n2 * coalesce(w1, w2)') }}                          as x_rw,
           {{ exact_sum('n2 * coalesce(c1, c2)') }}                          as x_cost,
           {{ exact_sum('n2 * coalesce(l1, l2)') }}                          as x_los
    from adrg_pairs
    group by unit_level, hospital_id, discharge_dept_code, discharge_month, comparison
),

effects as (
    select
        p.unit_level, p.hospital_id, p.discharge_dept_code, p.discharge_month, p.comparison,
        p.adrg_n1 + p.adrg_n2 - x.adrg_both_n                               as adrg_count,
        x.x_rw / p.n2 - p.tw1 / p.n1                                        as adrg_mix_effect,
        p.tw2 / p.n2 - x.x_rw / p.n2                                        as severity_effect,
        p.cost2 / p.n2 - x.x_cost / p.n2                                    as cost_within_change,
        x.x_cost / p.n2                                                     as cost_within_base,
        p.los2 / p.n2 - x.x_los / p.n2                                      as los_within_change,
        x.x_los / p.n2                                                      as los_within_base
    from pairs as p
    join sums as x
      on x.unit_level = p.unit_level and x.hospital_id = p.hospital_id
     and x.discharge_dept_code = p.discharge_dept_code and x.discharge_month = p.discharge_month
     and x.comparison = p.comparison
),

measured as (
    select
        p.*,
        f.weight_version,
        p.tw1 / p.n1                                                 as cmi1,
        p.tw2 / p.n2                                                 as cmi2,
        e.adrg_count, e.adrg_mix_effect, e.severity_effect,
        e.severity_effect / nullif(p.tw1 / p.n1, 0)                  as severity_share,
        e.cost_within_change / nullif(e.cost_within_base, 0)         as cost_within_rate,
        e.los_within_change / nullif(e.los_within_base, 0)           as los_within_rate,
        pr.drift_min_severity_share, pr.drift_follow_ratio
    from pairs as p
    join effects as e
      on e.unit_level = p.unit_level and e.hospital_id = p.hospital_id
     and e.discharge_dept_code = p.discharge_dept_code and e.discharge_month = p.discharge_month
     and e.comparison = p.comparison
    cross join fixed as f
    cross join params as pr
)

select
    cast(unit_level as {{ dbt.type_string() }})                 as unit_level,
    cast(hospital_id as {{ dbt.type_string() }})                as hospital_id,
    cast(discharge_dept_code as {{ dbt.type_string() }})        as discharge_dept_code,
    cast(comparison as {{ dbt.type_string() }})                 as comparison,
    cast(base_month as date)                                    as base_month,
    cast(discharge_month as date)                               as discharge_month,
    cast(weight_version as {{ dbt.type_string() }})             as weight_version,
    cast(n1 as bigint)                                          as base_case_count,
    cast(n2 as bigint)                                          as case_count,
    cast(tw1 as double)                                         as base_total_weight,
    cast(tw2 as double)                                         as total_weight,
    cast(cmi1 as double)                                        as base_cmi,
    cast(cmi2 as double)                                        as cmi,
    cast(tw2 - tw1 as double)                                   as total_weight_change,
    cast((n2 - n1) * cmi1 as double)                            as volume_effect,
    cast(n2 * (cmi2 - cmi1) as double)                          as cmi_effect,
    cast(cmi2 - cmi1 as double)                                 as cmi_change,
    cast(adrg_mix_effect as double)                             as adrg_mix_effect,
    cast(severity_effect as double)                             as severity_effect,
    cast(adrg_count as bigint)                                  as adrg_count,
    cast(cost1 / n1 as double)                                  as base_avg_cost_amount,
    cast(cost2 / n2 as double)                                  as avg_cost_amount,
    cast(los1 / n1 as double)                                   as base_avg_los_days,
    cast(los2 / n2 as double)                                   as avg_los_days,
    cast(severity_share as double)                              as severity_share,
    cast(cost_within_rate as double)                            as cost_within_adrg_change_rate,
    cast(los_within_rate as double)                             as los_within_adrg_change_rate,
    cast(coalesce(severity_share >= drift_min_severity_share
                  and cost_within_rate < drift_follow_ratio * severity_share
                  and los_within_rate < drift_follow_ratio * severity_share, false) as boolean) as is_coding_drift_suspected,
    cast(case when severity_share >= drift_min_severity_share
                   and cost_within_rate < drift_follow_ratio * severity_share
                   and los_within_rate < drift_follow_ratio * severity_share
              then '疑似编码高套：ADRG 内严重程度效应 ' || cast(round(severity_share * 100, 1) as {{ dbt.type_string() }})
                   || '% of CMI，而 ADRG 内费用变化 ' || cast(round(cost_within_rate * 100, 1) as {{ dbt.type_string() }})
                   || '%，住院日变化 ' || cast(round(los_within_rate * 100, 1) as {{ dbt.type_string() }}) || '%'
         end as {{ dbt.type_string() }})                        as drift_note
from measured
