{#- The costing parameters in force in each month: the one home of the choice of costing_parameters version.
    Grain: cost_month × parameter × key (plus one row with parameter null for a month no version covers).
    Months: every month of the costing inputs (ledger, allocation drivers, department revenue) and of the
    discharges (出院月份), each stored as its first day.
    A version of costing_parameters is in force on [effective_from, effective_to) (empty to = open); a
    month takes the version in force on its first day, so a version starting mid-month applies from the
    next month (a department-month is costed with one set of rules: step-down drivers, fund scopes,
    variable CCRs, CCR service kinds, top-down driver, bed-day minimum, reconciliation tolerance). Versions
    never overlap and all rows of a version share its dates (singular test
    costing_parameter_versions_do_not_overlap). Var costing_parameter_version (default null) forces one
    version on every month (a what-if run). A month no version covers keeps one row with parameter_version
    and parameter null (warn test costing_every_month_has_parameters); its costs use the models' defaults.
    Settings that are not per month (quadrants, incentives, the payment mart's costing method) read the
    latest covered month: macro costing_param. -#}
{%- set forced_version = var('costing_parameter_version', none) %}
with months as (
    select distinct cast(cost_month as date) as cost_month
    from {{ ref('stg_costing__cost_ledger_entries') }}
    union
    select distinct cast(cost_month as date)
    from {{ ref('stg_costing__allocation_drivers') }}
    union
    select distinct cast(revenue_month as date)
    from {{ ref('stg_costing__dept_revenues') }}
    union
    select distinct cast(partition_month as date)
    from {{ ref('stg_front_page__discharges') }}
),
versions as (
    select version, min(effective_from) as effective_from, max(effective_to) as effective_to
    from {{ ref('costing_parameters') }}
    group by version
),
chosen as (
    select m.cost_month, v.version
    from months as m
    left join versions as v
    {%- if forced_version %}
      on v.version = '{{ forced_version }}'
    {%- else %}
      on m.cost_month >= v.effective_from
     and (v.effective_to is null or m.cost_month < v.effective_to)
    {%- endif %}
    where m.cost_month is not null
)
select
    cast(c.cost_month as date)                          as cost_month,
    cast(c.version as {{ dbt.type_string() }})          as parameter_version,
    cast(p.parameter as {{ dbt.type_string() }})        as parameter,
    cast(p.key as {{ dbt.type_string() }})              as key,
    cast(p.value as {{ dbt.type_string() }})            as value
from chosen as c
left join {{ ref('costing_parameters') }} as p on p.version = c.version
