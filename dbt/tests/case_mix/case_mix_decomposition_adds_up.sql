{{ config(meta={'dagster': {'ref': {'name': 'fct_cmi_change_decomposition'}}}) }}
-- The two effects add up to the change: volume + CMI effect = total weight change; ADRG mix + severity =
-- CMI change.
select *
from {{ ref('fct_cmi_change_decomposition') }}
where abs(volume_effect + cmi_effect - total_weight_change) > 1e-9 * greatest(1, abs(total_weight_change))
   or abs(adrg_mix_effect + severity_effect - cmi_change) > 1e-9
   or abs(total_weight - base_total_weight - total_weight_change) > 1e-9 * greatest(1, abs(total_weight_change))
