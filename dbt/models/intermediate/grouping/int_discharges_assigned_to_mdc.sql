{#- The MDCs a case may enter, in the scheme's precedence order (fall-through happens in
    int_discharges_assigned_to_adrg: the first of these MDCs that yields an ADRG wins).
    Grain: discharge_key x scheme_key x mdc_code (the MDCs a valid, mappable case's principal diagnosis
    enters).

    Entry rules (mdcs.entry_rule, docs/scheme.md):
      pdx_table     principal dx in the MDC's principal-dx table
      age_lt_1y     the same, and age < 1 year (age in days < 365)
      multi_trauma  the same, and the case's diagnoses in the MDC table cover >= N body regions
                    (N = the smallest min_body_regions of the MDC's ADRGs, 2 if none)
      adrg_rules    a candidate of every valid case (entered only when one of its ADRGs matches, never QY);
                    it has no row here: the ADRG step takes these MDCs from the scheme's mdcs table
    sex_restriction: the MDC is skipped for the other sex.
    Dagger/asterisk codes: the whole principal code is looked up first; only when no MDC table holds it
    is the dagger part used (dx_form_rank 2; 1 = the whole code). No text: the entry trace is
    grouper_mdc_trace's, built for the MDCs a case's trace shows.
    Ephemeral: only the ADRG step reads it (several times, so DuckDB keeps the CTE once in memory there);
    as a table its rows were written and read back (≈ 0.5 s a million cases, docs/grouper.md); as a view
    inside the one grouper statement it would compute the pre-checks a second time. -#}
{{ config(materialized='ephemeral') }}

with cases as {{ grouper_not_materialized() }} (
    select
        p.discharge_key,
        p.scheme_key,
        p.sex_code,
        p.age_years,
        p.age_days,
        p.pdx_key,
        p.pdx_dagger_key
    from {{ ref('int_discharges_prechecked') }} as p
    where p.is_valid_for_grouping and p.scheme_key is not null
),

mdcs as (
    select * from {{ grouper_scheme_table('mdcs') }} as s
),

mdc_dx as (
    select distinct scheme_key, mdc_code, {{ grouper_code_key('dx_code') }} as dx_key
    from {{ grouper_scheme_table('mdc_principal_dx') }} as s
),

-- the hits carry what the entry rules read of the case (sex, age), so they are not joined to the cases
-- again (a 1 M-row join, ≈ 0.4 s a million cases)
whole_hits as (
    select c.discharge_key, c.scheme_key, m.mdc_code, 1 as form_rank, c.sex_code, c.age_years, c.age_days
    from cases as c
    join mdc_dx as m on m.scheme_key = c.scheme_key and m.dx_key = c.pdx_key
),

-- the dagger part only when no MDC table holds the whole code
dagger_hits as (
    select c.discharge_key, c.scheme_key, m.mdc_code, 2 as form_rank, c.sex_code, c.age_years, c.age_days
    from cases as c
    join mdc_dx as m on m.scheme_key = c.scheme_key and m.dx_key = c.pdx_dagger_key
    where c.pdx_dagger_key is not null
      and not exists (
          select 1 from mdc_dx as w where w.scheme_key = c.scheme_key and w.dx_key = c.pdx_key)
),

pdx_in_table as (
    select * from whole_hits
    union all
    select * from dagger_hits
),

-- body regions (MDCZ) covered by the case's diagnoses (principal and secondary, whole or dagger form)
region_codes as (
    select distinct scheme_key, mdc_code, {{ grouper_code_key('dx_code') }} as dx_key, body_region
    from {{ grouper_scheme_table('mdc_principal_dx') }} as s
    where body_region is not null
),

-- the join to the (small) region table comes first, the distinct on its few hits after
region_rows as (
    select distinct f.discharge_key, r.scheme_key, r.mdc_code, r.body_region
    from (
        select discharge_key, scheme_key, code_key as dx_key
        from {{ ref('int_grouper_inputs_mapped') }}
        where code_type = 'dx' and code_key is not null
        union all
        select discharge_key, scheme_key, dagger_key as dx_key
        from {{ ref('int_grouper_inputs_mapped') }}
        where code_type = 'dx' and dagger_key is not null
    ) as f
    join region_codes as r
        on r.dx_key = f.dx_key
        {%- if grouper_map_active() %} and r.scheme_key = f.scheme_key{% endif %}
),

min_regions as (
    select a.scheme_key, a.mdc_code, min(c.min_value) as min_regions
    from {{ grouper_scheme_table('adrg_conditions') }} as c
    join {{ grouper_scheme_table('adrgs') }} as a
        on a.scheme_key = c.scheme_key and a.adrg_code = c.adrg_code
    where c.cond_type = 'min_body_regions'
    group by a.scheme_key, a.mdc_code
),

regions_counted as (
    select discharge_key, scheme_key, mdc_code, count(*) as region_count
    from region_rows
    group by discharge_key, scheme_key, mdc_code
),

-- the names of the regions (an ordered string_agg, ≈ 0.4 s over the 125,000 cases with a region code of a
-- million) only where a trace can show them: an MDC entered by its multi_trauma rule, i.e. with enough regions
regions_named as (
    select
        r.discharge_key, r.scheme_key, r.mdc_code,
        {{ grouper_string_agg('r.body_region', '、', 'r.body_region') }}   as region_names
    from region_rows as r
    join regions_counted as g
        on g.discharge_key = r.discharge_key and g.scheme_key = r.scheme_key and g.mdc_code = r.mdc_code
    join mdcs as m on m.scheme_key = r.scheme_key and m.mdc_code = r.mdc_code
    left join min_regions as mr on mr.scheme_key = r.scheme_key and mr.mdc_code = r.mdc_code
    where m.entry_rule = 'multi_trauma' and g.region_count >= coalesce(mr.min_regions, 2)
    group by r.discharge_key, r.scheme_key, r.mdc_code
),

regions as (
    select g.discharge_key, g.scheme_key, g.mdc_code, g.region_count, n.region_names
    from regions_counted as g
    left join regions_named as n
        on n.discharge_key = g.discharge_key and n.scheme_key = g.scheme_key and n.mdc_code = g.mdc_code
),

-- no trace text here: the few MDC traces a case shows (the chosen MDC, the skipped ones) are built from
-- these columns by grouper_mdc_trace at the end, instead of a text for each of the 1 M candidate rows
table_entries as (
    select
        h.discharge_key,
        h.scheme_key,
        h.mdc_code,
        m.precedence,
        true                                                               as is_pdx_in_mdc_table,
        coalesce(g.region_count, 0)                                        as body_region_count,
        h.form_rank                                                        as dx_form_rank,
        case when m.entry_rule = 'multi_trauma' then g.region_names end    as region_names,
        case when m.entry_rule = 'multi_trauma' then coalesce(mr.min_regions, 2) end as min_regions
    from pdx_in_table as h
    join mdcs as m on m.scheme_key = h.scheme_key and m.mdc_code = h.mdc_code
    left join regions as g
        on g.discharge_key = h.discharge_key and g.scheme_key = h.scheme_key
       and g.mdc_code = h.mdc_code
    left join min_regions as mr on mr.scheme_key = h.scheme_key and mr.mdc_code = h.mdc_code
    where m.entry_rule in ('pdx_table', 'age_lt_1y', 'multi_trauma')
      and (m.sex_restriction is null or m.sex_restriction = h.sex_code)
      and (m.entry_rule <> 'age_lt_1y' or (h.age_years = 0 and h.age_days < 365))
      and (m.entry_rule <> 'multi_trauma' or coalesce(g.region_count, 0) >= coalesce(mr.min_regions, 2))
)

select * from table_entries
