"""Margin marts, break-even, quadrants and the RW incentive on the fixture, computed by hand (standards
§6.7, issue #6 items 4 and 6).

Hospital H1, 2024-01, the four costed cases (layers from test_case_costs.py; RW from costing_fixtures):
  case dept  doctor DRG  RW   revenue R: item (住院总费用) | DRG payment (RW × 100 points × 100 元, all normal)
  a    03.01 D1     AA1  1.0  1400 | 10000
  b    03.01 D1     AA1  1.0  1800 | 10000
  c    03.01 D2     AB1  2.0  1700 | 20000
  d    03.02 D1     AD1  0.5  2000 |  5000
  top-down layers variable | direct | medical business | full:
  a 600 | 1220 | 1560.80 | 1722.85;  b 1000 | 1930 | 2441.20 | 2684.28;  c 1300 | 2850 | 3702.00 | 4107.13;
  d 2000 | 4000 | 5017.00 | 5588.97
Margins: marginal contribution = R − variable, direct = R − direct, gross = R − medical business,
net = R − full, each rate = margin / R.
"""

from decimal import Decimal as D

import pytest

MEASURES = ("revenue_amount, marginal_contribution_amount, marginal_contribution_rate, direct_margin_amount, "
            "direct_margin_rate, gross_margin_amount, gross_margin_rate, net_margin_amount, net_margin_rate")


def _row(query, table, where, params, cols=MEASURES):
    rows = query(f"select {cols} from marts.{table} where {where}", params)
    assert len(rows) == 1, rows
    return rows[0]


def _check(got, expected):
    """amounts exactly (decimal), rates to 1e-12."""
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        if isinstance(e, str):
            assert g == D(e)
        else:
            assert g == pytest.approx(e, abs=1e-12)


# DRG AA1 (a + b), top-down: R item 1400 + 1800 = 3200, payment 20000; variable 600 + 1000 = 1600,
# direct 1220 + 1930 = 3150, medical business 1560.80 + 2441.20 = 4002.00, full 1722.85 + 2684.28 = 4407.13.
AA1 = {
    # item: 3200 − 1600 = 1600 (.5); 3200 − 3150 = 50 (50/3200 = .015625); 3200 − 4002 = −802 (−.250625);
    #       3200 − 4407.13 = −1207.13 (−1207.13 / 3200 = −.377228125)
    "item_revenue": ("3200.00", "1600.00", 0.5, "50.00", 0.015625, "-802.00", -0.250625, "-1207.13",
                     -0.377228125),
    # payment: 20000 − 1600 = 18400 (.92); − 3150 = 16850 (.8425); − 4002 = 15998 (.7999);
    #          − 4407.13 = 15592.87 (15592.87 / 20000 = .7796435)
    "drg_payment": ("20000.00", "18400.00", 0.92, "16850.00", 0.8425, "15998.00", 0.7999, "15592.87",
                    0.7796435),
}


@pytest.mark.parametrize("basis", sorted(AA1))
def test_drg_margins_every_layer_both_bases(query, basis):
    got = _row(query, "fct_drg_margins", "hospital_id = 'H1' and drg_code = 'AA1' and costing_method = 'top_down' "
               "and revenue_basis = ?", [basis])
    _check(got, AA1[basis])


def test_drg_margins_ccr(query):
    """AA1 by CCR: variable 1600, direct 2150 + 1930 = 4080, medical business 3090.50 + 2511.50 = 5602.00,
    full 3496.95 + 2775.29 = 6272.24; item revenue 3200: 1600 (.5), −880 (−.275), −2402 (−.750625),
    −3072.24 (−3072.24 / 3200 = −.96007500)."""
    got = _row(query, "fct_drg_margins", "hospital_id = 'H1' and drg_code = 'AA1' and costing_method = 'ccr' "
               "and revenue_basis = 'item_revenue'", [])
    _check(got, ("3200.00", "1600.00", 0.5, "-880.00", -0.275, "-2402.00", -0.750625, "-3072.24", -0.960075))


