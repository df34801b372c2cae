{{ config(meta={'dagster': {'ref': {'name': 'int_discharges_grouped'}}}) }}
-- The grouper joins a case to its scheme on the integer scheme_key (grouper_scheme_key, a 64-bit hash of
-- scheme_version): two scheme versions sharing a key would mix their tables. Fails with the shared key.
select {{ grouper_scheme_key('scheme_version') }} as scheme_key, count(*) as scheme_versions
from {{ source('scheme', 'scheme_versions') }}
group by 1
having count(*) > 1
