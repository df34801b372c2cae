{#- Margins per attending doctor (主治医师) within the department and month (DRG 盈亏/结余分析). Grain: hospital_id × cost_month × costing_method × revenue_basis × discharge_dept_code × attending_doctor.
    revenue_basis on every row: item_revenue (住院总费用) | drg_payment (simulated DRG payment);
    costing_method: top_down | ccr. Measures: macro margin_measures (defined once), rolled up from int_margin_sums_by_doctor. Costed cases only. -#}
with s as (
    select hospital_id, cost_month, costing_method, discharge_dept_code, attending_doctor,
        {{ margin_sums_rolled_up() | indent(4) }}
    from {{ ref('int_margin_sums_by_doctor') }}
    group by hospital_id, cost_month, costing_method, discharge_dept_code, attending_doctor
)
select
    s.hospital_id, s.cost_month, s.costing_method, b.revenue_basis, s.discharge_dept_code, s.attending_doctor,
    {{ margin_measures() }}
from s
cross join {{ revenue_bases() }} as b
