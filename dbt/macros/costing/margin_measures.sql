{#- The margin measures of every margin mart, defined once (rows of int_discharges_joined_to_revenue_bases):
      marginal_contribution = R − variable (边际贡献); direct_margin = R − direct (直接贡献);
      gross_margin = R − medical business (毛益); net_margin = R − full (净结余); each *_rate = margin / R;
      cost_per_rw_<layer>      = Σ cost / Σ RW over cases with RW > 0 (每权重成本);
      cmi_cost_index_<layer>   = Σ (case cost / RW) / cases, over cases with RW > 0 (CMI 成本指数);
      cmi_revenue_index        = Σ (case revenue / RW) / cases (the same construction on revenue);
      cmi_margin_index_<layer> = 1 − cmi_cost_index_<layer> / cmi_revenue_index.
    Not to be confused with the cost efficiency index (费用消耗指数, fct_efficiency_quadrants). -#}
{% macro margin_measures() -%}
    cast(count(*) as bigint)                                    as case_count,
    cast({{ exact_sum('rw') }} as double)                       as rw_sum,
    cast(sum(case when rw > 0 then 1 else 0 end) as bigint)     as weighted_case_count,
    cast(sum(revenue_amount) as decimal(18,2))                  as revenue_amount,
    cast(sum(variable_cost_amount) as decimal(18,2))            as variable_cost_amount,
    cast(sum(direct_cost_amount) as decimal(18,2))              as direct_cost_amount,
    cast(sum(medical_business_cost_amount) as decimal(18,2))    as medical_business_cost_amount,
    cast(sum(full_cost_amount) as decimal(18,2))                as full_cost_amount,
    cast(sum(full_cost_incl_fiscal_amount) as decimal(18,2))    as full_cost_incl_fiscal_amount,
    {%- for margin, layer in [('marginal_contribution', 'variable'), ('direct_margin', 'direct'),
                              ('gross_margin', 'medical_business'), ('net_margin', 'full')] %}
    cast(sum(revenue_amount) - sum({{ layer }}_cost_amount) as decimal(18,2)) as {{ margin }}_amount,
    cast({{ safe_ratio('sum(revenue_amount) - sum(' ~ layer ~ '_cost_amount)', 'sum(revenue_amount)') }} as double) as {{ margin }}_rate,
    {%- endfor %}
    {%- for layer in costing_layers() %}
    cast({{ safe_ratio('sum(case when rw > 0 then ' ~ layer ~ '_cost_amount end)', exact_sum('case when rw > 0 then rw end')) }} as double) as cost_per_rw_{{ layer }},
    cast({{ exact_avg('case when rw > 0 then cast(' ~ layer ~ '_cost_amount as double) / rw end') }} as double) as cmi_cost_index_{{ layer }},
    {%- endfor %}
    cast({{ exact_avg('case when rw > 0 then cast(revenue_amount as double) / rw end') }} as double) as cmi_revenue_index,
    {%- for layer in costing_layers() %}
    cast(1 - {{ exact_avg('case when rw > 0 then cast(' ~ layer ~ '_cost_amount as double) / rw end') }}
           / nullif({{ exact_avg('case when rw > 0 then cast(revenue_amount as double) / rw end') }}, 0) as double) as cmi_margin_index_{{ layer }},
    {%- endfor %}
    cast('simulated from the front page (payment groups on the settlement list)' as {{ dbt.type_string() }}) as data_basis
{%- endmacro %}

{#- Rows of int_discharges_joined_to_revenue_bases once per revenue basis, with revenue_amount:
    item_revenue (住院总费用) | drg_payment (simulated DRG payment). -#}
{% macro revenue_basis_rows() -%}
(select r.*, b.revenue_basis,
        case when b.revenue_basis = 'item_revenue' then r.item_revenue_amount else r.drg_payment_amount end
            as revenue_amount
   from {{ ref('int_discharges_joined_to_revenue_bases') }} as r
  cross join (select 'item_revenue' as revenue_basis union all select 'drg_payment') as b)
{%- endmacro %}
