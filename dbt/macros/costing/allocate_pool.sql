{#- One step of the step-down (三级分摊): spread every row of ``pool`` (hospital_id, cost_month,
    cost_center_code = the source, cost_item, fund_source, origin_class, amount) over the source's targets
    in ``shares`` (hospital_id, cost_month, source_cost_center_code, target_cost_center_code, share,
    share_rank). Amounts are rounded to the cent and the rounding remainder goes to the target with the
    largest share (share_rank 1), so each source row's allocations add up to it exactly. -#}
{% macro allocate_pool(pool, shares, step) -%}
select
    a.hospital_id, a.cost_month, a.cost_center_code, a.cost_item, a.fund_source, a.origin_class,
    {{ step }} as step,
    a.from_cost_center_code,
    cast(a.rounded_amount + case when a.share_rank = 1 then a.source_amount - r.rounded_total
        else 0 end as decimal(18,2)) as amount
from (
    select
        p.hospital_id, p.cost_month, s.target_cost_center_code as cost_center_code, p.cost_item,
        p.fund_source, p.origin_class, p.cost_center_code as from_cost_center_code, s.share_rank,
        p.amount as source_amount,
        cast(round(p.amount * s.share, 2) as decimal(18,2)) as rounded_amount
    from {{ pool }} as p
    join {{ shares }} as s
      on s.hospital_id = p.hospital_id and s.cost_month = p.cost_month
     and s.source_cost_center_code = p.cost_center_code
) as a
-- Σ of each source row's rounded allocations, a group-by joined back (a window over the rows would sort
-- every column; an inner join: the keys are required fields of the ledger and departments, never null)
join (
    select p.hospital_id, p.cost_month, p.cost_center_code, p.cost_item, p.fund_source, p.origin_class,
           sum(cast(round(p.amount * s.share, 2) as decimal(18,2))) as rounded_total
    from {{ pool }} as p
    join {{ shares }} as s
      on s.hospital_id = p.hospital_id and s.cost_month = p.cost_month
     and s.source_cost_center_code = p.cost_center_code
    group by p.hospital_id, p.cost_month, p.cost_center_code, p.cost_item, p.fund_source, p.origin_class
) as r
  on r.hospital_id = a.hospital_id and r.cost_month = a.cost_month and r.cost_center_code = a.from_cost_center_code
 and r.cost_item = a.cost_item and r.fund_source = a.fund_source and r.origin_class = a.origin_class
{%- endmacro %}
