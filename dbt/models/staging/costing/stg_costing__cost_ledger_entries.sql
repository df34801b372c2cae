select
    cast(hospital_id as {{ dbt.type_string() }})        as hospital_id,
    cast(month as date)                                 as cost_month,
    cast(cost_center_code as {{ dbt.type_string() }})   as cost_center_code,
    cast(cost_item as {{ dbt.type_string() }})          as cost_item,
    cast(fund_source as {{ dbt.type_string() }})        as fund_source,
    cast(amount as decimal(18,2))                       as amount
from {{ source('costing', 'cost_ledger') }}
