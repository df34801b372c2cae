{#- Discharge-grain relative weight (RW, 权重) for costing and payment: discharge_id, rw, weight_version.
    Read by ref(var costing_rw_model), default fct_case_mix_discharges (dbt_project.yml), so the RW edge is
    in the lineage and a full build orders case mix before costing. With the var set to null the relation
    marts.fct_case_mix_discharges is read when it exists (no lineage), else every RW is null (a warning is
    logged; payment of grouped cases is then null). A view (a column subset read once, by
    fct_discharge_payments). -#}
{{ config(materialized='view') }}
{%- set rw_model = var('costing_rw_model', none) %}
{%- if rw_model %}
select
    cast(discharge_id as {{ dbt.type_string() }})   as discharge_id,
    cast(rw as double)                              as rw,
    cast(weight_version as {{ dbt.type_string() }}) as weight_version
from {{ ref(rw_model) }}
{%- else %}
{%- set rel = adapter.get_relation(database=target.database, schema='marts', identifier='fct_case_mix_discharges') if execute else none %}
{%- if rel %}
select
    cast(discharge_id as {{ dbt.type_string() }})   as discharge_id,
    cast(rw as double)                              as rw,
    cast(weight_version as {{ dbt.type_string() }}) as weight_version
from {{ rel }}
{%- else %}
{%- if execute %}{{ log("costing: no discharge RW (set var costing_rw_model); RW and DRG payment are null", info=True) }}{% endif %}
select
    cast(null as {{ dbt.type_string() }})   as discharge_id,
    cast(null as double)                    as rw,
    cast(null as {{ dbt.type_string() }})   as weight_version
where 1 = 0
{%- endif %}
{%- endif %}
