{#- Case-mix fact at discharge grain (grain: discharge_id): the primary-scheme grouping, the weight
    version in force on the discharge date, the RW (null unless grouped and weighted), the DRG's benchmark
    means and mortality risk level. Costing and payment read discharge_id, rw, weight_version here. -#}
select * from {{ ref('int_discharges_joined_to_weights') }}
