{#- Every code of every list an ADRG condition names, with the ADRG's MDC stored as a column, so that
    the grouper joins case codes on (scheme_key, mdc_code, code_type, code) and never on a derived
    letter; code_key (grouper_code_key) is what the case codes are joined on. Grain: scheme_key x adrg_code x alt_no x cond_no x code.
    Ephemeral: 59,000 rows for CHS-DRG 1.1, computed inside the ADRG step (a few hundredths of a second)
    instead of a table written by its own statement (0.2 s). -#}
{{ config(materialized='ephemeral') }}
select
    c.scheme_key,
    a.mdc_code,
    c.adrg_code,
    a.kind          as adrg_kind,
    c.alt_no,
    c.cond_no,
    c.cond_type,
    c.list_id,
    l.code_type,
    l.code,
    {{ grouper_code_key('l.code') }} as code_key
from {{ grouper_scheme_table('adrg_conditions') }} as c
join {{ grouper_scheme_table('adrgs') }} as a
    on a.scheme_key = c.scheme_key and a.adrg_code = c.adrg_code
join {{ grouper_scheme_table('code_lists') }} as l
    on l.scheme_key = c.scheme_key and l.list_id = c.list_id
where c.cond_type in ('pdx_in', 'ppx_in', 'any_px_in', 'any_dx_in', 'not_any_px_in')
