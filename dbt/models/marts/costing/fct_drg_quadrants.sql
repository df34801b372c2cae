{#- DRG profitability quadrant (DRG 四象限分析) at hospital and department level over all loaded months.
    Grain: level (hospital | department) × hospital_id × discharge_dept_code ('' at hospital level) ×
    scheme_version × drg_code. x = RW of the DRG (mean over its cases), dividing line rw_line = 1 or the
    hospital's CMI = Σ RW / cases over its costed grouped cases with an RW, all loaded months
    (costing_parameters quadrant_x_line); y = margin per case = (Σ revenue − Σ cost at
    quadrant_layer) / cases, on quadrant_revenue_basis under quadrant_costing_method; line at 0.
    Classes: 优势 (rw ≥ line, margin ≥ 0) | 重点 (rw ≥ line, margin < 0) | 基础 (rw < line, margin ≥ 0) |
    劣势 (rw < line, margin < 0); incentive_coefficient from costing_parameters. Grouped cases with RW only.
    The settings are one set for all months (macro costing_param: the version in force on the latest loaded
    month, or the one forced by var costing_parameter_version), since a DRG is classified once. -#}
with p as (
    select
        {{ costing_param('quadrant_x_line', type='string') }}           as x_line_mode,
        {{ costing_param('quadrant_layer', type='string') }}            as layer,
        {{ costing_param('quadrant_revenue_basis', type='string') }}    as revenue_basis,
        {{ costing_param('quadrant_costing_method', type='string') }}   as costing_method
),
cases as (
    select r.*,
        case p.layer when 'variable' then r.variable_cost_amount when 'direct' then r.direct_cost_amount
                     when 'medical_business' then r.medical_business_cost_amount
                     else r.full_cost_amount end as layer_cost_amount,
        p.layer, p.x_line_mode
    from {{ revenue_basis_rows_of('p') }} as r
    cross join p
    where r.grouping_status = 'grouped' and r.rw is not null
),
cmi as (
    select hospital_id, {{ exact_sum('rw') }} / count(*) as hospital_cmi from cases group by hospital_id
),
units as (
    select 'hospital' as level, hospital_id, '' as discharge_dept_code, scheme_version, drg_code,
           min(layer) as layer, min(x_line_mode) as x_line_mode, count(*) as case_count, {{ exact_avg('rw') }} as rw,
           sum(revenue_amount) as revenue_amount, sum(layer_cost_amount) as layer_cost_amount
    from cases group by hospital_id, scheme_version, drg_code
    union all
    select 'department', hospital_id, discharge_dept_code, scheme_version, drg_code,
           min(layer), min(x_line_mode), count(*), {{ exact_avg('rw') }}, sum(revenue_amount), sum(layer_cost_amount)
    from cases group by hospital_id, discharge_dept_code, scheme_version, drg_code
),
placed as (
    select u.*, c.hospital_cmi,
        case when u.x_line_mode = 'hospital_cmi' then c.hospital_cmi else 1.0 end as rw_line,
        (u.revenue_amount - u.layer_cost_amount) / u.case_count as margin_per_case
    from units as u join cmi as c on c.hospital_id = u.hospital_id
),
classed as (
    select *,
        case when rw >= rw_line and margin_per_case >= 0 then '优势'
             when rw >= rw_line then '重点'
             when margin_per_case >= 0 then '基础'
             else '劣势' end as quadrant_class
    from placed
)
select
    cast(q.level as {{ dbt.type_string() }})                 as level,
    cast(q.hospital_id as {{ dbt.type_string() }})           as hospital_id,
    cast(q.discharge_dept_code as {{ dbt.type_string() }})   as discharge_dept_code,
    cast(q.scheme_version as {{ dbt.type_string() }})        as scheme_version,
    cast(q.drg_code as {{ dbt.type_string() }})              as drg_code,
    cast(q.case_count as bigint)                             as case_count,
    cast(q.rw as double)                                     as rw,
    cast(q.hospital_cmi as double)                           as hospital_cmi,
    cast(q.rw_line as double)                                as rw_line,
    cast(q.layer as {{ dbt.type_string() }})                 as margin_layer,
    cast(p.revenue_basis as {{ dbt.type_string() }})         as revenue_basis,
    cast(p.costing_method as {{ dbt.type_string() }})        as costing_method,
    cast(q.revenue_amount as decimal(18,2))                  as revenue_amount,
    cast(q.layer_cost_amount as decimal(18,2))               as layer_cost_amount,
    {{ money('q.margin_per_case') }}                         as margin_per_case_amount,
    cast(q.quadrant_class as {{ dbt.type_string() }})        as quadrant_class,
    cast(ic.value as double)                                 as incentive_coefficient,
    cast('simulated from the front page (payment groups on the settlement list)' as {{ dbt.type_string() }}) as data_basis
from classed as q
cross join p
left join {{ ref('int_costing_parameters_by_month') }} as ic
  on ic.cost_month = {{ costing_settings_month() }} and ic.parameter = 'incentive_coefficient'
 and ic.key = q.quadrant_class
