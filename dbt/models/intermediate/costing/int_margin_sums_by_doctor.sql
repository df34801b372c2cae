{#- The sums behind the margin measures (macro margin_sums: exact, so they roll up) of the costed cases per
    attending doctor within the department, its inpatient cost centre and month, per costing method, for both
    revenue bases at once. fct_department_margins, fct_doctor_margins and fct_monthly_margins roll this up
    (macro margin_sums_rolled_up) instead of each aggregating the 2 × 2 case rows of every discharge.
    Grain: hospital_id × cost_month × costing_method × discharge_dept_code × cost_center_code ×
    attending_doctor. -#}
select
    hospital_id, cost_month, costing_method, discharge_dept_code, cost_center_code, attending_doctor,
    {{ margin_sums() }}
from {{ ref('int_discharges_joined_to_revenue_bases') }}
group by hospital_id, cost_month, costing_method, discharge_dept_code, cost_center_code, attending_doctor
