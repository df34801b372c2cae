"""Department revenue (dept_revenue) reconciled with the front page (fct_department_revenue_reconciliation).

H1, 2024-01, tolerance 0.05 (costing_parameters revenue_reconciliation_tolerance):
  C1  ledger inpatient 5000.00; cases a + b + c = 1400 + 1800 + 1700 = 4900.00; difference −100.00,
      ratio 0.98; |−100| ≤ 0.05 × 5000 = 250: matched
  C2  ledger 1500.00; case d 2000.00; difference +500.00, ratio 2000 / 1500 = 1.333...; 500 > 75: differs
  C3  ledger 300.00; no case; difference −300.00, ratio 0: no_front_page_cases
  C1O outpatient 800.00 only, no inpatient revenue, no case: outpatient_only
  M1  a medical-technical centre's revenue (700.00): not_clinical (reported, not reconciled)
"""

from decimal import Decimal as D

import pytest


def test_reconciliation_by_hand(query):
    rows = query("""select cost_center_code, ledger_inpatient_revenue_amount, ledger_outpatient_revenue_amount,
                           case_count, front_page_revenue_amount, difference_amount, front_page_to_ledger_ratio,
                           reconciliation_status
                    from marts.fct_department_revenue_reconciliation where hospital_id = 'H1'
                    order by cost_center_code""")
    assert rows == [
        ("C1", D("5000.00"), None, 3, D("4900.00"), D("-100.00"), pytest.approx(0.98), "matched"),
        ("C1O", None, D("800.00"), 0, D("0.00"), None, None, "outpatient_only"),
        ("C2", D("1500.00"), None, 1, D("2000.00"), D("500.00"), pytest.approx(2000 / 1500), "differs"),
        ("C3", D("300.00"), None, 0, D("0.00"), D("-300.00"), 0.0, "no_front_page_cases"),
        ("M1", D("700.00"), None, 0, D("0.00"), D("-700.00"), 0.0, "not_clinical"),
    ]


def test_unmapped_discharges_are_not_reconciled(query):
    """H2's cases have no cost centre (no dept_mapping): they are in no reconciliation row."""
    assert query("select count(*) from marts.fct_department_revenue_reconciliation where hospital_id = 'H2'") \
        == [(0,)]
