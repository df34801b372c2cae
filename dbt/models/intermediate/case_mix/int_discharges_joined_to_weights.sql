{#- Every discharge (primary scheme) with the weight version in force on its discharge date and its DRG's
    RW, benchmark means and mortality risk level. Grain: discharge_id.
    Effective-date join: same scheme_version and effective_from <= discharge_date < effective_to (open when
    effective_to is null). Active versions of one scheme must not overlap (tested).
    weight_status: weighted | not_grouped (status other than grouped: no RW) | no_weight_version |
    drg_not_in_weights | drg_dropped (fallback drop). is_grouped_for_cmi = grouped and an RW. -#}

with groupings as (
    select * from {{ ref('fct_discharge_groupings') }}
),

stays as (
    select discharge_id, discharge_dept_code, attending_doctor, los_days, total_cost_amount, is_death
    from {{ ref('stg_front_page__discharges') }}
),

versions as (
    select weight_version, scheme_version, effective_from, effective_to
    from {{ ref('int_weight_versions_resolved') }}
),

weights as (
    select * from {{ ref('int_drg_weights_derived') }}
),

risks as (
    select weight_version, scheme_version, drg_code, risk_level
    from {{ ref('int_drg_mortality_risks_graded') }}
)

select
    cast(g.discharge_id as {{ dbt.type_string() }})           as discharge_id,
    cast(g.hospital_id as {{ dbt.type_string() }})            as hospital_id,
    cast(s.discharge_dept_code as {{ dbt.type_string() }})    as discharge_dept_code,
    cast(s.attending_doctor as {{ dbt.type_string() }})       as attending_doctor,
    cast(g.partition_month as date)                           as discharge_month,
    cast(g.discharge_date as date)                            as discharge_date,
    cast(g.scheme_version as {{ dbt.type_string() }})         as scheme_version,
    cast(g.mdc_code as {{ dbt.type_string() }})               as mdc_code,
    cast(g.adrg_code as {{ dbt.type_string() }})              as adrg_code,
    cast(g.drg_code as {{ dbt.type_string() }})               as drg_code,
    cast(g.grouping_status as {{ dbt.type_string() }})        as grouping_status,
    cast(coalesce(g.is_excluded, false) as boolean)           as is_excluded,
    cast(s.los_days as double)                                as los_days,
    cast(s.total_cost_amount as decimal(18,2))                as total_cost_amount,
    cast(coalesce(s.is_death, false) as boolean)              as is_death,
    cast(v.weight_version as {{ dbt.type_string() }})         as weight_version,
    cast(case when g.grouping_status = 'grouped' then w.rw end as double) as rw,
    cast(case
        when g.grouping_status <> 'grouped' then 'not_grouped'
        when v.weight_version is null then 'no_weight_version'
        when w.drg_code is null then 'drg_not_in_weights'
        when w.rw is null then 'drg_dropped'
        else 'weighted'
    end as {{ dbt.type_string() }})                           as weight_status,
    cast(g.grouping_status = 'grouped' and w.rw is not null as boolean) as is_grouped_for_cmi,
    cast(case when g.grouping_status = 'grouped' then w.benchmark_mean_cost_amount end as double) as benchmark_mean_cost_amount,
    cast(case when g.grouping_status = 'grouped' then w.benchmark_mean_los_days end as double)    as benchmark_mean_los_days,
    cast(coalesce(w.benchmark_single_hospital_id = g.hospital_id, false) as boolean)             as is_own_benchmark,
    cast(case when g.grouping_status = 'grouped' then r.risk_level end as integer)              as mortality_risk_level
from groupings as g
join stays as s on s.discharge_id = g.discharge_id
left join versions as v
  on v.scheme_version = g.scheme_version
 and g.discharge_date >= v.effective_from
 and (v.effective_to is null or g.discharge_date < v.effective_to)
left join weights as w
  on w.weight_version = v.weight_version and w.scheme_version = v.scheme_version and w.drg_code = g.drg_code
left join risks as r
  on r.weight_version = v.weight_version and r.scheme_version = v.scheme_version and r.drg_code = g.drg_code
