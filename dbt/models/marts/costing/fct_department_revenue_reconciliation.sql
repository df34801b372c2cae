{#- Department revenue reconciliation (科室收入核对): the ledger's medical revenue of each cost centre and
    month (costing input dept_revenue, 医疗收入) against the front-page charges (住院总费用 ZFY) of the cases
    discharged from it that month (出院科别 → inpatient cost centre, dept_mapping).
    Grain: hospital_id × cost_month × cost_center_code (every dept_revenue cost centre-month and every
    cost centre-month with mapped discharges).
    difference_amount = front-page charges − ledger inpatient revenue; front_page_to_ledger_ratio =
    front-page charges / ledger inpatient revenue. The two are not expected to be equal: the ledger books
    revenue when a service is rendered, for the department that rendered or ordered it, including patients
    still in hospital at month end and the days before a transfer; the front page books the whole stay in
    the discharge department and month. reconciliation_status:
      not_clinical        revenue of a 医技/医辅/行政 centre (no front-page counterpart; reported only)
      outpatient_only     no inpatient ledger revenue and no discharges (e.g. a clinic half; reported only)
      no_ledger_revenue   discharges but no inpatient ledger revenue
      matched             |difference| ≤ revenue_reconciliation_tolerance × ledger inpatient revenue
      no_front_page_cases ledger inpatient revenue but no discharges
      differs             otherwise.
    dept_revenue also feeds the optional driver revenue_share (收入比重, int_allocation_shares_computed),
    but it is not the default step-3 driver nor the CCR denominator: the step-3 driver 收入(开单科室口径) needs
    the revenue each 医技 department earned on each clinical department's orders (a source × target
    quantity, allocation_drivers ordering_revenue), which a cost centre's own revenue does not give; and
    the CCR method divides a unit's cost by the front-page charges of its own cases, so that each unit's
    cost is absorbed by its cases in full. This mart shows how far the ledger's revenue is from those
    charges. -#}
with p as (
    -- tolerance of the costing parameter version in force in each month
    select cost_month,
           cast(max(case when parameter = 'revenue_reconciliation_tolerance' then value end) as double) as tolerance
    from {{ ref('int_costing_parameters_by_month') }}
    group by cost_month
),
ledger as (
    select hospital_id, revenue_month as cost_month, cost_center_code,
           sum(case when patient_type = 'inpatient' then amount end)  as ledger_inpatient_revenue_amount,
           sum(case when patient_type = 'outpatient' then amount end) as ledger_outpatient_revenue_amount
    from {{ ref('stg_costing__dept_revenues') }}
    group by hospital_id, revenue_month, cost_center_code
),
front as (
    select hospital_id, cost_month, cost_center_code, count(*) as case_count,
           sum(total_cost_amount) as front_page_revenue_amount
    from {{ ref('int_discharges_prepared_for_costing') }}
    where cost_center_code is not null
    group by hospital_id, cost_month, cost_center_code
),
joined as (
    select coalesce(l.hospital_id, f.hospital_id) as hospital_id,
           coalesce(l.cost_month, f.cost_month) as cost_month,
           coalesce(l.cost_center_code, f.cost_center_code) as cost_center_code,
           l.ledger_inpatient_revenue_amount, l.ledger_outpatient_revenue_amount,
           coalesce(f.case_count, 0) as case_count,
           coalesce(f.front_page_revenue_amount, 0) as front_page_revenue_amount
    from ledger as l
    full outer join front as f
      on f.hospital_id = l.hospital_id and f.cost_month = l.cost_month and f.cost_center_code = l.cost_center_code
)
select
    cast(j.hospital_id as {{ dbt.type_string() }})                  as hospital_id,
    cast(j.cost_month as date)                                      as cost_month,
    cast(j.cost_center_code as {{ dbt.type_string() }})             as cost_center_code,
    cast(d.dept_class as {{ dbt.type_string() }})                   as dept_class,
    cast(d.care_setting as {{ dbt.type_string() }})                 as care_setting,
    cast(j.ledger_inpatient_revenue_amount as decimal(18,2))        as ledger_inpatient_revenue_amount,
    cast(j.ledger_outpatient_revenue_amount as decimal(18,2))       as ledger_outpatient_revenue_amount,
    cast(j.case_count as bigint)                                    as case_count,
    cast(j.front_page_revenue_amount as decimal(18,2))              as front_page_revenue_amount,
    cast(j.front_page_revenue_amount - j.ledger_inpatient_revenue_amount as decimal(18,2)) as difference_amount,
    cast({{ safe_ratio('j.front_page_revenue_amount', 'j.ledger_inpatient_revenue_amount') }} as double)
                                                                    as front_page_to_ledger_ratio,
    cast(p.tolerance as double)                                     as tolerance,
    cast(case
        when coalesce(d.dept_class, '') <> 'clinical' then 'not_clinical'
        when j.ledger_inpatient_revenue_amount is null and j.case_count = 0 then 'outpatient_only'
        when j.ledger_inpatient_revenue_amount is null then 'no_ledger_revenue'
        when abs(j.front_page_revenue_amount - j.ledger_inpatient_revenue_amount)
             <= p.tolerance * abs(j.ledger_inpatient_revenue_amount) then 'matched'
        when j.case_count = 0 then 'no_front_page_cases'
        else 'differs' end as {{ dbt.type_string() }})              as reconciliation_status
from joined as j
left join p on p.cost_month = j.cost_month
left join {{ ref('stg_costing__departments') }} as d
  on d.hospital_id = j.hospital_id and d.cost_center_code = j.cost_center_code
