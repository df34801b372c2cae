{#- Costed discharges (costing_status = costed) with their cost layers under each costing method and
    their revenue on both bases: item_revenue_amount (项目收入 = 住院总费用 ZFY) and drg_payment_amount (the
    simulated DRG payment of fct_discharge_payments). Grain: discharge_id × costing_method. The margin
    marts sum both bases at once (macro margin_sums) and make a row per basis from the sums (revenue_bases);
    the quadrant and incentive marts read the one basis of their settings (revenue_basis_rows_of).
    A table (the default), not a view: as a view each of its four readers computed the costs × payments
    join again. At 1M cases that was even with the write of its 2M rows (9.6 / 9.2 s against 10.6 / 9.3 s
    for this model and its readers), but at 10M every reader's join spilled (12.5–14.2 GB of temp files): 138 /
    151 s as a view against 102 / 106 s as a table (docs/costing.md, Speed). -#}
select
    cast(c.discharge_id as {{ dbt.type_string() }})         as discharge_id,
    cast(c.costing_method as {{ dbt.type_string() }})       as costing_method,
    cast(c.hospital_id as {{ dbt.type_string() }})          as hospital_id,
    cast(c.cost_month as date)                              as cost_month,
    cast(c.discharge_dept_code as {{ dbt.type_string() }})  as discharge_dept_code,
    cast(c.cost_center_code as {{ dbt.type_string() }})     as cost_center_code,
    cast(c.attending_doctor as {{ dbt.type_string() }})     as attending_doctor,
    cast(p.scheme_version as {{ dbt.type_string() }})       as scheme_version,
    cast(p.drg_code as {{ dbt.type_string() }})             as drg_code,
    cast(p.grouping_status as {{ dbt.type_string() }})      as grouping_status,
    cast(p.rw as double)                                    as rw,
    cast(c.bed_days as double)                              as bed_days,
    cast(c.item_revenue_amount as decimal(18,2))            as item_revenue_amount,
    cast(p.simulated_payment_amount as decimal(18,2))       as drg_payment_amount,
    c.variable_cost_amount,
    c.direct_cost_amount,
    c.medical_business_cost_amount,
    c.full_cost_amount,
    c.full_cost_incl_fiscal_amount
from {{ ref('fct_discharge_costs') }} as c
join {{ ref('fct_discharge_payments') }} as p on p.discharge_id = c.discharge_id
where c.costing_status = 'costed'
