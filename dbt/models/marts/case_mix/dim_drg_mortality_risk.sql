{#- DRG mortality risk levels (DRG死亡风险分级). Grain: scheme_version × weight_version × drg_code.
    Formulas: int_drg_mortality_risks_graded. -#}
select
    scheme_version,
    weight_version,
    drg_code,
    case_count,
    death_count,
    mortality_rate,
    ln_mortality,
    ln_mortality_mean,
    ln_mortality_sd,
    z_score,
    is_eligible,
    risk_level,
    risk_level_name
from {{ ref('int_drg_mortality_risks_graded') }}
