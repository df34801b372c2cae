{#- DRG grouping of every discharge under its primary scheme (the one in force on the discharge date,
    or the var scheme_version). Grain: discharge_id. Comparison schemes stay in int_discharges_grouped.
    is_grouped: in a DRG (status grouped); excluded cases keep their reference DRG but are not grouped.
    A view: a filter on int_discharges_grouped, which carries hospital_id, partition_month and
    discharge_date, so the 1 M-row result is written once (docs/grouper.md). The ADRG's name and kind
    come from the scheme's adrgs table and dx_match from the stored form ranks (grouper_decisions.sql), on
    read: three text columns fewer to write per case. The grouper's trace of each discharge is in
    fct_discharge_grouping_traces (written on read). -#}
{{ config(materialized='view') }}
select
    g.discharge_id,
    g.hospital_id,
    g.partition_month,
    g.discharge_date,
    g.scheme_version,
    g.mdc_code,
    g.adrg_code,
    {{ grouper_adrg_name('g', 'a') }}  as adrg_name,
    a.kind                            as adrg_kind,
    g.drg_code,
    g.severity_level,
    g.grouping_status,
    g.status_reason,
    {{ grouper_dx_match('g') }}       as dx_match,
    g.grouping_status = 'grouped'     as is_grouped,
    g.is_excluded
from {{ ref('int_discharges_grouped') }} as g
left join {{ source('scheme', 'adrgs') }} as a
    on a.scheme_version = g.scheme_version and a.adrg_code = g.adrg_code
where g.is_primary_scheme
