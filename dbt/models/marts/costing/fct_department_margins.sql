{#- Margins per department (出院科别 and its inpatient cost centre) and month (DRG 盈亏/结余分析). Grain: hospital_id × cost_month × costing_method × revenue_basis × discharge_dept_code × cost_center_code.
    revenue_basis on every row: item_revenue (住院总费用) | drg_payment (simulated DRG payment);
    costing_method: top_down | ccr. Measures: macro margin_measures (defined once). Costed cases only. -#}
select
    hospital_id, cost_month, costing_method, revenue_basis, discharge_dept_code, cost_center_code,
    {{ margin_measures() }}
from {{ revenue_basis_rows() }} as r
group by hospital_id, cost_month, costing_method, revenue_basis, discharge_dept_code, cost_center_code
