{#- The MDC and ADRG of each case. Grain: discharge_key x scheme_key (valid, mappable cases).

    Inside each candidate MDC (int_discharges_assigned_to_mdc, and the MDCs entered by their ADRG rules) the
    ADRGs are tried in this order:
      1. surgical ADRGs in file order (ppx_in looks at procedure slot 1; any_px_in — 同时包含 /
         手术表 rules — and or_proc_any — 全部手术 — look at every slot);
      2. QY (qy_mode principal: slot 1, any: some slot, holds an operating-room procedure — in
         or_procedures and in no procedure list of the MDC's non-OR ADRGs) -> '<MDC>QY';
         never in an MDC entered by its ADRG rules (MDCA); off: never;
      3. non-OR procedure ADRGs in file order;
      4. medical ADRGs in file order.
    An ADRG matches when one alternative holds all its conditions. The first candidate MDC (by precedence)
    that yields a result wins; when none does, the case is 0000.

    How it is computed (docs/grouper.md, Speed): case codes are joined to the list codes by condition kind
    (principal dx to pdx_in lists, principal procedure to ppx_in lists, every slot to any_* lists only),
    then to the case's candidate MDCs; one aggregation per (case, MDC, ADRG, alternative) gives a bit mask
    of the list conditions that hold. Every result carries one integer sort key (MDC precedence, kind rank,
    file order, alternative, and the principal-dx form in the last digit); the minimum per case is the
    choice and is decoded through the small scheme tables. The rule text of the chosen alternative is a
    template per alternative (scheme tables only) whose placeholders are filled from the case, in
    int_discharges_grouped (macro grouper_adrg_trace): this table holds the template and the fill values,
    not the text.
    Ephemeral (issue #4, sixth pass): a CTE of int_discharges_grouped, which stores the choice and the fill
    values of the trace with the rest of the result, so the 1 M rows are not written and joined back. (In
    the first passes, with the trace texts computed per case, this step inlined there spilled past the 4 GB
    memory limit; without the texts it fits, docs/grouper.md.) -#}
{{ config(materialized='ephemeral') }}
{%- set qy_mode = grouper_qy_mode() -%}
{%- set null_pass = grouper_var('attr_null_passes') -%}
{#- with a code map the case codes are per scheme: they meet only their own scheme's lists -#}
{%- set same_scheme = ' and l.scheme_key = f.scheme_key' if grouper_map_active() else '' -%}
{%- set attr_value -%}
(case c.attr when 'age_days' then cast(cv.age_days as double)
             when 'birth_weight_g' then cast(cv.birth_weight_g as double)
             when 'vent_hours' then cast(cv.vent_hours as double) end)
{%- endset %}

with candidates as (
    select * from {{ ref('int_discharges_assigned_to_mdc') }}
),

cases as {{ grouper_not_materialized() }} (
    select
        p.discharge_key,
        p.scheme_key,
        p.sex_code,
        p.age_days,
        p.birth_weight_g,
        p.vent_hours
    from {{ ref('int_discharges_prechecked') }} as p
    where p.is_valid_for_grouping and p.scheme_key is not null
),

-- scheme_key is null here unless a code map applies (then the codes are per scheme)
inputs as {{ grouper_not_materialized() }} (
    select discharge_key, scheme_key, code_type, seq, code_key, dagger_key
    from {{ ref('int_grouper_inputs_mapped') }}
),

list_codes as (
    select * from {{ ref('int_scheme_codes_keyed_to_mdcs') }}
),

mdcs as (
    select scheme_key, mdc_code, mdc_name, precedence, entry_rule, sex_restriction
    from {{ grouper_scheme_table('mdcs') }} as s
),

-- MDCs entered by their ADRG rules (MDCA): a candidate of every valid case whose sex they admit, so they
-- have no row per case in int_discharges_assigned_to_mdc
rule_mdcs as (
    select scheme_key, mdc_code, sex_restriction from mdcs where entry_rule = 'adrg_rules'
),

adrgs as (
    select
        scheme_key, mdc_code, adrg_code, adrg_name, kind, file_order,
        case kind when 'surgical' then 1 when 'non_or' then 3 else 4 end    as kind_rank
    from {{ grouper_scheme_table('adrgs') }} as s
),

conditions as (
    select * from {{ grouper_adrg_conditions() }} as c
),

-- per alternative: the bit mask of its positive list conditions, how many other conditions it has, its
-- rule template (macro grouper_adrg_alternatives, also read by int_discharges_grouped for the trace)
alts as (
    select * from {{ grouper_adrg_alternatives() }} as a
),

-- principal diagnosis (whole code, then its dagger part), principal procedure, every slot
-- (code keys: grouper_code_key; a code that matched is named from the list it matched)
pdx_forms as (
    select discharge_key, scheme_key, 0 as seq, code_key, 1 as form_rank from inputs
    where code_type = 'dx' and seq = 0 and code_key is not null
    union all
    select discharge_key, scheme_key, 0 as seq, dagger_key as code_key, 2 as form_rank from inputs
    where code_type = 'dx' and seq = 0 and dagger_key is not null
),

dx_forms as (
    select discharge_key, scheme_key, seq, code_key, 1 as form_rank from inputs
    where code_type = 'dx' and code_key is not null
    union all
    select discharge_key, scheme_key, seq, dagger_key as code_key, 2 as form_rank from inputs
    where code_type = 'dx' and dagger_key is not null
),

px_slots as (
    select discharge_key, scheme_key, seq, code_key, 1 as form_rank from inputs
    where code_type = 'px' and code_key is not null
),

-- case codes in the condition lists, each kind joined only to the lists it can match
raw_hits as (
    select f.discharge_key, l.scheme_key, l.mdc_code, l.adrg_code, l.alt_no, l.cond_no, l.cond_type,
           l.code, f.seq, f.form_rank
    from pdx_forms as f
    join list_codes as l on l.cond_type = 'pdx_in' and l.code_type = 'dx' and l.code_key = f.code_key{{ same_scheme }}
    union all
    select f.discharge_key, l.scheme_key, l.mdc_code, l.adrg_code, l.alt_no, l.cond_no, l.cond_type,
           l.code, f.seq, f.form_rank
    from px_slots as f
    join list_codes as l on l.cond_type = 'ppx_in' and l.code_type = 'px' and l.code_key = f.code_key{{ same_scheme }}
    where f.seq = 1
    union all
    select f.discharge_key, l.scheme_key, l.mdc_code, l.adrg_code, l.alt_no, l.cond_no, l.cond_type,
           l.code, f.seq, f.form_rank
    from dx_forms as f
    join list_codes as l on l.cond_type = 'any_dx_in' and l.code_type = 'dx' and l.code_key = f.code_key{{ same_scheme }}
    union all
    select f.discharge_key, l.scheme_key, l.mdc_code, l.adrg_code, l.alt_no, l.cond_no, l.cond_type,
           l.code, f.seq, f.form_rank
    from px_slots as f
    join list_codes as l
        on l.cond_type in ('any_px_in', 'not_any_px_in') and l.code_type = 'px' and l.code_key = f.code_key{{ same_scheme }}
),

-- only in the case's candidate MDCs: those its principal diagnosis entered (joined on the MDC key) and
-- those entered by their ADRG rules (every valid case whose sex the MDC admits)
hits as (
    select h.*, k.dx_form_rank as mdc_form_rank
    from raw_hits as h
    join candidates as k
        on k.discharge_key = h.discharge_key and k.scheme_key = h.scheme_key
       and k.mdc_code = h.mdc_code
    -- (no join to the cases here: a hit of an invalid case goes no further than `assembled`, which starts
    -- from the valid cases; joined to the 1 M cases, DuckDB built the case table first, ≈ 0.5 s)
    union all
    select h.*, cast(null as integer) as mdc_form_rank
    from raw_hits as h
    join rule_mdcs as r on r.scheme_key = h.scheme_key and r.mdc_code = h.mdc_code
    where r.sex_restriction is null
    union all
    select h.*, cast(null as integer) as mdc_form_rank
    from raw_hits as h
    join rule_mdcs as r on r.scheme_key = h.scheme_key and r.mdc_code = h.mdc_code
    join cases as c
        on c.discharge_key = h.discharge_key and c.scheme_key = h.scheme_key
       and c.sex_code = r.sex_restriction
),

-- grouped without mdc_code (the ADRG determines it; list_passed takes it from alts)
alt_hits as (
    select
        discharge_key, scheme_key, adrg_code, alt_no,
        bit_or(case when cond_type = 'not_any_px_in' then cast(0 as bigint) else {{ grouper_bit('cond_no') }} end)
                                                                            as hit_mask,
        max(case when cond_type = 'not_any_px_in' then 1 else 0 end)        as negative_hits,
        min(case when cond_type = 'pdx_in' then form_rank end)              as pdx_form_rank,
        -- the same for every hit of one case and MDC (from its candidate row; null for an MDC entered by
        -- its ADRG rules)
        max(mdc_form_rank)                                                  as mdc_form_rank
    from hits
    group by discharge_key, scheme_key, adrg_code, alt_no
),

-- alternatives without positive list conditions can only be hit by their not_any_px_in lists (few rows)
negative_alt_hits as (
    select distinct discharge_key, scheme_key, adrg_code, alt_no
    from hits
    where cond_type = 'not_any_px_in'
),

-- alternatives whose positive list conditions all hold (or that have none: 全部手术, WJ1, ZZ1 …)
list_passed as (
    select h.discharge_key, h.scheme_key, a.mdc_code, h.adrg_code, h.alt_no, h.negative_hits,
           h.pdx_form_rank, h.mdc_form_rank, a.other_conds
    from alt_hits as h
    join alts as a
        on a.scheme_key = h.scheme_key and a.adrg_code = h.adrg_code and a.alt_no = h.alt_no
    where h.hit_mask = a.positive_mask and a.positive_list_conds > 0
    union all
    select
        k.discharge_key, k.scheme_key, k.mdc_code, a.adrg_code, a.alt_no,
        case when h.discharge_key is null then 0 else 1 end as negative_hits,
        cast(null as integer) as pdx_form_rank,
        k.mdc_form_rank,
        a.other_conds
    from (
        select discharge_key, scheme_key, mdc_code, dx_form_rank as mdc_form_rank from candidates
        union all
        -- MDCs entered by their ADRG rules that have such alternatives (none in CHS-DRG 1.1)
        select c.discharge_key, c.scheme_key, r.mdc_code, cast(null as integer) as mdc_form_rank
        from cases as c
        join rule_mdcs as r on r.scheme_key = c.scheme_key
        where (r.sex_restriction is null or r.sex_restriction = c.sex_code)
          and exists (select 1 from alts as x
                      where x.scheme_key = r.scheme_key and x.mdc_code = r.mdc_code
                        and x.positive_list_conds = 0)
    ) as k
    join alts as a on a.scheme_key = k.scheme_key and a.mdc_code = k.mdc_code
    left join negative_alt_hits as h
        on h.discharge_key = k.discharge_key and h.scheme_key = k.scheme_key
       and h.adrg_code = a.adrg_code and h.alt_no = a.alt_no
    where a.positive_list_conds = 0
),

-- operating-room procedures of each case (any slot), per scheme
or_slots as (
    select i.discharge_key, o.scheme_key, i.seq, i.code_key, o.px_code as code
    from px_slots as i
    join (select scheme_key, px_code, {{ grouper_code_key('px_code') }} as code_key
          from {{ grouper_scheme_table('or_procedures') }} as s) as o
        on o.code_key = i.code_key
        {%- if grouper_map_active() %} and o.scheme_key = i.scheme_key{% endif %}
),

or_summary as (
    select discharge_key, scheme_key, {{ grouper_arg_min('code', 'seq') }} as first_or_code
    from or_slots
    group by discharge_key, scheme_key
),

-- the other conditions, evaluated only for alternatives whose list conditions hold
others as (
    select
        p.discharge_key, p.scheme_key, p.adrg_code, p.alt_no,
        case
            when c.cond_type = 'not_any_px_in' then p.negative_hits = 0
            when c.cond_type = 'or_proc_any' then o.first_or_code is not null
            when c.cond_type = 'no_or_proc' then o.first_or_code is null
            when c.cond_type = 'attr_range' then
                case when {{ attr_value }} is null then c.attr in {{ grouper_sql_list(null_pass) }}
                     else (c.min_value is null or {{ attr_value }} >= c.min_value)
                      and (c.max_value is null or {{ attr_value }} < c.max_value) end
            -- no candidate row: an MDC entered by its ADRG rules (principal dx not in its table, no regions)
            when c.cond_type = 'mdc_pdx' then coalesce(k.is_pdx_in_mdc_table, false)
            when c.cond_type = 'min_body_regions' then coalesce(k.body_region_count, 0) >= c.min_value
            else false
        end                                                                 as is_met
    from list_passed as p
    join conditions as c
        on c.scheme_key = p.scheme_key and c.adrg_code = p.adrg_code and c.alt_no = p.alt_no
       and not c.is_positive_list
    left join candidates as k
        on k.discharge_key = p.discharge_key and k.scheme_key = p.scheme_key and k.mdc_code = p.mdc_code
    left join or_summary as o on o.discharge_key = p.discharge_key and o.scheme_key = p.scheme_key
    left join cases as cv on cv.discharge_key = p.discharge_key and cv.scheme_key = p.scheme_key
    where p.other_conds > 0
),

others_failed as (
    select distinct discharge_key, scheme_key, adrg_code, alt_no
    from others
    where not coalesce(is_met, false)
),

{%- if qy_mode != 'off' %}

qy as (
    select
        k.discharge_key, k.scheme_key, k.mdc_code,
        min(s.seq)                                                          as qy_seq,
        {{ grouper_arg_min('s.code', 's.seq') }}                            as qy_code,
        max(k.dx_form_rank)                                                 as mdc_form_rank
    from candidates as k
    join or_slots as s on s.discharge_key = k.discharge_key and s.scheme_key = k.scheme_key
    left join (
        select distinct scheme_key, mdc_code, code_key
        from list_codes
        where adrg_kind = 'non_or' and code_type = 'px'
    ) as n on n.scheme_key = k.scheme_key and n.mdc_code = k.mdc_code and n.code_key = s.code_key
    where k.is_pdx_in_mdc_table   -- not in an MDC entered by its ADRG rules
      and n.code_key is null
      {%- if qy_mode == 'principal' %}
      and s.seq = 1
      {%- endif %}
    group by k.discharge_key, k.scheme_key, k.mdc_code
),

{%- endif %}

-- one integer sort key per result: MDC precedence, then surgical < QY < non-OR < medical, file order,
-- alternative; the last two digits carry the form of the principal dx (0 none, 1 whole, 2 dagger) in the
-- deciding pdx_in list and in the MDC's table (the chosen candidate's, so it is not joined back) and
-- never decide
results as (
    select
        p.discharge_key, p.scheme_key,
        (((((cast(m.precedence as bigint) * 10 + a.kind_rank) * 10000 + a.file_order) * 1000 + p.alt_no) * 10
            + coalesce(p.pdx_form_rank, 0)) * 10 + coalesce(p.mdc_form_rank, 0)) as sort_key
    from list_passed as p
    join adrgs as a on a.scheme_key = p.scheme_key and a.adrg_code = p.adrg_code
    join mdcs as m on m.scheme_key = p.scheme_key and m.mdc_code = p.mdc_code
    left join others_failed as f
        on f.discharge_key = p.discharge_key and f.scheme_key = p.scheme_key
       and f.adrg_code = p.adrg_code and f.alt_no = p.alt_no
    where f.discharge_key is null

{%- if qy_mode != 'off' %}
    union all
    -- QY: an operating-room procedure (slot 1 or any slot) and no surgical ADRG of the MDC matched
    select q.discharge_key, q.scheme_key,
           ((cast(m.precedence as bigint) * 10 + 2) * 10000) * 1000 * 100 + coalesce(q.mdc_form_rank, 0) as sort_key
    from qy as q
    join mdcs as m on m.scheme_key = q.scheme_key and m.mdc_code = q.mdc_code
{%- endif %}
),

best as (
    select discharge_key, scheme_key, min(sort_key) as sort_key
    from results
    group by discharge_key, scheme_key
),

-- the choice decoded from its sort key through the small scheme tables
chosen as (
    select
        b.discharge_key, b.scheme_key,
        m.mdc_code,
        m.precedence,
        cast({{ grouper_int_div('b.sort_key', 1000000000) }} % 10 as integer)                    as kind_rank,
        cast({{ grouper_int_div('b.sort_key', 100000) }} % 10000 as integer)                     as file_order,
        cast({{ grouper_int_div('b.sort_key', 100) }} % 1000 as integer)                         as alt_no,
        cast({{ grouper_int_div('b.sort_key', 10) }} % 10 as integer)                            as pdx_form_rank,
        cast(nullif(b.sort_key % 10, 0) as integer)                         as mdc_form_rank
    from best as b
    join mdcs as m
        on m.scheme_key = b.scheme_key and m.precedence = {{ grouper_int_div('b.sort_key', 10000000000) }}
),

chosen_adrg as (
    select
        c.*,
        coalesce(a.adrg_code, c.mdc_code || 'QY')                           as adrg_code,
        t.rule_template like '%{h%'                                         as reads_hits,
        t.rule_template like '%{or}%'                                       as reads_first_or_code,
        -- what the chosen MDC's entry trace needs beyond its form (in the sort key): the body regions,
        -- from the few candidate rows that have them (a join of every case to its candidate cost ≈ 0.5 s)
        coalesce(k.body_region_count, 0)                                    as body_region_count,
        k.region_names,
        k.min_regions
    from chosen as c
    left join (
        select discharge_key, scheme_key, mdc_code, body_region_count, region_names, min_regions
        from candidates
        where body_region_count > 0 or min_regions is not null
    ) as k
        on k.discharge_key = c.discharge_key and k.scheme_key = c.scheme_key and k.mdc_code = c.mdc_code
    left join adrgs as a
        on a.scheme_key = c.scheme_key and a.mdc_code = c.mdc_code
       and a.file_order = case when c.kind_rank <> 2 then c.file_order end
    left join alts as t
        on t.scheme_key = a.scheme_key and t.adrg_code = a.adrg_code and t.alt_no = c.alt_no
),

-- every candidate MDC against the choice: the ones before the chosen one that were entered by their
-- principal-dx table but yielded nothing (few); their entry traces are built here (grouper_mdc_trace),
-- the chosen one's on read, by int_discharge_grouping_traces
skipped_candidates as (
    select k.*
    from candidates as k
    left join chosen as c on c.discharge_key = k.discharge_key and c.scheme_key = k.scheme_key
    where k.is_pdx_in_mdc_table
      and (c.precedence is null or k.precedence < c.precedence)
),

skipped as (
    select
        k.discharge_key, k.scheme_key,
        {{ grouper_string_agg(grouper_mdc_trace('m', 'k.dx_form_rank', 'pd.code', 'pd.dagger_code',
                                                'x.age_days', 'x.sex_code', 'k.body_region_count',
                                                'k.region_names', 'k.min_regions')
                              ~ " || '，但无匹配 ADRG，转下一 MDC'", '；', 'k.precedence') }} as skipped_trace
    from skipped_candidates as k
    join mdcs as m on m.scheme_key = k.scheme_key and m.mdc_code = k.mdc_code
    join cases as x on x.discharge_key = k.discharge_key and x.scheme_key = k.scheme_key
    -- the principal codes as text (few cases: only those with a skipped MDC)
    left join {{ ref('int_grouper_inputs_mapped') }} as pd on {{ grouper_principal_code_on('pd', 'k', 'dx') }}
    group by k.discharge_key, k.scheme_key
),

-- the code that satisfied each any_* condition of the chosen alternative (few cases), by cond_no
-- (cond_no <= 8, tested on the source), packed into one text (macro grouper_pack_hit_texts: one column
-- to write instead of eight)
any_texts as (
    select
        discharge_key, scheme_key,
        {{ grouper_pack_hit_texts('cond_no', 'hit_text') }}                 as hit_texts
    from (
        select
            h.discharge_key, h.scheme_key, h.cond_no,
            case min(h.cond_type)
                when 'any_px_in' then '手术 ' || {{ grouper_arg_min('h.code', 'h.form_rank * 1000 + h.seq') }}
                                      || '(第' || cast(min(h.seq) as varchar) || '位)'
                else '诊断 ' || {{ grouper_arg_min('h.code', 'h.form_rank * 1000 + h.seq') }}
            end                                                             as hit_text
        from chosen_adrg as x
        join hits as h
            on h.discharge_key = x.discharge_key and h.scheme_key = x.scheme_key
           and h.mdc_code = x.mdc_code and h.adrg_code = x.adrg_code and h.alt_no = x.alt_no
        where h.cond_type in ('any_px_in', 'any_dx_in')
          and x.reads_hits
        group by h.discharge_key, h.scheme_key, h.cond_no
    ) as t
    group by discharge_key, scheme_key
),

-- the first operating-room procedure, for the few chosen alternatives whose trace names it
or_texts as (
    select o.discharge_key, o.scheme_key, o.first_or_code
    from chosen_adrg as x
    join or_summary as o on o.discharge_key = x.discharge_key and o.scheme_key = x.scheme_key
    where x.reads_first_or_code
),

{%- if qy_mode != 'off' %}

-- the operating-room procedure of the few cases whose choice is QY
qy_texts as (
    select q.discharge_key, q.scheme_key, q.qy_seq, q.qy_code
    from chosen_adrg as x
    join qy as q
        on q.discharge_key = x.discharge_key and q.scheme_key = x.scheme_key and q.mdc_code = x.mdc_code
    where x.kind_rank = 2
),

{%- endif %}

-- the fill values that only few cases have, one row per case (a union and a small aggregation), so the
-- 1 M choices meet them in one join instead of one join each
extras as (
    select
        discharge_key, scheme_key,
        max(skipped_trace) as skipped_trace, max(hit_texts) as hit_texts, max(first_or_code) as first_or_code,
        max(qy_seq) as qy_seq, max(qy_code) as qy_code
    from (
        select discharge_key, scheme_key, skipped_trace, cast(null as varchar) as hit_texts,
               cast(null as varchar) as first_or_code, cast(null as integer) as qy_seq,
               cast(null as varchar) as qy_code
        from skipped
        union all
        select discharge_key, scheme_key, null, hit_texts, null, null, null from any_texts
        union all
        select discharge_key, scheme_key, null, null, first_or_code, null, null from or_texts
        {%- if qy_mode != 'off' %}
        union all
        select discharge_key, scheme_key, null, null, null, qy_seq, qy_code from qy_texts
        {%- endif %}
    ) as e
    group by discharge_key, scheme_key
),

-- the choice with its fill values; the valid cases without a row (no candidate MDC yielded anything and
-- none was skipped) are 0000 (int_discharges_grouped), and so are those with a skipped MDC only (the
-- extras without a choice)
assembled as (
    select
        coalesce(c.discharge_key, e.discharge_key)                          as discharge_key,
        coalesce(c.scheme_key, e.scheme_key)                        as scheme_key,
        c.mdc_code,
        c.adrg_code,
        c.kind_rank,
        case when c.kind_rank <> 2 then c.alt_no end                        as alt_no,
        c.pdx_form_rank,
        c.mdc_form_rank,
        c.region_names,
        c.min_regions,
        e.skipped_trace,
        e.first_or_code,
        c.body_region_count,
        e.hit_texts,
        e.qy_seq,
        e.qy_code
    from chosen_adrg as c
    full join extras as e on e.discharge_key = c.discharge_key and e.scheme_key = c.scheme_key
)

select
    discharge_key,
    scheme_key,
    mdc_code,
    adrg_code,
    -- the chosen alternative (null for QY and 0000): name, kind and rule text of the ADRG are joined from
    -- the scheme's few alternatives (grouper_adrg_alternatives) on read, not stored
    alt_no,
    case when mdc_code is null then '0000'
         when kind_rank = 2 then 'qy'
         else 'adrg' end                                                    as assignment,
    skipped_trace,
    -- the chosen MDC's entry trace is built on read by int_discharge_grouping_traces (grouper_mdc_trace)
    -- from these
    mdc_form_rank,
    region_names,
    min_regions,
    -- and the ADRG trace (grouper_adrg_trace) from these, each only where the trace reads it
    kind_rank,
    pdx_form_rank,
    first_or_code,
    body_region_count,
    hit_texts,
    qy_seq,
    qy_code
from assembled
