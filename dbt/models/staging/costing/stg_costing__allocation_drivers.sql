select
    cast(hospital_id as {{ dbt.type_string() }})                as hospital_id,
    cast(month as date)                                         as cost_month,
    cast(driver as {{ dbt.type_string() }})                     as driver,
    cast(source_cost_center_code as {{ dbt.type_string() }})    as source_cost_center_code,
    cast(target_cost_center_code as {{ dbt.type_string() }})    as target_cost_center_code,
    cast(quantity as double)                                    as quantity
from {{ source('costing', 'allocation_drivers') }}
