"""Step-down by hand (hospital H1, 2024-01, see conftest). All amounts in 元, asserted to the cent.

Step 1 — 行政后勤类:
  A1 (headcount; targets X1 2, M1 3, M2 2, C1 5, C2 4, C3 4 = 20; A2 is administrative, not a target):
    personnel 1000 → X1 100, M1 150, M2 100, C1 250, C2 200, C3 200
    other      300 → X1  30, M1  45, M2  30, C1  75, C2  60, C3  60
  A2 (its own driver floor_area; X1 50, M1 100, M2 150, C1 300, C2 200, C3 200 = 1000):
    personnel  600 → X1  30, M1  60, M2  90, C1 180, C2 120, C3 120
Step 2 — 医疗辅助类 X1 (service volume from X1: M1 1, M2 1, C1 4, C2 2, C3 2 = 10):
    personnel: own 800 → 80, 80, 320, 160, 160;  administrative 130 → 13, 13, 52, 26, 26
    other:     own 100 → 10, 10, 40, 20, 20;     administrative 30 → 3, 3, 12, 6, 6
Step 3 — 医疗技术类 (ordering revenue):
  M1 → C1 .6, C2 .3, C3 .1
    personnel: own 1200 → 720, 360, 120; admin 150+60+13 = 223 → 133.80, 66.90, 22.30; aux 80 → 48, 24, 8
    other:     own 400 → 240, 120, 40;   admin 45+3 = 48 → 28.80, 14.40, 4.80;         aux 10 → 6, 3, 1
  M2 → C1, C2, C3 one third each; cents: the remainder goes to the largest share, ties by code (C1):
    personnel: own 900 → 300 each; admin 100+90+13 = 203 → 67.67 × 3 = 203.01, so C1 67.66;
               aux 80 → 26.67 × 3 = 80.01, so C1 26.66
    other:     admin 30+3 = 33 → 11 each; aux 10 → 3.33 × 3 = 9.99, so C1 3.34
Final (own funds):
  personnel C1 5000 + 430 + 372 + (720 + 133.80 + 48 + 300 + 67.66 + 26.66) = 7098.12
            C2 4000 + 320 + 186 + (360 + 66.90 + 24 + 300 + 67.67 + 26.67) = 5351.24
            C3 3000 + 320 + 186 + (120 + 22.30 + 8 + 300 + 67.67 + 26.67) = 4050.64   Σ 16500.00 = ledger
  other     C1 1000 + 75 + 52 + (240 + 28.80 + 6 + 11 + 3.34) = 1416.14
            C2    0 + 60 + 26 + (120 + 14.40 + 3 + 11 + 3.33) =  237.73
            C3  500 + 60 + 26 + (40 + 4.80 + 1 + 11 + 3.33)   =  646.13               Σ 2300.00 = ledger
"""

from decimal import Decimal as D

import pytest


def final(query, cc, item, fund="own"):
    rows = query("""select final_cost_amount from marts.fct_department_costs_stepped_down
                    where hospital_id = 'H1' and cost_center_code = ? and cost_item = ? and fund_source = ?""",
                 [cc, item, fund])
    return rows[0][0] if rows else D("0.00")


@pytest.mark.parametrize("cc,item,expected", [
    ("C1", "personnel", "7098.12"), ("C2", "personnel", "5351.24"), ("C3", "personnel", "4050.64"),
    ("C1", "other_operating", "1416.14"), ("C2", "other_operating", "237.73"),
    ("C3", "other_operating", "646.13"),
])
def test_final_clinical_cost_by_hand(query, cc, item, expected):
    assert final(query, cc, item) == D(expected)


def test_steps_by_hand(query):
    rows = {r[0]: r[1:] for r in query("""
        select cost_center_code, direct_cost_amount, received_step1_amount, received_step2_amount,
               received_step3_amount, allocated_out_amount, final_cost_amount
        from marts.fct_department_costs_stepped_down
        where hospital_id = 'H1' and cost_item = 'personnel' and fund_source = 'own'""")}
    assert rows["C1"] == tuple(D(x) for x in ("5000.00", "430.00", "372.00", "1296.12", "0.00", "7098.12"))
    assert rows["X1"] == tuple(D(x) for x in ("800.00", "130.00", "0.00", "0.00", "930.00", "0.00"))
    assert rows["M1"] == tuple(D(x) for x in ("1200.00", "210.00", "93.00", "0.00", "1503.00", "0.00"))
    assert rows["M2"] == tuple(D(x) for x in ("900.00", "190.00", "93.00", "0.00", "1183.00", "0.00"))
    assert rows["A1"] == tuple(D(x) for x in ("1000.00", "0.00", "0.00", "0.00", "1000.00", "0.00"))


def test_origin_classes_carried(query):
    """C1 personnel by origin: clinical 5000; medical-technical 720 + 300 = 1020; auxiliary 320 + 48 +
    26.66 = 394.66; administrative 250 + 180 + 52 + 133.80 + 67.66 = 683.46; Σ 7098.12."""
    r = query("""select final_from_clinical_amount, final_from_medical_technical_amount,
                        final_from_auxiliary_amount, final_from_administrative_amount
                 from marts.fct_department_costs_stepped_down
                 where hospital_id = 'H1' and cost_center_code = 'C1' and cost_item = 'personnel'
                   and fund_source = 'own'""")[0]
    assert r == (D("5000.00"), D("1020.00"), D("394.66"), D("683.46"))


def test_invariant_allocated_equals_ledger_to_the_cent(query):
    rows = query("""
        with l as (select cost_item, fund_source, sum(amount) as amt from costing.cost_ledger group by all),
             f as (select cost_item, fund_source, sum(final_cost_amount) as amt,
                          sum(case when dept_class = 'clinical' then final_cost_amount else 0 end) as clin
                   from marts.fct_department_costs_stepped_down group by all)
        select l.cost_item, l.fund_source, l.amt, f.amt, f.clin from l join f using (cost_item, fund_source)
        order by 1, 2""")
    assert rows == [
        ("other_operating", "own", D("2300.00"), D("2300.00"), D("2300.00")),
        ("other_operating", "research_teaching", D("50.00"), D("50.00"), D("50.00")),
        ("personnel", "fiscal_project", D("100.00"), D("100.00"), D("100.00")),
        ("personnel", "own", D("16500.00"), D("16500.00"), D("16500.00")),
    ]
    assert query("select count(*) from marts.fct_department_costs_stepped_down where is_unallocated") == [(0,)]


def test_fund_scope(query):
    assert final(query, "C1", "personnel", "fiscal_project") == D("100.00")
    assert query("""select distinct fund_scope from marts.fct_department_costs_stepped_down
                    where fund_source = 'research_teaching'""") == [("excluded",)]