def test_break_even(query):
    """Break-even cases = Σ(full − variable) / ((R − variable) / cases).
    AA1 item: fixed 4407.13 − 1600 = 2807.13; contribution per case 1600 / 2 = 800; 2807.13 / 800 = 3.5089125.
    AA1 payment: contribution 18400 / 2 = 9200; 2807.13 / 9200 = 0.30512282608...
    AD1 (d) item: R 2000 = variable 2000, contribution 0 ≤ 0: null, flagged.
    AD1 payment: fixed 5588.97 − 2000 = 3588.97; contribution 5000 − 2000 = 3000; 3588.97 / 3000 = 1.19632333..."""
    cols = "fixed_cost_amount, contribution_per_case_amount, break_even_case_count, has_no_break_even"
    q = "hospital_id = 'H1' and drg_code = ? and costing_method = 'top_down' and revenue_basis = ?"
    assert _row(query, "fct_drg_margins", q, ["AA1", "item_revenue"], cols) == (D("2807.13"), 800.0,
                                                                                   pytest.approx(3.5089125), False)
    assert _row(query, "fct_drg_margins", q, ["AA1", "drg_payment"], cols) == (
        D("2807.13"), 9200.0, pytest.approx(2807.13 / 9200), False)
    assert _row(query, "fct_drg_margins", q, ["AD1", "item_revenue"], cols) == (D("3588.97"), 0.0, None, True)
    assert _row(query, "fct_drg_margins", q, ["AD1", "drg_payment"], cols) == (
        D("3588.97"), 3000.0, pytest.approx(3588.97 / 3000), False)


def test_department_margins_cost_per_rw_and_cmi_cost_index(query):
    """Department 03.01 (C1: a, b, c), top-down. Σ RW = 1 + 1 + 2 = 4; cases with RW 3.
    Cost per RW = Σ cost / Σ RW: variable 2900 / 4 = 725; direct 6000 / 4 = 1500;
      medical business 7704 / 4 = 1926; full 8514.26 / 4 = 2128.565.
    CMI cost index = Σ(case cost / RW) / cases: variable (600 + 1000 + 1300/2) / 3 = 2250 / 3 = 750;
      direct (1220 + 1930 + 2850/2) / 3 = 4575 / 3 = 1525; medical business (1560.80 + 2441.20 + 3702/2) / 3
      = 5853 / 3 = 1951; full (1722.85 + 2684.28 + 4107.13/2) / 3 = 6460.695 / 3 = 2153.565.
    Revenue index Σ(R / RW) / cases: item (1400 + 1800 + 1700/2) / 3 = 4050 / 3 = 1350;
      payment (10000 + 10000 + 20000/2) / 3 = 10000.
    Margin counterpart 1 − cost index / revenue index: item variable 1 − 750/1350 = 4/9, full
      1 − 2153.565/1350 = −0.59523333...; payment variable 1 − 750/10000 = .925, full 1 − .2153565 = .7846435.
    Margins, item R 1400 + 1800 + 1700 = 4900: 4900 − 2900 = 2000 (2000/4900); − 6000 = −1100; − 7704 = −2804;
      − 8514.26 = −3614.26 (rate −3614.26 / 4900)."""
    cols = ("rw_sum, weighted_case_count, cost_per_rw_variable, cost_per_rw_direct, cost_per_rw_medical_business, "
            "cost_per_rw_full, cmi_cost_index_variable, cmi_cost_index_direct, cmi_cost_index_medical_business, "
            "cmi_cost_index_full, cmi_revenue_index, cmi_margin_index_variable, cmi_margin_index_full")
    q = ("hospital_id = 'H1' and discharge_dept_code = '03.01' and cost_center_code = 'C1' "
         "and costing_method = 'top_down' and revenue_basis = ?")
    item = _row(query, "fct_department_margins", q, ["item_revenue"], cols)
    assert item == pytest.approx((4.0, 3, 725.0, 1500.0, 1926.0, 2128.565, 750.0, 1525.0, 1951.0, 2153.565,
                                  1350.0, 1 - 750 / 1350, 1 - 2153.565 / 1350), abs=1e-9)
    pay = _row(query, "fct_department_margins", q, ["drg_payment"], cols)
    assert pay == pytest.approx((4.0, 3, 725.0, 1500.0, 1926.0, 2128.565, 750.0, 1525.0, 1951.0, 2153.565,
                                 10000.0, 0.925, 0.7846435), abs=1e-9)
    _check(_row(query, "fct_department_margins", q, ["item_revenue"]),
           ("4900.00", "2000.00", 2000 / 4900, "-1100.00", -1100 / 4900, "-2804.00", -2804 / 4900, "-3614.26",
            -3614.26 / 4900))


