{#- Every diagnosis and procedure code of every case, mapped to the code edition of the scheme that groups
    it (issue 4.3). Codes are normalised first: the extension x in lower case (grouper_normalize_dx_code),
    procedures lower case. dx seq 0 = principal diagnosis; px seq 1 = principal procedure.

    The map is the seed `code_map` (map_version, source_edition, target_edition, code_type, source_code,
    target_code, effective_from, effective_to). The source edition of the data is a setting per code type
    (`code_map_dx_edition`, `code_map_px_edition`); the target edition is the scheme's own
    (scheme_versions.dx_edition / px_edition), so two schemes run side by side each get their map.
    * no source edition set (the default): identity; rows are scheme-independent (scheme_version null).
      Grain: discharge_key x code_type x seq. source_code is null (code is the code as coded).
    * a source edition set: one row set per scheme grouping the discharge. Grain: discharge_key x
      scheme_version x code_type x seq. Identity where the source edition equals the scheme's edition or the
      scheme names none. Otherwise the map version in force on the discharge date (effective_from <= date <
      effective_to, null = open; the latest effective_from, then the highest map_version, wins; var
      `code_map_version` forces one) of (source edition, scheme edition, code type) applies: a code without
      a row, or with an empty target, cannot be mapped (code null, is_mapped false: GRP-005, status
      cannot_map), and so does every code when no map version is in force. Several rows for one source code:
      the smallest target code.
    Ephemeral (issue #4, sixth pass): dbt inlines it as one CTE into int_discharges_grouped, which computes
    the whole grouper in one statement, so its 4.9 M rows a million cases are neither written nor read
    back; the trace view computes it again on read for the principal codes' text. -#}
{{ config(materialized='ephemeral') }}
-- refs used only when a map is active (inside the Jinja branch below) are declared here, so the DAG
-- orders them before this model whatever the vars at parse time
-- depends_on: {{ ref('code_map') }}
-- depends_on: {{ ref('int_discharges_joined_to_schemes') }}
{%- set dx_ed = grouper_var('code_map_dx_edition') -%}
{%- set px_ed = grouper_var('code_map_px_edition') -%}
{%- set map_ver = grouper_var('code_map_version') %}

with codes as (
    select {{ grouper_hash_key('discharge_id') }} as discharge_key, 'dx' as code_type, dx_seq as seq,
           {{ grouper_normalize_dx_code('dx_code') }} as source_code
    from {{ ref('stg_front_page__diagnoses') }}
    where dx_code <> ''   -- (null <> '' is not true either: one trim per row in the scan, not two)
      and {{ grouper_batch_filter() }}
    union all
    select {{ grouper_hash_key('discharge_id') }} as discharge_key, 'px' as code_type, px_seq as seq,
           lower(px_code) as source_code
    from {{ ref('stg_front_page__procedures') }}
    where px_code <> ''
      and {{ grouper_batch_filter() }}
),

{%- if not grouper_map_active() %}

mapped as (
    select
        discharge_key,
        cast(null as varchar)            as scheme_version,
        cast(null as bigint)             as scheme_key,
        code_type, seq,
        -- the code as coded is `code` itself: not written twice (4.8 M strings, ≈ 0.6 s a million cases)
        cast(null as varchar)            as source_code,
        source_code                      as code,
        true                             as is_mapped,
        cast(null as varchar)            as map_version
    from codes
)

{%- else %}

map_rows as (
    select
        cast(m.map_version as varchar)                                      as map_version,
        m.source_edition, m.target_edition, m.code_type,
        coalesce(cast(m.effective_from as date), date '0001-01-01')         as effective_from,
        cast(m.effective_to as date)                                        as effective_to,
        case when m.code_type = 'dx' then {{ grouper_normalize_dx_code('upper(trim(m.source_code))') }}
             else lower(trim(m.source_code)) end                            as source_code,
        nullif(trim(m.target_code), '')                                     as target_code
    from {{ ref('code_map') }} as m
    where (
            {%- if dx_ed is not none %} (m.code_type = 'dx' and m.source_edition = '{{ dx_ed }}'){% else %} false{% endif %}
            or {%- if px_ed is not none %} (m.code_type = 'px' and m.source_edition = '{{ px_ed }}'){% else %} false{% endif %}
          )
      {%- if map_ver is not none %}
      and cast(m.map_version as varchar) = '{{ map_ver }}'
      {%- endif %}
),

-- map versions and their effective dates (small), ranked per (source, target, code type)
map_versions as (
    select
        map_version, source_edition, target_edition, code_type, effective_from, effective_to,
        row_number() over (partition by source_edition, target_edition, code_type
                           order by effective_from desc, map_version desc)  as version_rank
    from (select distinct map_version, source_edition, target_edition, code_type, effective_from, effective_to
          from map_rows) as v
),

-- pieces of time [lo, hi) with the winning map version, as for the schemes (int_discharges_joined_to_schemes)
map_bounds as (
    select source_edition, target_edition, code_type, effective_from as b from map_versions
    union
    select source_edition, target_edition, code_type, effective_to as b from map_versions
    where effective_to is not null
),

map_pieces as (
    select source_edition, target_edition, code_type, b as lo,
           lead(b) over (partition by source_edition, target_edition, code_type order by b) as hi
    from map_bounds
),

map_in_force as (
    select p.source_edition, p.target_edition, p.code_type, p.lo, p.hi, v.map_version
    from (
        select p.source_edition, p.target_edition, p.code_type, p.lo, p.hi, min(v.version_rank) as version_rank
        from map_pieces as p
        join map_versions as v
            on v.source_edition = p.source_edition and v.target_edition = p.target_edition
           and v.code_type = p.code_type
           and v.effective_from <= p.lo and (v.effective_to is null or p.lo < v.effective_to)
        group by p.source_edition, p.target_edition, p.code_type, p.lo, p.hi
    ) as p
    join map_versions as v
        on v.source_edition = p.source_edition and v.target_edition = p.target_edition
       and v.code_type = p.code_type and v.version_rank = p.version_rank
),

map_codes as (
    select map_version, source_edition, target_edition, code_type, source_code, min(target_code) as target_code
    from map_rows
    group by map_version, source_edition, target_edition, code_type, source_code
),

-- each code once per scheme grouping its discharge, with the source and target edition that apply
code_targets as (
    select
        c.discharge_key, s.scheme_version, s.scheme_key, s.discharge_date, c.code_type, c.seq, c.source_code,
        case c.code_type
            when 'dx' then {% if dx_ed is not none %}'{{ dx_ed }}'{% else %}cast(null as varchar){% endif %}
            else {% if px_ed is not none %}'{{ px_ed }}'{% else %}cast(null as varchar){% endif %}
        end                                                                 as source_edition,
        case c.code_type when 'dx' then s.dx_edition else s.px_edition end  as target_edition
    from codes as c
    left join {{ ref('int_discharges_joined_to_schemes') }} as s on s.discharge_key = c.discharge_key
),

mapped as (
    select
        t.discharge_key, t.scheme_version, t.scheme_key, t.code_type, t.seq, t.source_code,
        case when t.source_edition is null or t.target_edition is null or t.source_edition = t.target_edition
             then t.source_code else m.target_code end                      as code,
        case when t.source_edition is null or t.target_edition is null or t.source_edition = t.target_edition
             then true else m.target_code is not null end                   as is_mapped,
        v.map_version
    from code_targets as t
    left join map_in_force as v
        on v.source_edition = t.source_edition and v.target_edition = t.target_edition
       and v.code_type = t.code_type
       and t.discharge_date >= v.lo and (v.hi is null or t.discharge_date < v.hi)
    left join map_codes as m
        on m.map_version = v.map_version and m.source_edition = v.source_edition
       and m.target_edition = v.target_edition and m.code_type = t.code_type and m.source_code = t.source_code
)

{%- endif %}

-- narrow on purpose (4.8 rows a case): the integer discharge_key, no discharge_id; the codes as 64-bit keys
-- (grouper_code_key), which every join of the grouper uses. Without a code map the text of a code is kept
-- only where a later step reads it: the principal diagnosis and procedure (pre-checks, traces) and a
-- dagger/asterisk diagnosis (the severity trace names the whole code when its dagger part is on a list);
-- a code that matched a list is named from the list. Writing the 4.8 M codes as text cost more than the
-- rest of the model (docs/grouper.md, fifth pass). With a code map every code keeps its text.
select
    discharge_key,
    scheme_version,
    -- the integer key every join of the grouper uses (grouper_scheme_key)
    scheme_key,
    code_type,
    seq,
    source_code,
    {%- if grouper_map_active() %}
    code,
    {%- else %}
    case when seq = case when code_type = 'dx' then 0 else 1 end or dagger_code is not null
         then code end                                                 as code,
    {%- endif %}
    {{ grouper_code_key('code') }}                                     as code_key,
    dagger_code,
    {{ grouper_code_key('dagger_code') }}                              as dagger_key,
    is_mapped,
    map_version
from (
    select
        m.*,
        case when m.code_type = 'dx' then {{ grouper_dagger_part('m.code') }} end  as dagger_code
    from mapped as m
) as mapped_with_dagger
