{#- Margins per DRG and month (DRG 盈亏/结余分析). Grain: hospital_id × cost_month × costing_method ×
    revenue_basis × scheme_version × drg_code. revenue_basis on every row: item_revenue (住院总费用) |
    drg_payment (simulated DRG payment); costing_method: top_down | ccr. Measures: macro margin_measures
    (defined once). Costed cases only.
    Break-even (保本点): fixed cost = Σ (full − variable), treated as fixed; contribution per case =
    (Σ revenue − Σ variable) / cases; break_even_case_count = fixed / contribution per case, null with
    has_no_break_even when the contribution per case ≤ 0. -#}
with s as (
    -- the cases once per costing method, both revenue bases at once (macro margin_sums)
    select
        hospital_id, cost_month, costing_method, scheme_version, drg_code,
        {{ margin_sums() | indent(4) }}
    from {{ ref('int_discharges_joined_to_revenue_bases') }}
    group by hospital_id, cost_month, costing_method, scheme_version, drg_code
),
m as (
    select
        s.hospital_id, s.cost_month, s.costing_method, b.revenue_basis, s.scheme_version, s.drg_code,
        {{ margin_measures() }}
    from s
    cross join {{ revenue_bases() }} as b
)
select
    m.*,
    cast(full_cost_amount - variable_cost_amount as decimal(18,2))              as fixed_cost_amount,
    cast(marginal_contribution_amount / case_count as double)                   as contribution_per_case_amount,
    cast(case when marginal_contribution_amount > 0
              then (full_cost_amount - variable_cost_amount) / (marginal_contribution_amount / case_count)
         end as double)                                                         as break_even_case_count,
    cast(marginal_contribution_amount <= 0 as boolean)                          as has_no_break_even
from m
