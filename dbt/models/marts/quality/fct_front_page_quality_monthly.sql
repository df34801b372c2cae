{#- Front-page data quality by hospital × discharge month (《住院病案首页数据质量管理与控制指标（2016年版）》).
    Grain: hospital_id × partition_month. Formulas (each defined here only):
      record_completeness_rate  住院病案首页填报完整率 = cases with no CMP-001/003/004 finding / cases
      field_completeness_rate   项目填报完整率 = 1 − CMP-001 findings (one per missing required field)
                                / (cases × required fields checked by CMP-001, var quality_required_field_count)
      fee_accuracy_rate         医疗费用信息准确率 = cases with no error-severity FEE finding / cases
      detectable_pdx_error_rate share of cases with a principal-diagnosis (PDX) finding — the part of
                                主要诊断选择/编码 errors that rules can detect
      <family>_error_rate       cases with a finding of that rule family / cases
      audited indicators        correct verdicts / reviewed cases in seed quality_audit_sample; null when
                                nothing was reviewed. -#}
{%- set families = ['CMP', 'DT', 'SEX', 'AGE', 'PDX', 'ODX', 'PX', 'DS', 'FEE'] -%}
{%- set audited = ['principal_dx_selection', 'principal_px_selection', 'other_dx', 'principal_dx_coding',
                   'other_dx_coding', 'px_coding'] -%}
with cases as (
    select hospital_id, partition_month, discharge_id
    from {{ ref('stg_front_page__discharges') }}
),
issues as (
    select
        discharge_id,
        rule_id,
        severity,
        {{ dbt.split_part('rule_id', "'-'", 1) }} as rule_family
    from {{ source('quality', 'qc_case_issues') }}
),
per_case as (
    select
        c.hospital_id,
        c.partition_month,
        c.discharge_id,
        max(case when i.rule_id in ('CMP-001', 'CMP-003', 'CMP-004') then 1 else 0 end) as has_incomplete_record,
        sum(case when i.rule_id = 'CMP-001' then 1 else 0 end)                           as missing_required_fields,
        max(case when i.rule_family = 'FEE' and i.severity = 'E' then 1 else 0 end)      as has_fee_error,
        {%- for f in families %}
        max(case when i.rule_family = '{{ f }}' then 1 else 0 end)                        as has_{{ f | lower }}_finding{{ ',' if not loop.last }}
        {%- endfor %}
    from cases c
    left join issues i on i.discharge_id = c.discharge_id
    group by c.hospital_id, c.partition_month, c.discharge_id
),
audit as (
    select
        c.hospital_id,
        c.partition_month,
        a.indicator,
        count(*)                                             as reviewed,
        sum(case when a.is_correct then 1 else 0 end)        as correct
    from {{ ref('quality_audit_sample') }} a
    join cases c on c.discharge_id = a.discharge_id
    group by c.hospital_id, c.partition_month, a.indicator
),
audit_by_month as (
    select
        hospital_id,
        partition_month,
        sum(reviewed) as audit_reviews,
        {%- for ind in audited %}
        sum(case when indicator = '{{ ind }}' then correct end) * 1.0
            / sum(case when indicator = '{{ ind }}' then reviewed end) as {{ ind }}_rate{{ ',' if not loop.last }}
        {%- endfor %}
    from audit
    group by hospital_id, partition_month
),
monthly as (
    select
        hospital_id,
        partition_month,
        count(*)                        as cases,
        sum(has_incomplete_record)      as incomplete_records,
        sum(missing_required_fields)    as missing_required_fields,
        sum(has_fee_error)              as fee_error_cases,
        {%- for f in families %}
        sum(has_{{ f | lower }}_finding) as {{ f | lower }}_cases{{ ',' if not loop.last }}
        {%- endfor %}
    from per_case
    group by hospital_id, partition_month
)
select
    cast(m.hospital_id as {{ dbt.type_string() }})                                   as hospital_id,
    cast(m.partition_month as date)                                                  as partition_month,
    cast(m.cases as bigint)                                                          as cases,
    cast(1 - m.incomplete_records * 1.0 / m.cases as double)                         as record_completeness_rate,
    cast(1 - m.missing_required_fields * 1.0
             / (m.cases * {{ var('quality_required_field_count') }}) as double)      as field_completeness_rate,
    cast(1 - m.fee_error_cases * 1.0 / m.cases as double)                            as fee_accuracy_rate,
    cast(m.pdx_cases * 1.0 / m.cases as double)                                      as detectable_pdx_error_rate,
    {%- for f in families %}
    cast(m.{{ f | lower }}_cases * 1.0 / m.cases as double)                          as {{ f | lower }}_error_rate,
    {%- endfor %}
    {%- for ind in audited %}
    cast(a.{{ ind }}_rate as double)                                                 as {{ ind }}_rate,
    {%- endfor %}
    cast(coalesce(a.audit_reviews, 0) as bigint)                                     as audit_reviews
from monthly m
left join audit_by_month a
    on a.hospital_id = m.hospital_id and a.partition_month = m.partition_month
