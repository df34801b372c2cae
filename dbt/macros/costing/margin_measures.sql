{#- The margin measures of every margin mart, defined once (rows of int_discharges_joined_to_revenue_bases):
      marginal_contribution = R − variable (边际贡献); direct_margin = R − direct (直接贡献);
      gross_margin = R − medical business (毛益); net_margin = R − full (净结余); each *_rate = margin / R;
      cost_per_rw_<layer>      = Σ cost / Σ RW over cases with RW > 0 (每权重成本);
      cmi_cost_index_<layer>   = Σ (case cost / RW) / cases, over cases with RW > 0 (CMI 成本指数);
      cmi_revenue_index        = Σ (case revenue / RW) / cases (the same construction on revenue);
      cmi_margin_index_<layer> = 1 − cmi_cost_index_<layer> / cmi_revenue_index.
    Not to be confused with the cost efficiency index (费用消耗指数, fct_efficiency_quadrants).

    In two steps, so that the cases are aggregated once for both revenue bases and a coarser grain can be
    rolled up from a finer one (docs/costing.md, Speed):
      margin_sums()            the sums and counts behind the measures, over the case rows of one costing
                               method (no revenue basis: the cost side is the same on both bases, the
                               revenue side is summed for both, item_revenue and drg_payment). Every sum is
                               exact (DECIMAL money, the exact_aggregates DECIMAL(38, 10) sums of doubles
                               kept as DECIMAL, counts), so margin_sums_rolled_up() (Σ of each) over finer
                               groups gives the very sums margin_sums() gives over their cases;
      margin_measures()        the measures of one revenue basis (column revenue_basis, rows from
                               revenue_bases()) from those sums: each cast to double once, as exact_sum and
                               exact_avg do. -#}

{#- name → aggregate over case rows; the revenue sums once per basis (column suffix _<basis>). -#}
{% macro margin_sum_columns() -%}
{%- set cols = [
    ('case_count', 'count(*)'),
    ('rw_sum_exact', exact_sum_decimal('rw')),
    ('weighted_case_count', 'sum(case when rw > 0 then 1 else 0 end)'),
    ('weighted_rw_sum_exact', exact_sum_decimal('case when rw > 0 then rw end')),
] -%}
{%- for layer in costing_layers() + ['full_cost_incl_fiscal'] -%}
    {%- set col = layer if layer == 'full_cost_incl_fiscal' else layer ~ '_cost' -%}
    {%- do cols.append((col ~ '_sum', 'sum(' ~ col ~ '_amount)')) -%}
{%- endfor -%}
{%- for layer in costing_layers() -%}
    {%- do cols.append((layer ~ '_cost_weighted_sum', 'sum(case when rw > 0 then ' ~ layer ~ '_cost_amount end)')) -%}
    {%- do cols.append((layer ~ '_cost_per_rw_sum_exact', exact_sum_decimal('case when rw > 0 then cast(' ~ layer ~ '_cost_amount as double) / rw end'))) -%}
    {%- do cols.append((layer ~ '_cost_per_rw_count', 'count(case when rw > 0 then cast(' ~ layer ~ '_cost_amount as double) / rw end)')) -%}
{%- endfor -%}
{%- for basis, col in revenue_basis_columns() -%}
    {%- do cols.append(('revenue_sum_' ~ basis, 'sum(' ~ col ~ ')')) -%}
    {%- do cols.append(('revenue_per_rw_sum_exact_' ~ basis, exact_sum_decimal('case when rw > 0 then cast(' ~ col ~ ' as double) / rw end'))) -%}
    {%- do cols.append(('revenue_per_rw_count_' ~ basis, 'count(case when rw > 0 then cast(' ~ col ~ ' as double) / rw end)')) -%}
{%- endfor -%}
{{ return(cols) }}
{%- endmacro %}

{#- The revenue bases: name → column of int_discharges_joined_to_revenue_bases (住院总费用 | simulated DRG
    payment). -#}
{% macro revenue_basis_columns() -%}
{{ return([('item_revenue', 'item_revenue_amount'), ('drg_payment', 'drg_payment_amount')]) }}
{%- endmacro %}

{#- One row per revenue basis (column revenue_basis), to cross join with the sums. -#}
{% macro revenue_bases() -%}
({%- for basis, col in revenue_basis_columns() %}select '{{ basis }}' as revenue_basis{{ ' union all ' if not loop.last }}{% endfor -%})
{%- endmacro %}

{% macro margin_sums() -%}
    {%- for name, expr in margin_sum_columns() %}
    {{ expr }} as {{ name }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{% macro margin_sums_rolled_up() -%}
    {%- for name, expr in margin_sum_columns() %}
    {%- if name.endswith('_count') or '_count_' in name %}
    cast(sum({{ name }}) as bigint) as {{ name }}{{ ',' if not loop.last }}
    {%- else %}
    sum({{ name }}) as {{ name }}{{ ',' if not loop.last }}
    {%- endif %}
    {%- endfor %}
{%- endmacro %}

{#- A margin mart rolled up from int_margin_sums_by_doctor to a coarser grain (the columns `grain`, a list of
    its grain columns), one row per revenue basis (revenue_basis placed after costing_method, the column
    order of every margin mart): the one body of fct_department_margins, fct_doctor_margins and
    fct_monthly_margins. -#}
{% macro margins_rolled_up_from_doctors(grain) -%}
with s as (
    select {{ grain | join(', ') }},
        {{ margin_sums_rolled_up() | indent(4) }}
    from {{ ref('int_margin_sums_by_doctor') }}
    group by {{ grain | join(', ') }}
)
select
    {% for c in grain %}s.{{ c }}, {% if c == 'costing_method' %}b.revenue_basis, {% endif %}{% endfor %}
    {{ margin_measures() }}
from s
cross join {{ revenue_bases() }} as b
{%- endmacro %}

{#- The measures of the row's revenue_basis from the columns of margin_sums (or margin_sums_rolled_up). -#}
{% macro margin_measures() -%}
    {%- set R -%}
    (case revenue_basis {% for basis, col in revenue_basis_columns() %}when '{{ basis }}' then revenue_sum_{{ basis }} {% endfor %}end)
    {%- endset -%}
    {%- set R_idx -%}
    (case revenue_basis {% for basis, col in revenue_basis_columns() %}when '{{ basis }}' then {{ exact_avg_result('revenue_per_rw_sum_exact_' ~ basis, 'revenue_per_rw_count_' ~ basis) }} {% endfor %}end)
    {%- endset %}
    cast(case_count as bigint)                                  as case_count,
    cast({{ exact_sum_result('rw_sum_exact') }} as double) as rw_sum,
    cast(weighted_case_count as bigint)                         as weighted_case_count,
    cast({{ R }} as decimal(18,2))                              as revenue_amount,
    cast(variable_cost_sum as decimal(18,2))                    as variable_cost_amount,
    cast(direct_cost_sum as decimal(18,2))                      as direct_cost_amount,
    cast(medical_business_cost_sum as decimal(18,2))            as medical_business_cost_amount,
    cast(full_cost_sum as decimal(18,2))                        as full_cost_amount,
    cast(full_cost_incl_fiscal_sum as decimal(18,2))            as full_cost_incl_fiscal_amount,
    {%- for margin, layer in [('marginal_contribution', 'variable'), ('direct_margin', 'direct'),
                              ('gross_margin', 'medical_business'), ('net_margin', 'full')] %}
    cast({{ R }} - {{ layer }}_cost_sum as decimal(18,2)) as {{ margin }}_amount,
    cast({{ safe_ratio(R ~ ' - ' ~ layer ~ '_cost_sum', R) }} as double) as {{ margin }}_rate,
    {%- endfor %}
    {%- for layer in costing_layers() %}
    cast({{ safe_ratio(layer ~ '_cost_weighted_sum', exact_sum_result('weighted_rw_sum_exact')) }} as double) as cost_per_rw_{{ layer }},
    cast({{ exact_avg_result(layer ~ '_cost_per_rw_sum_exact', layer ~ '_cost_per_rw_count') }} as double) as cmi_cost_index_{{ layer }},
    {%- endfor %}
    cast({{ R_idx }} as double) as cmi_revenue_index,
    {%- for layer in costing_layers() %}
    cast(1 - {{ exact_avg_result(layer ~ '_cost_per_rw_sum_exact', layer ~ '_cost_per_rw_count') }}
           / nullif({{ R_idx }}, 0) as double) as cmi_margin_index_{{ layer }},
    {%- endfor %}
    cast('simulated from the front page (payment groups on the settlement list)' as {{ dbt.type_string() }}) as data_basis
{%- endmacro %}

{#- The rows of int_discharges_joined_to_revenue_bases of one costing method on one revenue basis, those
    of the one-row relation ``settings`` (columns costing_method, revenue_basis), with revenue_basis and
    revenue_amount (fct_drg_quadrants, fct_rw_incentives). -#}
{% macro revenue_basis_rows_of(settings) -%}
(select r.*, {{ settings }}.revenue_basis,
        {{ revenue_of_basis(settings ~ '.revenue_basis', 'r') }} as revenue_amount
   from {{ ref('int_discharges_joined_to_revenue_bases') }} as r
   join {{ settings }} on r.costing_method = {{ settings }}.costing_method
    and {{ settings }}.revenue_basis in ({% for basis, col in revenue_basis_columns() %}'{{ basis }}'{{ ', ' if not loop.last }}{% endfor %}))
{%- endmacro %}

{#- The revenue of a case row ``alias`` on basis ``basis`` (revenue_basis_columns). -#}
{% macro revenue_of_basis(basis, alias) -%}
(case {{ basis }} {% for b, col in revenue_basis_columns() %}when '{{ b }}' then {{ alias }}.{{ col }} {% endfor %}end)
{%- endmacro %}
