{#- One row per coded diagnosis of a case; dx_seq 0 is the principal diagnosis (主要诊断). -#}
select
    discharge_id,
    partition_month,
    dx_seq,
    dx_seq = 0                 as is_principal,
    trim(jbdm)                 as dx_code,
    qtzd                       as dx_name,
    rybq                       as admission_condition_code
from {{ source('front_page', 'diagnoses') }}
