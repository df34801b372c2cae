{#- RW-based incentive (绩效激励) per doctor and department and month: Σ RW × the incentive coefficient of
    the quadrant class of the case's DRG (fct_drg_quadrants at incentive_level: department — the DRG's
    class in the case's department — or hospital). Grain: hospital_id × cost_month × discharge_dept_code ×
    attending_doctor. Cases without a class (ungrouped, no RW) count in case_count only. revenue_basis and
    costing_method are those the quadrant classes were computed on (quadrant_revenue_basis,
    quadrant_costing_method). -#}
with p as (
    select {{ costing_param('incentive_level', type='string') }} as incentive_level,
           {{ costing_param('quadrant_revenue_basis', type='string') }} as revenue_basis,
           {{ costing_param('quadrant_costing_method', type='string') }} as costing_method
),
cases as (
    select r.*, p.incentive_level,
           case when p.incentive_level = 'department' then r.discharge_dept_code else '' end as class_dept_code,
           case when r.grouping_status = 'grouped' and r.rw is not null then r.drg_code end as class_drg_code
    from {{ revenue_basis_rows_of('p') }} as r
    cross join p
),
classed as (
    select c.*, q.quadrant_class, q.incentive_coefficient
    from cases as c
    left join {{ ref('fct_drg_quadrants') }} as q
      on q.hospital_id = c.hospital_id and q.scheme_version = c.scheme_version
     and q.drg_code = c.class_drg_code and q.level = c.incentive_level
     and q.discharge_dept_code = c.class_dept_code
)
select
    cast(hospital_id as {{ dbt.type_string() }})            as hospital_id,
    cast(cost_month as date)                                as cost_month,
    cast(discharge_dept_code as {{ dbt.type_string() }})    as discharge_dept_code,
    cast(attending_doctor as {{ dbt.type_string() }})       as attending_doctor,
    cast(min(incentive_level) as {{ dbt.type_string() }})   as incentive_level,
    cast(min(revenue_basis) as {{ dbt.type_string() }})     as revenue_basis,
    cast(min(costing_method) as {{ dbt.type_string() }})    as costing_method,
    cast(count(*) as bigint)                                as case_count,
    cast(sum(case when quadrant_class is not null then 1 else 0 end) as bigint) as classified_case_count,
    cast({{ exact_sum('case when quadrant_class is not null then rw end') }} as double) as rw_sum,
    cast({{ exact_sum('rw * incentive_coefficient') }} as double) as incentive_rw,
    {%- for cls in ['优势', '重点', '基础', '劣势'] %}
    cast({{ exact_sum("case when quadrant_class = '" ~ cls ~ "' then rw end") }} as double) as rw_{{ ['advantage', 'key', 'basic', 'weak'][loop.index0] }},
    {%- endfor %}
    cast('simulated from the front page (payment groups on the settlement list)' as {{ dbt.type_string() }}) as data_basis
from classed
group by hospital_id, cost_month, discharge_dept_code, attending_doctor
