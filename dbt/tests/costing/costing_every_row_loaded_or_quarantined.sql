{#- Every landing row of the costing inputs is loaded or quarantined. -#}
select *
from {{ source('costing', 'load_stats') }}
where rows_read <> rows_loaded + rows_quarantined
