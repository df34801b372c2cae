{#- The grouping result of every discharge under every scheme that groups it.
    Grain: discharge_id x scheme_version (scheme_version null when no scheme is in force).

    grouping_status: grouped | qy | 0000 | invalid | excluded | cannot_map (status_reason says why).
    Excluded cases (GRP-002/003) are grouped for reference: their MDC/ADRG/DRG columns are filled.
    hospital_id, partition_month, discharge_date come from the pre-checks (through the scheme view), so the mart
    (fct_discharge_groupings) is a plain filter view on this table.
    DRG choice from the severity: MCC -> the ADRG's 1, else 3, else 5; CC -> 3, else 5; none -> 5;
    an unsplit ADRG -> 9.
    The decisions only: the trace (the rule and the code that decided each step, in Chinese, for coders) is
    written on read by the view int_discharge_grouping_traces from the decision columns and fill values
    stored here; discharge_key is kept for its joins.

    One statement for the whole grouper (issue #4, sixth pass): the code rows, pre-checks, MDC, ADRG and
    severity steps are ephemeral models that dbt inlines here as CTEs, so none of their 1 M- and 4.9 M-row
    results is written to a table and joined back. What the trace needs from them is stored here: the
    pre-check reasons and fill values, the chosen alternative and the fill values of the ADRG step, each
    only where the trace reads it (null elsewhere, which costs next to nothing to write). -#}
{#- string compression (FSST) off for this write (macro write_without_string_compression), back on after
    the commit, whose checkpoint writes the last row groups -#}
{#- built in batches of whole discharge months of at most var grouper_batch_cases cases (materialization
    grouper_batched_table, dbt/macros/grouping/grouper_batches.sql); one batch, i.e. one statement, up to
    that size -#}
-- depends_on: {{ ref('stg_front_page__discharges') }}
{{ config(materialized='grouper_batched_table',
          pre_hook="{{ write_without_string_compression() }}",
          post_hook=[{"sql": "{{ write_with_default_compression() }}", "transaction": false}]) }}

with schemes as (
    select * from {{ ref('int_discharges_prechecked') }}
),

assigned as (
    select * from {{ ref('int_discharges_assigned_to_adrg') }}
),

severity as (
    select * from {{ ref('int_discharges_assessed_for_severity') }}
),

-- whether the chosen alternative's trace names the first operating-room procedure (scheme tables only);
-- the ADRG's name and kind are joined on read by the mart (fct_discharge_groupings), not stored per case
alternatives as (
    select scheme_key, adrg_code, alt_no,
           rule_template like '%{or}%'                                      as reads_first_or_code
    from {{ grouper_adrg_alternatives() }} as t
),

drg_options as (
    select
        scheme_key,
        adrg_code,
        max(case when severity_digit = '1' then drg_code end) as drg_1,
        max(case when severity_digit = '3' then drg_code end) as drg_3,
        max(case when severity_digit = '5' then drg_code end) as drg_5,
        max(case when severity_digit = '9' then drg_code end) as drg_9
    from {{ grouper_scheme_table('drgs') }} as d
    group by scheme_key, adrg_code
),

joined as (
    select
        s.discharge_id,
        s.discharge_key,
        s.scheme_version,
        s.is_primary_scheme,
        s.hospital_id,
        s.partition_month,
        s.discharge_date,
        s.is_valid_for_grouping,
        s.has_invalid_field,
        s.has_unmappable_code,
        s.invalid_reason,
        s.is_excluded,
        s.exclusion_reason,
        -- the ADRG step has a row for the valid cases that got a result or skipped an MDC; the others are 0000
        case when s.is_valid_for_grouping and s.scheme_version is not null
             then coalesce(a.assignment, '0000') end                       as assignment,
        a.mdc_code,
        a.adrg_code,
        a.skipped_trace is not null                                        as has_skipped_mdc,
        -- fill values of the trace (int_discharge_grouping_traces)
        a.alt_no, a.skipped_trace, a.mdc_form_rank, a.region_names, a.min_regions, a.pdx_form_rank,
        case when t.reads_first_or_code then a.first_or_code end          as first_or_code,
        -- 0 (no body region) is stored as null; the trace reads coalesce(…, 0)
        nullif(a.body_region_count, 0)                                     as body_region_count,
        a.hit_texts, a.qy_seq, a.qy_code,
        -- no row in the severity step: no secondary on the MCC/CC list
        coalesce(v.severity_level, 'none')                                 as severity_level,
        o.drg_1, o.drg_3, o.drg_5, o.drg_9
    from schemes as s
    -- the steps join on the integer scheme_key (grouper_scheme_key); scheme_version is the text shown
    left join assigned as a on a.discharge_key = s.discharge_key and a.scheme_key = s.scheme_key
    left join severity as v on v.discharge_key = s.discharge_key and v.scheme_key = s.scheme_key
    left join alternatives as t
        on t.scheme_key = a.scheme_key and t.adrg_code = a.adrg_code and t.alt_no = a.alt_no
    left join drg_options as o on o.scheme_key = a.scheme_key and o.adrg_code = a.adrg_code
),

with_drg as (
    select
        j.*,
        case
            when j.assignment = '0000' then '0000'
            when j.assignment = 'qy' then j.adrg_code
            when j.assignment = 'adrg' then
                case j.severity_level
                    when 'MCC' then coalesce(j.drg_1, j.drg_3, j.drg_5, j.drg_9)
                    when 'CC' then coalesce(j.drg_3, j.drg_5, j.drg_9)
                    else coalesce(j.drg_5, j.drg_9)
                end
        end as drg_code
    from joined as j
),

statused as (
    select
        w.*,
        case
            when w.scheme_version is null then 'invalid'
            when w.has_invalid_field then 'invalid'
            when w.has_unmappable_code then 'cannot_map'
            when w.is_excluded then 'excluded'
            when w.assignment = 'qy' then 'qy'
            when w.assignment = '0000' then '0000'
            when w.drg_code is null then '0000'
            else 'grouped'
        end as grouping_status,
        case
            when w.assignment = '0000' and not w.has_skipped_mdc
                then 'GRP-006 主要诊断不在任何可进入的 MDC 主诊表（或性别、年龄不符）'
            when w.assignment = '0000'
                then 'GRP-006 进入的 MDC 均无匹配 ADRG'
            when w.assignment = 'qy'
                then 'GRP-007 手术室手术不符合主要诊断所在 MDC 的外科 ADRG（歧义组）'
            when w.assignment = 'adrg' and w.drg_code is null
                then 'ADRG ' || w.adrg_code || ' 在方案 DRG 表中没有适用于严重程度 ' || w.severity_level
                     || ' 的 DRG'
        end as result_reason
    from with_drg as w
)

select
    discharge_id,
    discharge_key,
    scheme_version,
    is_primary_scheme,
    hospital_id,
    partition_month,
    discharge_date,
    mdc_code,
    adrg_code,
    drg_code,
    case when assignment = 'adrg' and grouping_status not in ('invalid', 'cannot_map')
         then severity_level end                                          as severity_level,
    grouping_status,
    case grouping_status
        when 'invalid' then coalesce(case when scheme_version is null
                                          then '出院日期没有生效的分组方案' end, invalid_reason)
        when 'cannot_map' then invalid_reason
        when 'excluded' then exclusion_reason || '（排除病例：参考分组 ' || coalesce(drg_code, '无') || '）'
        else result_reason
    end as status_reason,
    is_valid_for_grouping,
    is_excluded,
    -- the form of the principal dx that decided the MDC / the ADRG (1 whole code, 2 its dagger part, 0 or
    -- null none): dx_match (grouper_dx_match, in the mart) and the trace read them
    mdc_form_rank,
    pdx_form_rank,
    -- read by the trace view only (null where the trace does not read them)
    alt_no,
    skipped_trace,
    region_names,
    min_regions,
    body_region_count,
    first_or_code,
    hit_texts,
    qy_seq,
    qy_code
from statused
