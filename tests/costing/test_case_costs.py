"""Case cost layers of the three C1 cases (hospital H1, 2024-01), by both methods, computed by hand.

C1 after the step-down (test_step_down.py), own funds, both cost items, by origin:
  clinical 5000 + 1000 = 6000; medical-technical 720 + 240 + 300 = 1260;
  auxiliary (step 2: 320 + 40 = 360) + (step 3: M1 48 + 6, M2 26.66 + 3.34 = 84) = 444;
  administrative (step 1: 250 + 180 + 75 = 505) + (step 2: 52 + 12 = 64) + (step 3: M1 133.80 + 28.80,
  M2 67.66 + 11 = 241.26) = 810.26;  plus fiscal-project personnel 100 (医疗全成本 only).
Cases (fees 元): a LOS 2: drug 500, material 100, nursing 500, lab 300, imaging 0
                 b LOS 3: drug 1000, material 0, nursing 300, lab 100, imaging 400
                 c LOS 5: drug 900, material 400, nursing 200, lab 0, imaging 200
Variable cost (drugs + materials, CCR 1): a 600, b 1000, c 1300; Σ 2900.

Top-down (bed-days 2 : 3 : 5 = .2 .3 .5):
  direct pool = 6000 − 2900 = 3100; medical-business pool = 1260 + 444 = 1704; full pool = 810.26; fiscal 100
  a: 600 | 600 + 620 = 1220 | + 340.80 = 1560.80 | + 162.052 = 1722.85 | + 20 = 1742.85
  b: 1000 | 1000 + 930 = 1930 | + 511.20 = 2441.20 | + 243.078 = 2684.28 | + 30 = 2714.28
  c: 1300 | 1300 + 1550 = 2850 | + 852 = 3702.00 | + 405.13 = 4107.13 | + 50 = 4157.13
CCR (units of C1):
  ward   (own cost and steps 1–2): direct 3100, medical business 360, full 505 + 64 = 569, fiscal 100;
         spread by ward charges (nursing) 500 : 300 : 200 = .5 .3 .2
  lab    (step 3 from M1, service kind lab): medical business 960 + 54 = 1014, full 162.60;
         lab charges 300 : 100 : 0 = .75 .25 0
  imaging(step 3 from M2): medical business 300 + 30 = 330, full 78.66; imaging 0 : 400 : 200 = 0 ⅔ ⅓
  a: 600 | 600 + 1550 = 2150 | + 180 + 760.50 = 3090.50 | + 284.50 + 121.95 = 3496.95 | + 50 = 3546.95
  b: 1000 | 1000 + 930 = 1930 | + 108 + 253.50 + 220 = 2511.50 | + 170.70 + 40.65 + 52.44 = 2775.29 | + 30 = 2805.29
  c: 1300 | 1300 + 620 = 1920 | + 72 + 0 + 110 = 2102.00 | + 113.80 + 0 + 26.22 = 2242.02 | + 20 = 2262.02
Both methods: Σ full = 2900 + 3100 + 1704 + 810.26 = 8514.26 = C1's inpatient cost (医疗成本).

Case d is C2's only case (LOS 4: drug 1800, material 200; no other charge), so under both methods it takes
all of C2's cost (CCR: its units have no charges of their kind and fall back to bed-days). C2 own funds by
origin (test_step_down.py): personnel clinical 4000, medical-technical 360 + 300 = 660, auxiliary 160 + 24
+ 26.67 = 210.67, administrative 200 + 120 + 26 + 66.90 + 67.67 = 480.57 (Σ 5351.24); other_operating
clinical 0, medical-technical 120, auxiliary 20 + 3 + 3.33 = 26.33, administrative 60 + 6 + 14.40 + 11 =
91.40 (Σ 237.73). So d: variable 2000 | direct 4000 | medical business 4000 + 780 + 237 = 5017.00 |
full + 571.97 = 5588.97 | no fiscal-project cost on C2: 5588.97.
"""

from decimal import Decimal as D

import pytest