def test_doctor_margins(query):
    """D1 has a and b in 03.01 and d in 03.02 (two rows); D2 has c.
    (03.01, D1) item: as AA1 (3200, 1600, ..., −1207.13). (03.01, D2) payment: 20000 − 1300 = 18700 (.935),
    − 2850 = 17150 (.8575), − 3702 = 16298 (.8149), − 4107.13 = 15892.87 (.7946435).
    (03.02, D1) item: 2000 − 2000 = 0 (0), − 4000 = −2000 (−1), − 5017 = −3017 (−1.5085), − 5588.97 = −3588.97
    (−1.794485)."""
    q = ("hospital_id = 'H1' and discharge_dept_code = ? and attending_doctor = ? and costing_method = 'top_down' "
         "and revenue_basis = ?")
    _check(_row(query, "fct_doctor_margins", q, ["03.01", "D1", "item_revenue"]), AA1["item_revenue"])
    _check(_row(query, "fct_doctor_margins", q, ["03.01", "D2", "drg_payment"]),
           ("20000.00", "18700.00", 0.935, "17150.00", 0.8575, "16298.00", 0.8149, "15892.87", 0.7946435))
    _check(_row(query, "fct_doctor_margins", q, ["03.02", "D1", "item_revenue"]),
           ("2000.00", "0.00", 0.0, "-2000.00", -1.0, "-3017.00", -1.5085, "-3588.97", -1.794485))


def test_monthly_margins(query):
    """H1 2024-01, top-down, all four cases. Item R 4900 + 2000 = 6900; variable 2900 + 2000 = 4900;
    direct 6000 + 4000 = 10000; medical business 7704 + 5017 = 12721; full 8514.26 + 5588.97 = 14103.23.
    2000 (2000/6900), −3100, −5821, −7203.23. Payment R 10000 + 10000 + 20000 + 5000 = 45000:
    40100 (.891111...), 35000 (.777...), 32279 (.717311...), 30896.77 (.686594888...)."""
    q = "hospital_id = 'H1' and costing_method = 'top_down' and revenue_basis = ?"
    _check(_row(query, "fct_monthly_margins", q, ["item_revenue"]),
           ("6900.00", "2000.00", 2000 / 6900, "-3100.00", -3100 / 6900, "-5821.00", -5821 / 6900, "-7203.23",
            -7203.23 / 6900))
    _check(_row(query, "fct_monthly_margins", q, ["drg_payment"]),
           ("45000.00", "40100.00", 40100 / 45000, "35000.00", 35000 / 45000, "32279.00", 32279 / 45000,
            "30896.77", 30896.77 / 45000))


@pytest.mark.parametrize("table", ["fct_drg_margins", "fct_department_margins", "fct_doctor_margins",
                                   "fct_monthly_margins"])
def test_every_margin_row_states_basis_and_is_labelled_simulated(query, table):
    rows = query(f"""select revenue_basis, costing_method, count(*), count(data_basis),
                            min(data_basis) = max(data_basis), min(data_basis)
                     from marts.{table} group by all order by 1, 2""")
    assert [r[:2] for r in rows] == [("drg_payment", "ccr"), ("drg_payment", "top_down"),
                                     ("item_revenue", "ccr"), ("item_revenue", "top_down")]
    for _, _, n, n_labelled, same, label in rows:
        assert n == n_labelled and same and label.startswith("simulated from the front page")


def test_quadrants(query):
    """Quadrants over item revenue, full cost, top-down, line RW = 1 (costing_parameters house-1).
    03.01 AA1: RW 1.0 ≥ 1, margin per case (3200 − 4407.13) / 2 = −603.565 < 0: 重点 (1.3);
    03.01 AB1: RW 2 ≥ 1, 1700 − 4107.13 = −2407.13: 重点; 03.02 AD1: RW 0.5 < 1, 2000 − 5588.97 = −3588.97: 劣势 (0.8).
    Hospital CMI = (1 + 1 + 2 + 0.5) / 4 = 1.125."""
    rows = query("""select level, discharge_dept_code, drg_code, case_count, rw, hospital_cmi, rw_line,
                           layer_cost_amount, quadrant_class, incentive_coefficient, revenue_basis, margin_layer
                    from marts.fct_drg_quadrants where hospital_id = 'H1' order by 1, 2, 3""")
    assert rows == [
        ("department", "03.01", "AA1", 2, 1.0, 1.125, 1.0, D("4407.13"), "重点", 1.3, "item_revenue", "full"),
        ("department", "03.01", "AB1", 1, 2.0, 1.125, 1.0, D("4107.13"), "重点", 1.3, "item_revenue", "full"),
        ("department", "03.02", "AD1", 1, 0.5, 1.125, 1.0, D("5588.97"), "劣势", 0.8, "item_revenue", "full"),
        ("hospital", "", "AA1", 2, 1.0, 1.125, 1.0, D("4407.13"), "重点", 1.3, "item_revenue", "full"),
        ("hospital", "", "AB1", 1, 2.0, 1.125, 1.0, D("4107.13"), "重点", 1.3, "item_revenue", "full"),
        ("hospital", "", "AD1", 1, 0.5, 1.125, 1.0, D("5588.97"), "劣势", 0.8, "item_revenue", "full"),
    ]


