{#- Which scheme(s) group each discharge. Grain: discharge_id x scheme_version.
    The primary scheme is the one in force on the discharge date (effective_from <= date < effective_to,
    null = open; the latest effective_from wins), or the var `scheme_version` when set (the CLI sets it).
    `compare_scheme_versions` adds extra schemes for every discharge (side-by-side runs).
    A discharge with no scheme in force keeps one row with scheme_version null.
    scheme_key: the integer key of scheme_version (grouper_scheme_key), on which the grouper joins.
    dx_edition / px_edition: the code editions of the scheme, the target editions of the code map
    (int_grouper_inputs_mapped). The discharge fields the pre-checks read are carried along.
    A view: a join of the discharges with the few scheme versions, cheaper to recompute than to store. -#}
{{ config(materialized='view') }}
{%- set forced = grouper_var('scheme_version') -%}
{%- set extra = grouper_var('compare_scheme_versions') -%}
{%- set case_cols = ['discharge_id', 'discharge_key', 'hospital_id', 'partition_month', 'discharge_date',
                     'sex_code', 'age_years', 'age_days', 'birth_weight_g', 'los_days', 'total_cost_amount'] %}

with discharges as (
    select
        discharge_id,
        {{ grouper_hash_key('discharge_id') }} as discharge_key,
        hospital_id, partition_month, discharge_date, sex_code, age_years, age_days, birth_weight_g,
        los_days, total_cost_amount
    from {{ ref('stg_front_page__discharges') }}
),

versions as (
    select scheme_version, effective_from, effective_to, dx_edition, px_edition
    from {{ source('scheme', 'scheme_versions') }}
),

{%- if forced is not none %}

primary_rows as (
    select {% for c in case_cols %}d.{{ c }}, {% endfor %}v.scheme_version, true as is_primary_scheme,
           v.dx_edition, v.px_edition
    from discharges as d
    left join (select * from versions where scheme_version = '{{ forced }}') as v on true
)

{%- else %}

ranked_versions as (
    select
        scheme_version, effective_from, effective_to, dx_edition, px_edition,
        row_number() over (order by effective_from desc, scheme_version desc) as version_rank
    from versions
),

-- the dates where the scheme in force can change cut time into pieces [lo, hi) (hi null = open); each
-- piece gets the winning version once, on the few scheme rows, so the discharges need one range join and
-- no aggregation over the case set
boundaries as (
    select effective_from as b from versions
    union
    select effective_to as b from versions where effective_to is not null
),

pieces as (
    select b as lo, lead(b) over (order by b) as hi from boundaries
),

piece_winners as (
    select p.lo, p.hi, min(v.version_rank) as version_rank
    from pieces as p
    join ranked_versions as v
        on v.effective_from <= p.lo and (v.effective_to is null or p.lo < v.effective_to)
    group by p.lo, p.hi
),

winners as (
    select w.lo, w.hi, v.scheme_version, v.dx_edition, v.px_edition
    from piece_winners as w
    join ranked_versions as v on v.version_rank = w.version_rank
),

primary_rows as (
    select {% for c in case_cols %}d.{{ c }}, {% endfor %}w.scheme_version, true as is_primary_scheme,
           w.dx_edition, w.px_edition
    from discharges as d
    left join winners as w
        on d.discharge_date >= w.lo and (w.hi is null or d.discharge_date < w.hi)
)

{%- endif %}

select {{ case_cols | join(', ') }}, scheme_version, {{ grouper_scheme_key('scheme_version') }} as scheme_key,
       is_primary_scheme, dx_edition, px_edition
from primary_rows
{%- if extra | length > 0 %}
union all
select
    {% for c in case_cols %}d.{{ c }}, {% endfor %}
    v.scheme_version,
    {{ grouper_scheme_key('v.scheme_version') }} as scheme_key,
    false as is_primary_scheme,
    v.dx_edition,
    v.px_edition
from primary_rows as d
cross join (select * from versions where scheme_version in {{ grouper_sql_list(extra) }}) as v
where d.scheme_version is null or d.scheme_version <> v.scheme_version
{%- endif %}
