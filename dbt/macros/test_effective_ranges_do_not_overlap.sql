{#- Generic test for versioned reference data (parameter seeds, weight versions, ranges, code maps): each
    version is one effective range [from, to) (to null = open). It returns a row for
      * a version whose rows disagree on their dates (a version is one period; with require_from, a row
        without effective_from too),
      * a version whose effective_to is not after its effective_from,
      * with check_overlap (the default), two versions of the same partition_by key whose ranges overlap,
        so a date selects at most one version. A null effective_from counts as the beginning of time.
    Arguments: version_column; partition_by (columns whose values each have their own versions, e.g.
    region); from_column / to_column (default effective_from / effective_to); require_from (false);
    check_overlap (true: false where the latest version in force wins by design, e.g. code maps); where
    (a filter, e.g. only active versions). -#}
{% test effective_ranges_do_not_overlap(model, version_column, partition_by=[], from_column='effective_from',
                                        to_column='effective_to', require_from=false, check_overlap=true,
                                        where=none) %}
{%- set keys = partition_by | list -%}
{%- set key_cols -%}{% for k in keys %}{{ k }}, {% endfor %}{%- endset -%}
{%- set first_day = "cast('0001-01-01' as date)" -%}
{%- set last_day = "cast('9999-12-31' as date)" -%}
with versions as (
    select {{ key_cols }}{{ version_column }} as version,
           min(cast({{ from_column }} as date))                                  as effective_from,
           max(cast({{ to_column }} as date))                                    as effective_to,
           count(distinct coalesce(cast({{ from_column }} as date), {{ first_day }})) as n_from,
           count(distinct coalesce(cast({{ to_column }} as date), {{ last_day }}))    as n_to,
           count(*) - count({{ from_column }})                                   as n_missing_from
    from {{ model }}
    {%- if where %}
    where {{ where }}
    {%- endif %}
    group by {{ key_cols }}{{ version_column }}
)
select {{ key_cols }}version, cast(null as {{ dbt.type_string() }}) as other_version,
       'rows of the version disagree on effective dates{{ " or lack effective_from" if require_from else "" }}' as problem
from versions
where n_from <> 1 or n_to <> 1{% if require_from %} or n_missing_from > 0{% endif %}
union all
select {{ key_cols }}version, cast(null as {{ dbt.type_string() }}), 'effective_to not after effective_from'
from versions
where effective_to is not null and effective_to <= coalesce(effective_from, {{ first_day }})
{%- if check_overlap %}
union all
select {% for k in keys %}a.{{ k }}, {% endfor %}a.version, b.version, 'effective ranges overlap'
from versions as a
join versions as b
  on {% for k in keys %}a.{{ k }} = b.{{ k }} and {% endfor %}a.version < b.version
 and coalesce(a.effective_from, {{ first_day }}) < coalesce(b.effective_to, {{ last_day }})
 and coalesce(b.effective_from, {{ first_day }}) < coalesce(a.effective_to, {{ last_day }})
{%- endif %}
{% endtest %}
