{#- One row per cost centre (成本核算科室). dept_class: clinical 临床服务类 | medical_technical 医疗技术类 |
    auxiliary 医疗辅助类 | administrative 行政后勤类; care_setting: inpatient 住院 | outpatient 门诊 | none. -#}
select
    cast(hospital_id as {{ dbt.type_string() }})                      as hospital_id,
    cast(cost_center_code as {{ dbt.type_string() }})                 as cost_center_code,
    cast(cost_center_name as {{ dbt.type_string() }})                 as cost_center_name,
    cast(dept_class as {{ dbt.type_string() }})                       as dept_class,
    cast(coalesce(care_setting, 'none') as {{ dbt.type_string() }})   as care_setting,
    cast(allocation_driver as {{ dbt.type_string() }})                as allocation_driver,
    cast(lower(service_kind) as {{ dbt.type_string() }})              as service_kind
from {{ source('costing', 'departments') }}
