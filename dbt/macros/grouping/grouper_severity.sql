{#- The severity step (int_discharges_assessed_for_severity), as a macro so that its one formula serves two
    readers: the grouper statement (int_discharges_grouped), which reads severity_level only, and the trace
    view (int_discharge_grouping_traces), which reads severity_trace. with_trace=false leaves out the texts:
    building a text for each of the ≈ 2 M secondaries on the MCC/CC list of a million cases and picking the
    deciding and the first excluded one (arg_min over texts) was ≈ 1.6 s of the grouper's ≈ 8.7 s, for a
    column the grouped table never stores (docs/grouper.md, seventh pass). Rules: see the model. -#}
{% macro grouper_assess_severity(with_trace) -%}
{#- with a code map the case codes are per scheme: they meet only their own scheme's lists -#}
{%- set same_scheme = ' and k.scheme_key = i.scheme_key' if grouper_map_active() else '' %}

with cases as {{ grouper_not_materialized() }} (
    select p.discharge_key, p.scheme_key, p.pdx_key, p.pdx_dagger_key
    from {{ ref('int_discharges_prechecked') }} as p
    where p.is_valid_for_grouping and p.scheme_key is not null
),

-- the MCC/CC list and the exclusion tables keyed like the case codes (grouper_code_key)
cc_codes as (
    select scheme_key, dx_code, {{ grouper_code_key('dx_code') }} as dx_key, cc_level, exclusion_table
    from {{ grouper_scheme_table('cc_codes') }} as s
),

cc_exclusions as (
    select scheme_key, exclusion_table, pdx_code, {{ grouper_code_key('pdx_code') }} as pdx_key
    from {{ grouper_scheme_table('cc_exclusions') }} as s
),

-- the secondary diagnoses on an MCC/CC list, joined to the (small) list first and to the cases after, so
-- only the hits (≈ 0.5 a case) meet the cases, not all 3.3 secondaries a case. Whole code first; the
-- dagger part only when the whole code is on neither list. A whole code that matched is named from the
-- list; the whole text of a dagger/asterisk code is kept by int_grouper_inputs_mapped
list_hits as (
    select i.discharge_key, k.scheme_key, i.seq, i.code_key,{% if with_trace %} k.dx_code as code, k.dx_code,{% endif %}
           k.cc_level, k.exclusion_table
    from {{ ref('int_grouper_inputs_mapped') }} as i
    join cc_codes as k on k.dx_key = i.code_key{{ same_scheme }}
    where i.code_type = 'dx' and i.seq >= 1
    union all
    select i.discharge_key, k.scheme_key, i.seq, i.code_key,{% if with_trace %} i.code, k.dx_code,{% endif %}
           k.cc_level, k.exclusion_table
    from {{ ref('int_grouper_inputs_mapped') }} as i
    join cc_codes as k on k.dx_key = i.dagger_key{{ same_scheme }}
    where i.code_type = 'dx' and i.seq >= 1 and i.dagger_key is not null
      and not exists (
          select 1 from cc_codes as w
          where w.scheme_key = k.scheme_key and w.dx_key = i.code_key)
),

-- of the valid cases grouped by that scheme; a secondary equal to the principal diagnosis is ignored
cc_hits as (
    select h.discharge_key, h.scheme_key, c.pdx_key, c.pdx_dagger_key, h.seq,{% if with_trace %} h.code, h.dx_code,{% endif %}
           h.cc_level, h.exclusion_table
    from list_hits as h
    join cases as c
        on c.discharge_key = h.discharge_key and c.scheme_key = h.scheme_key
       and h.code_key <> c.pdx_key
),

judged as (
    select
        h.discharge_key, h.scheme_key, h.seq,{% if with_trace %} h.code, h.dx_code,{% endif %} h.cc_level, h.exclusion_table,
        (e1.pdx_code is not null or e2.pdx_code is not null)                as is_excluded_by_pdx{% if with_trace %},
        coalesce(e1.pdx_code, e2.pdx_code)                                  as excluding_pdx{% endif %}
    from cc_hits as h
    left join cc_exclusions as e1
        on e1.scheme_key = h.scheme_key and e1.exclusion_table = h.exclusion_table
       and e1.pdx_key = h.pdx_key
    left join cc_exclusions as e2
        on e2.scheme_key = h.scheme_key and e2.exclusion_table = h.exclusion_table
       and e2.pdx_key = h.pdx_dagger_key
),

described as (
    select
        j.*,
        case when j.cc_level = 'MCC' then 1 else 2 end                     as level_rank{% if with_trace %},
        {{ grouper_concat([
            'j.code',
            "case when j.dx_code <> j.code then '(剑号部分 ' || j.dx_code || ')' end",
            "' '",
            'j.cc_level',
            "case when j.exclusion_table is null then '(排除表 无，总是计入)'"
                ~ " when j.is_excluded_by_pdx then '(被排除：主要诊断 ' || j.excluding_pdx || ' 在排除表 '"
                ~ " || j.exclusion_table || ')'"
                ~ " else '(排除表 ' || j.exclusion_table || ' 不含主要诊断)' end",
        ]) }}                                                              as cc_text{% endif %}
    from judged as j
),

summary as (
    select
        discharge_key, scheme_key,
        min(case when not is_excluded_by_pdx then level_rank end)          as best_level
        {%- if with_trace %},
        -- the deciding secondary (best level, first slot), the first excluded one, and how many others
        {{ grouper_arg_min('case when not is_excluded_by_pdx then cc_text end',
                           'case when is_excluded_by_pdx then 999999 else level_rank * 1000 + seq end') }}
                                                                           as deciding_text,
        {{ grouper_arg_min('case when is_excluded_by_pdx then cc_text end',
                           'case when is_excluded_by_pdx then seq else 999999 end') }}
                                                                           as excluded_text,
        count(*)                                                           as hit_count,
        sum(case when is_excluded_by_pdx then 1 else 0 end)                as excluded_count
        {%- endif %}
    from described
    group by discharge_key, scheme_key
)

-- only the cases with a secondary on the MCC/CC list (a third of them): a valid case without a row has
-- severity none and the trace grouper_no_severity_trace() (int_discharges_grouped and the trace view
-- read it so), which saves joining every case here
select
    s.discharge_key,
    s.scheme_key,
    case s.best_level when 1 then 'MCC' when 2 then 'CC' else 'none' end   as severity_level
    {%- if with_trace %},
    case s.best_level when 1 then '严重程度 MCC' when 2 then '严重程度 CC' else '严重程度 无' end
        || '：' || {{ grouper_concat_ws('；', [
                    's.deciding_text',
                    's.excluded_text',
                    "case when s.hit_count - (case when s.deciding_text is null then 0 else 1 end)"
                        ~ " - (case when s.excluded_text is null then 0 else 1 end) > 0"
                        ~ " then '另有 ' || cast(s.hit_count - (case when s.deciding_text is null then 0 else 1 end)"
                        ~ " - (case when s.excluded_text is null then 0 else 1 end) as varchar)"
                        ~ " || ' 个 MCC/CC 其他诊断' end"]) }}                    as severity_trace
    {%- endif %}
from summary as s
{%- endmacro %}
