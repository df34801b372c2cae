{#- The principal diagnosis (with its dagger part) and the principal procedure of each case as text, for the
    traces: the grouper itself compares codes as keys (grouper_code_key) and stores no code text per case.
    Grain: discharge_key x scheme_version as in int_grouper_inputs_mapped (scheme_version null when no code
    map applies; join with grouper_inputs_on). A view over the principal rows of int_grouper_inputs_mapped,
    read only where a trace is written (the traces view, the skipped MDCs of the ADRG step). -#}
{{ config(materialized='view') }}

select
    discharge_key,
    scheme_version,
    max(case when code_type = 'dx' then code end)                          as pdx_code,
    max(case when code_type = 'dx' then dagger_code end)                   as pdx_dagger_code,
    max(case when code_type = 'px' then code end)                          as ppx_code
from {{ ref('int_grouper_inputs_mapped') }}
where (code_type = 'dx' and seq = 0) or (code_type = 'px' and seq = 1)
group by discharge_key, scheme_version
