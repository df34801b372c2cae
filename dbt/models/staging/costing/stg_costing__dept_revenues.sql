select
    cast(hospital_id as {{ dbt.type_string() }})        as hospital_id,
    cast(month as date)                                 as revenue_month,
    cast(cost_center_code as {{ dbt.type_string() }})   as cost_center_code,
    cast(patient_type as {{ dbt.type_string() }})       as patient_type,
    cast(amount as decimal(18,2))                       as amount
from {{ source('costing', 'dept_revenue') }}
