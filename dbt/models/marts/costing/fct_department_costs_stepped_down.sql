{#- 科室成本 after the step-down (三级分摊). Grain: hospital_id × cost_month × cost_center_code × cost_item ×
    fund_source. final = direct + received in steps 1–3 − allocated out; after step 3 only clinical
    departments keep cost (is_unallocated flags any other department that does: no driver rows).
    final_from_<class>: the final cost by the class where it was first booked. fund_scope is the scope of
    the fund source in the cost month's parameter version (a key of the flows, one per cost_month ×
    fund_source, so grouping by it keeps the grain). -#}
with flows as (
    select * from {{ ref('int_costs_allocated_to_departments') }}
),
received as (
    select hospital_id, cost_month, cost_center_code, cost_item, fund_source, fund_scope,
        sum(case when step = 0 then amount else 0 end) as direct_cost_amount,
        sum(case when step = 1 then amount else 0 end) as received_step1_amount,
        sum(case when step = 2 then amount else 0 end) as received_step2_amount,
        sum(case when step = 3 then amount else 0 end) as received_step3_amount,
        sum(case when step > 0 and origin_class = 'auxiliary' then amount else 0 end) as received_from_auxiliary_amount,
        sum(case when step > 0 and origin_class = 'medical_technical' then amount else 0 end) as received_from_medical_technical_amount,
        sum(case when step > 0 and origin_class = 'administrative' then amount else 0 end) as received_from_administrative_amount,
        sum(case when origin_class = 'clinical' then amount else 0 end) as in_clinical,
        sum(case when origin_class = 'medical_technical' then amount else 0 end) as in_medical_technical,
        sum(case when origin_class = 'auxiliary' then amount else 0 end) as in_auxiliary,
        sum(case when origin_class = 'administrative' then amount else 0 end) as in_administrative
    from flows
    group by hospital_id, cost_month, cost_center_code, cost_item, fund_source, fund_scope
),
given as (
    select hospital_id, cost_month, from_cost_center_code as cost_center_code, cost_item, fund_source,
        sum(amount) as allocated_out_amount,
        sum(case when origin_class = 'clinical' then amount else 0 end) as out_clinical,
        sum(case when origin_class = 'medical_technical' then amount else 0 end) as out_medical_technical,
        sum(case when origin_class = 'auxiliary' then amount else 0 end) as out_auxiliary,
        sum(case when origin_class = 'administrative' then amount else 0 end) as out_administrative
    from flows
    where step > 0
    group by hospital_id, cost_month, from_cost_center_code, cost_item, fund_source
)
select
    cast(r.hospital_id as {{ dbt.type_string() }})        as hospital_id,
    cast(r.cost_month as date)                            as cost_month,
    cast(r.cost_center_code as {{ dbt.type_string() }})   as cost_center_code,
    cast(d.cost_center_name as {{ dbt.type_string() }})   as cost_center_name,
    cast(d.dept_class as {{ dbt.type_string() }})         as dept_class,
    cast(d.care_setting as {{ dbt.type_string() }})       as care_setting,
    cast(r.cost_item as {{ dbt.type_string() }})          as cost_item,
    cast(r.fund_source as {{ dbt.type_string() }})        as fund_source,
    cast(r.fund_scope as {{ dbt.type_string() }})         as fund_scope,
    cast(r.direct_cost_amount as decimal(18,2))           as direct_cost_amount,
    cast(r.received_step1_amount as decimal(18,2))        as received_step1_amount,
    cast(r.received_step2_amount as decimal(18,2))        as received_step2_amount,
    cast(r.received_step3_amount as decimal(18,2))        as received_step3_amount,
    cast(r.received_from_auxiliary_amount as decimal(18,2))          as received_from_auxiliary_amount,
    cast(r.received_from_medical_technical_amount as decimal(18,2))  as received_from_medical_technical_amount,
    cast(r.received_from_administrative_amount as decimal(18,2))     as received_from_administrative_amount,
    cast(coalesce(g.allocated_out_amount, 0) as decimal(18,2))       as allocated_out_amount,
    cast(r.direct_cost_amount + r.received_step1_amount + r.received_step2_amount + r.received_step3_amount
         - coalesce(g.allocated_out_amount, 0) as decimal(18,2))     as final_cost_amount,
    cast(r.in_clinical - coalesce(g.out_clinical, 0) as decimal(18,2))                   as final_from_clinical_amount,
    cast(r.in_medical_technical - coalesce(g.out_medical_technical, 0) as decimal(18,2)) as final_from_medical_technical_amount,
    cast(r.in_auxiliary - coalesce(g.out_auxiliary, 0) as decimal(18,2))                 as final_from_auxiliary_amount,
    cast(r.in_administrative - coalesce(g.out_administrative, 0) as decimal(18,2))       as final_from_administrative_amount,
    cast(d.dept_class <> 'clinical' and r.direct_cost_amount + r.received_step1_amount + r.received_step2_amount
         + r.received_step3_amount - coalesce(g.allocated_out_amount, 0) <> 0 as boolean) as is_unallocated
from received as r
left join given as g
  on g.hospital_id = r.hospital_id and g.cost_month = r.cost_month and g.cost_center_code = r.cost_center_code
 and g.cost_item = r.cost_item and g.fund_source = r.fund_source
join {{ ref('stg_costing__departments') }} as d
  on d.hospital_id = r.hospital_id and d.cost_center_code = r.cost_center_code
