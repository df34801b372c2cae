{#- One row per procedure of a case; px_seq 1 is the principal procedure (主要手术及操作). -#}
select
    discharge_id,
    partition_month,
    px_seq,
    px_seq = 1                 as is_principal,
    trim(ssjczbm)              as px_code,
    ssjczmc                    as px_name,
    ssjczrq                    as px_date,
    ssjb                       as surgery_level_code,
    sz                         as surgeon,
    yz                         as first_assistant,
    ez                         as second_assistant,
    qkdj                       as incision_class_code,
    qkyhlb                     as healing_class_code,
    mzfs                       as anesthesia_method_code,
    mzys                       as anesthetist
from {{ source('front_page', 'procedures') }}
