{#- Margins per hospital and month (DRG 盈亏/结余分析). Grain: hospital_id × cost_month × costing_method × revenue_basis.
    revenue_basis on every row: item_revenue (住院总费用) | drg_payment (simulated DRG payment);
    costing_method: top_down | ccr. Measures: macro margin_measures (defined once), rolled up from int_margin_sums_by_doctor (macro margins_rolled_up_from_doctors). Costed cases only. -#}
{{ margins_rolled_up_from_doctors(['hospital_id', 'cost_month', 'costing_method']) }}