EXPECTED = {
    ("top_down", "a"): ("600.00", "1220.00", "1560.80", "1722.85", "1742.85"),
    ("top_down", "b"): ("1000.00", "1930.00", "2441.20", "2684.28", "2714.28"),
    ("top_down", "c"): ("1300.00", "2850.00", "3702.00", "4107.13", "4157.13"),
    ("ccr", "a"): ("600.00", "2150.00", "3090.50", "3496.95", "3546.95"),
    ("ccr", "b"): ("1000.00", "1930.00", "2511.50", "2775.29", "2805.29"),
    ("ccr", "c"): ("1300.00", "1920.00", "2102.00", "2242.02", "2262.02"),
    ("top_down", "d"): ("2000.00", "4000.00", "5017.00", "5588.97", "5588.97"),
    ("ccr", "d"): ("2000.00", "4000.00", "5017.00", "5588.97", "5588.97"),
}
LAYERS = ("variable_cost_amount, direct_cost_amount, medical_business_cost_amount, full_cost_amount, "
          "full_cost_incl_fiscal_amount")


@pytest.mark.parametrize("method,case", sorted(EXPECTED))
def test_case_layers_by_hand(query, method, case):
    r = query(f"select {LAYERS}, costing_status from marts.fct_discharge_costs "
              f"where discharge_id = ? and costing_method = ?", [case, method])[0]
    assert r[:5] == tuple(D(x) for x in EXPECTED[(method, case)])
    assert r[5] == "costed"


@pytest.mark.parametrize("method", ["top_down", "ccr"])
def test_department_invariant(query, method):
    """Σ case costs of C1 = its inpatient cost at each layer (variable 2900, direct 6000, medical business
    7704, full 8514.26, with fiscal 8614.26)."""
    r = query(f"""select {', '.join(f'sum({c.strip()})' for c in LAYERS.split(','))}
                  from marts.fct_discharge_costs where cost_center_code = 'C1' and costing_method = ?""",
              [method])[0]
    assert r == (D("2900.00"), D("6000.00"), D("7704.00"), D("8514.26"), D("8614.26"))


def test_ccr_units_absorb_their_cost(query):
    rows = query("""select unit_kind, unit_cost_amount, absorbed_amount, driver_quantity, cost_to_revenue_ratio
                    from marts.fct_costing_units
                    where cost_center_code = 'C1' and costing_method = 'ccr' order by unit_kind""")
    # imaging 330 + 78.66 = 408.66 over 600 of charges; lab 1014 + 162.60 = 1176.60 over 400;
    # ward 3100 + 360 + 569 + 100 = 4129 over 1000
    assert [(k, u, a, q) for k, u, a, q, _ in rows] == [
        ("imaging", D("408.66"), D("408.66"), 600.0),
        ("lab", D("1176.60"), D("1176.60"), 400.0),
        ("ward", D("4129.00"), D("4129.00"), 1000.0),
    ]
    assert [round(r[4], 6) for r in rows] == [0.6811, 2.9415, 4.129]


def test_layers_never_decrease(query):
    assert query("""select count(*) from marts.fct_discharge_costs where costing_status = 'costed'
                    and not (variable_cost_amount <= direct_cost_amount
                             and direct_cost_amount <= medical_business_cost_amount
                             and medical_business_cost_amount <= full_cost_amount
                             and full_cost_amount <= full_cost_incl_fiscal_amount)""") == [(0,)]
    assert query("select count(*) from marts.fct_discharge_costs where costing_status = 'costed'") == [(8,)]


def test_departments_without_cases_are_flagged(query):
    rows = query("""select distinct cost_center_code from marts.fct_costing_units where has_no_cases
                    order by 1""")
    assert rows == [("C3",)]
    assert query("select count(*) from marts.fct_costing_units where is_negative_pool") == [(0,)]


def test_unmapped_department_keeps_only_variable(query):
    r = query("""select costing_status, variable_cost_amount, full_cost_amount from marts.fct_discharge_costs
                 where discharge_id = 'x1' and costing_method = 'top_down'""")[0]
    assert r == ("unmapped_department", D("0.00"), None)
