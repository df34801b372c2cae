{#- The grouper's trace of every discharge under its primary scheme, in Chinese, for coders: the rule and the
    code that decided each step (scheme, pre-checks, MDC, ADRG, severity, DRG). Grain: discharge_id, as
    fct_discharge_groupings. A view on int_discharge_grouping_traces: the text is derived from the stored
    decisions when it is read, so filter on discharge_id (or join to the few cases you look at). -#}
{{ config(materialized='view') }}
select
    t.discharge_id,
    t.scheme_version,
    t.trace
from {{ ref('int_discharge_grouping_traces') }} as t
where t.is_primary_scheme