def test_rw_incentives(query):
    """Σ RW × coefficient of the case's DRG class in its department (incentive_level department):
    (03.01, D1) a, b: 1.0 × 1.3 + 1.0 × 1.3 = 2.6; (03.01, D2) c: 2.0 × 1.3 = 2.6;
    (03.02, D1) d: 0.5 × 0.8 = 0.4."""
    assert query("select distinct revenue_basis, costing_method, data_basis from marts.fct_rw_incentives") == [
        ("item_revenue", "top_down", "simulated from the front page (payment groups on the settlement list)")]
    rows = query("""select discharge_dept_code, attending_doctor, incentive_level, case_count,
                           classified_case_count, rw_sum, incentive_rw, rw_advantage, rw_key, rw_basic, rw_weak
                    from marts.fct_rw_incentives where hospital_id = 'H1' order by 1, 2""")
    assert rows == [
        ("03.01", "D1", "department", 2, 2, 2.0, pytest.approx(2.6), None, 2.0, None, None),
        ("03.01", "D2", "department", 1, 1, 2.0, pytest.approx(2.6), None, 2.0, None, None),
        ("03.02", "D1", "department", 1, 1, 0.5, pytest.approx(0.4), None, None, None, 0.5),
    ]


def test_efficiency_quadrant_reads_case_mix_benchmark(query):
    """The efficiency quadrant takes its indices from the case-mix measures over fct_case_mix_discharges,
    i.e. against the weight version's benchmark means (costing_fixtures.BENCHMARKS), not the loaded cases.
    H1 cases (LOS, charge → LOS / L_g, charge / C_g; mean_of_ratios, the seed default):
      a AA1 2, 1400.00 → 2 / 2.5 = .8,  1400 / 1600 = .875      b AA1 3, 1800.00 → 1.2, 1.125
      c AB1 5, 1700.00 → 5 / 4 = 1.25, 1700 / 2000 = .85        d AD1 4, 2000.00 → 4 / 5 = .8, 2000 / 1600 = 1.25
    H1: time (.8 + 1.2 + 1.25 + .8) / 4 = 4.05 / 4 = 1.0125, cost (.875 + 1.125 + .85 + 1.25) / 4 = 4.1 / 4
        = 1.025 → long_costly (against the loaded cases it would be 1.0 / 1.0: AB1 and AD1 have one case each);
    03.01 (a, b, c): time 3.25 / 3 = 1.08333…, cost 2.85 / 3 = .95 → long_cheap; 03.02 (d): .8, 1.25 →
    short_costly. H2 (dept 04): 24 cases grouped with an RW, LOS 4 = L_g, Σ charge 10000 + 5000 + 5000 + 4000
    = 24000 over C_g 1000 each: time 24 / 24 = 1, cost 24 / 24 = 1 → short_cheap (on both lines); q1 (QY) and
    u1 (0000) are not in the index."""
    rows = query("""select level, hospital_id, discharge_dept_code, case_count, time_efficiency_index,
                           cost_efficiency_index, efficiency_class, efficiency_method, is_own_benchmark,
                           efficiency_note, data_basis
                    from marts.fct_efficiency_quadrants order by 1 desc, 2, 3""")
    assert [r[:4] for r in rows] == [("hospital", "H1", "", 4), ("hospital", "H2", "", 24),
                                     ("department", "H1", "03.01", 3), ("department", "H1", "03.02", 1),
                                     ("department", "H2", "04", 24)]
    assert [r[4:6] for r in rows] == [(pytest.approx(1.0125), pytest.approx(1.025)),
                                      (pytest.approx(1.0), pytest.approx(1.0)),
                                      (pytest.approx(3.25 / 3), pytest.approx(0.95)),
                                      (pytest.approx(0.8), pytest.approx(1.25)),
                                      (pytest.approx(1.0), pytest.approx(1.0))]
    # H2 at 1 ± rounding: the class is only asserted where the indices are clear of the lines
    assert [r[6] for r in rows if r[1] == "H1"] == ["long_costly", "long_cheap", "short_costly"]
    assert {r[7:10] for r in rows} == {("mean_of_ratios", False, None)}
    assert {r[10] for r in rows} == {"front-page charges and LOS (住院总费用, 实际住院天数); benchmark: the "
                                     "weight version's benchmark population (基准人群)"}
