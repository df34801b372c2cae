{#- Every diagnosis and procedure code of every case, mapped to the scheme's code edition (issue 4.3).
    Codes are normalised first: the extension x in lower case (grouper_normalize_dx_code), procedures lower case.
    Grain: discharge_key x code_type x seq. dx seq 0 = principal diagnosis; px seq 1 = principal procedure.

    The map is the seed `code_map` (map_version, source_edition, code_type, source_code, target_code).
    It applies to a code type only when its var names a source edition (`code_map_dx_edition`,
    `code_map_px_edition`); otherwise the code passes unchanged (identity, the default). When a map applies,
    a code without a row, or with an empty target, cannot be mapped: code is null and is_mapped false
    (GRP-005, status 'cannot_map'). `code_map_version` picks the map version (default: the highest one). -#}
-- depends_on: {{ ref('code_map') }}
{%- set dx_ed = grouper_var('code_map_dx_edition') -%}
{%- set px_ed = grouper_var('code_map_px_edition') -%}
{%- set map_ver = grouper_var('code_map_version') %}

with codes as (
    select discharge_id, 'dx' as code_type, dx_seq as seq,
           {{ grouper_normalize_dx_code('dx_code') }} as source_code
    from {{ ref('stg_front_page__diagnoses') }}
    where dx_code is not null and dx_code <> ''
    union all
    select discharge_id, 'px' as code_type, px_seq as seq, lower(px_code) as source_code
    from {{ ref('stg_front_page__procedures') }}
    where px_code is not null and px_code <> ''
),

{%- if dx_ed is none and px_ed is none %}

mapped as (
    select
        discharge_id, code_type, seq, source_code,
        source_code                      as code,
        true                             as is_mapped,
        cast(null as varchar)            as map_edition
    from codes
)

{%- else %}

active_map as (
    select
        m.code_type,
        case when m.code_type = 'dx' then {{ grouper_normalize_dx_code('upper(trim(m.source_code))') }}
             else lower(trim(m.source_code)) end    as source_code,
        min(nullif(trim(m.target_code), ''))        as target_code,
        min(m.source_edition)                       as source_edition
    from {{ ref('code_map') }} as m
    where (
            {%- if dx_ed is not none %} (m.code_type = 'dx' and m.source_edition = '{{ dx_ed }}'){% else %} false{% endif %}
            or {%- if px_ed is not none %} (m.code_type = 'px' and m.source_edition = '{{ px_ed }}'){% else %} false{% endif %}
          )
      {%- if map_ver is not none %}
      and cast(m.map_version as varchar) = '{{ map_ver }}'
      {%- else %}
      and cast(m.map_version as varchar) = (
            select max(cast(m2.map_version as varchar)) from {{ ref('code_map') }} as m2
            where m2.source_edition = m.source_edition and m2.code_type = m.code_type)
      {%- endif %}
    group by 1, 2
),

mapped as (
    select
        c.discharge_id, c.code_type, c.seq, c.source_code,
        case
            {%- if dx_ed is not none %}
            when c.code_type = 'dx' then m.target_code
            {%- endif %}
            {%- if px_ed is not none %}
            when c.code_type = 'px' then m.target_code
            {%- endif %}
            else c.source_code
        end                                                 as code,
        case
            {%- if dx_ed is not none %}
            when c.code_type = 'dx' then m.target_code is not null
            {%- endif %}
            {%- if px_ed is not none %}
            when c.code_type = 'px' then m.target_code is not null
            {%- endif %}
            else true
        end                                                 as is_mapped,
        m.source_edition                                    as map_edition
    from codes as c
    left join active_map as m
        on m.code_type = c.code_type and m.source_code = c.source_code
)

{%- endif %}

-- narrow on purpose (4.8 rows a case): the integer discharge_key, no discharge_id
select
    {{ grouper_hash_key('discharge_id') }}                               as discharge_key,
    code_type,
    seq,
    source_code,
    code,
    case when code_type = 'dx' then {{ grouper_dagger_part('code') }} end  as dagger_code,
    is_mapped,
    map_edition
from mapped
