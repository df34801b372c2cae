{#- Margins per hospital and month (DRG 盈亏/结余分析). Grain: hospital_id × cost_month × costing_method × revenue_basis.
    revenue_basis on every row: item_revenue (住院总费用) | drg_payment (simulated DRG payment);
    costing_method: top_down | ccr. Measures: macro margin_measures (defined once), rolled up from int_margin_sums_by_doctor. Costed cases only. -#}
with s as (
    select hospital_id, cost_month, costing_method,
        {{ margin_sums_rolled_up() | indent(4) }}
    from {{ ref('int_margin_sums_by_doctor') }}
    group by hospital_id, cost_month, costing_method
)
select
    s.hospital_id, s.cost_month, s.costing_method, b.revenue_basis,
    {{ margin_measures() }}
from s
cross join {{ revenue_bases() }} as b
