{#- Which scheme(s) group each discharge. Grain: discharge_id x scheme_version.
    The primary scheme is the one in force on the discharge date (effective_from <= date < effective_to,
    null = open; the latest effective_from wins), or the var `scheme_version` when set (the CLI sets it).
    `compare_scheme_versions` adds extra schemes for every discharge (side-by-side runs).
    A discharge with no scheme in force keeps one row with scheme_version null. -#}
{%- set forced = grouper_var('scheme_version') -%}
{%- set extra = grouper_var('compare_scheme_versions') %}

with discharges as (
    select discharge_id, discharge_key, discharge_date from {{ ref('int_discharges_prechecked') }}
),

versions as (
    select scheme_version, effective_from, effective_to from {{ source('scheme', 'scheme_versions') }}
),

{%- if forced is not none %}

primary_scheme as (
    select d.discharge_key, v.scheme_version
    from discharges as d
    cross join (select scheme_version from versions where scheme_version = '{{ forced }}') as v
),

{%- else %}

ranked_versions as (
    select
        scheme_version, effective_from, effective_to,
        row_number() over (order by effective_from desc, scheme_version desc) as version_rank
    from versions
),

in_force as (
    select d.discharge_key, min(v.version_rank) as version_rank
    from discharges as d
    join ranked_versions as v
        on d.discharge_date >= v.effective_from
       and (v.effective_to is null or d.discharge_date < v.effective_to)
    group by d.discharge_key
),

primary_scheme as (
    select f.discharge_key, v.scheme_version
    from in_force as f
    join ranked_versions as v on v.version_rank = f.version_rank
),

{%- endif %}

primary_rows as (
    select
        d.discharge_id,
        d.discharge_key,
        p.scheme_version,
        true as is_primary_scheme
    from discharges as d
    left join primary_scheme as p on p.discharge_key = d.discharge_key
)

select discharge_id, discharge_key, scheme_version, is_primary_scheme from primary_rows
{%- if extra | length > 0 %}
union all
select
    d.discharge_id,
    d.discharge_key,
    v.scheme_version,
    false as is_primary_scheme
from primary_rows as d
cross join (select scheme_version from versions where scheme_version in {{ grouper_sql_list(extra) }}) as v
where d.scheme_version is null or d.scheme_version <> v.scheme_version
{%- endif %}
