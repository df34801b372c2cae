{#- Front-page 出院科别 (CYKB) → cost centres. A stay is costed in the cost centre of its discharge
    department; transfers (转科) are not costed separately. -#}
select
    cast(hospital_id as {{ dbt.type_string() }})                  as hospital_id,
    cast(discharge_dept_code as {{ dbt.type_string() }})          as discharge_dept_code,
    cast(inpatient_cost_center_code as {{ dbt.type_string() }})   as inpatient_cost_center_code,
    cast(outpatient_cost_center_code as {{ dbt.type_string() }})  as outpatient_cost_center_code
from {{ source('costing', 'dept_mapping') }}
