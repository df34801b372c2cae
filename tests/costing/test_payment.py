"""DRG payment classes and points at and around each threshold (hospital H2, see conftest._payment_cases).

Regional rules demo-1: point system, 100 points per RW, point value 100 元, coefficient 1; high multiple
3 (RW ≤ 1), 2 (1 < RW ≤ 2), 1.5 (RW > 2); low multiple 0.4; readmission window 15 days, factor 0.5.
DRG means (charges): XX1 1000 (RW 1.00), YY1 1000 (RW 2.00), WW1 1000 (RW 1.01), ZZ1 1000 (RW 2.01).
"""

from decimal import Decimal as D

import pytest

from costing_fixtures import CASES, _payment_cases

CLASSES = {
    "x1": "normal",   # 3000.00 = 3 × mean: not above
    "x5": "normal",   # 2999.99
    "x2": "normal",   # 400.00 = 0.4 × mean: not below
    "x3": "low",      # 399.99
    "x4": "normal",   # 400.01
    "y1": "high",     # 2000.01 > 2 × mean (RW 2.00 is in the ≤ 2 tier)
    "y2": "normal",   # 2000.00
    "y3": "low",      # 100.00
    "y4": "normal",   # 449.99 ≥ 0.4 × 1000 (the low line does not depend on the RW tier)
    "y5": "normal",   # 450.00
    "w1": "high",     # 2000.01 > 2 × mean (RW 1.01: the second band, though below 3 × mean)
    "w2": "normal",   # 2000.00
    "w3": "low",      # 333.33
    "z1": "high",     # 1500.01 > 1.5 × mean (RW 2.01)
    "z2": "normal",   # 1500.00
    "z3": "normal",   # 500.00
    "z4": "normal",   # 499.99
    "x10": "normal",  # 560.01
    "q1": "qy",
    "u1": "ungrouped",
}


@pytest.mark.parametrize("case,cls", sorted(CLASSES.items()))
def test_payment_class(query, case, cls):
    assert query("select payment_case_class from marts.fct_discharge_payments where discharge_id = ?",
                 [case]) == [(cls,)]


def regional_mean() -> float:
    charges = [sum(f.values()) for *_, f, _ in CASES + _payment_cases()[0]]
    return sum(charges) / len(charges)   # 32100 / 30 = 1070


@pytest.mark.parametrize("case,points", [
    ("x1", 100.0),                               # normal: 100 × 1
    ("x3", 100 * 399.99 / 1000),                 # low: base × charge / mean = 39.999
    ("y1", 200 + 200 * (2000.01 / 1000 - 2)),    # high: 200 × 1 + 200 × (2.00001 − 2) = 200.002
    ("y3", 200 * 100 / 1000),                    # low: 20
    ("z1", 201 + 201 * (1500.01 / 1000 - 1.5)),  # high: 201.00201
    ("z2", 201.0),
    ("w1", 101 + 101 * (2000.01 / 1000 - 2)),    # high: 101 × 1 + 101 × (2.00001 − 2) = 101.00101
    ("w3", 101 * 333.33 / 1000),                 # low: 33.66633
    ("x6", 50.0),                                # readmitted 15 days after discharge: halved
    ("x8", 100.0),                               # readmitted after 16 days: not halved
    ("x7", 100.0),                               # the later stay keeps its points
])
def test_case_points(query, case, points):
    got = query("select case_points, simulated_payment_amount from marts.fct_discharge_payments "
                "where discharge_id = ?", [case])[0]
    assert got[0] == pytest.approx(points, abs=1e-9)
    assert got[1] == D(str(round(points * 100, 2)))


def test_item_paid_cases(query):
    """QY and ungrouped: charge × item ratio 1 converted to points at the regional mean charge, over all 30
    loaded cases: H1 1400 + 1800 + 1700 + 2000 = 6900; XX1 10000; YY1 5000; WW1 5000; ZZ1 4000; q1 500;
    u1 700; Σ 32100 / 30 = 1070.00. q1: 500 / 1070 × 100 = 46.7289719...; × 100 元 = 4672.90.
    u1: 700 / 1070 × 100 = 65.4205607...; × 100 = 6542.06."""
    assert regional_mean() == pytest.approx(1070.0)
    assert query("select distinct regional_mean_charge_amount from marts.fct_discharge_payments") == [(D("1070.00"),)]
    for case, points, pay in (("q1", 500 / 1070 * 100, "4672.90"), ("u1", 700 / 1070 * 100, "6542.06")):
        got = query("select case_points, simulated_payment_amount, hospital_coefficient, base_points "
                    "from marts.fct_discharge_payments where discharge_id = ?", [case])[0]
        assert got == (pytest.approx(points), D(pay), None, None)


def test_readmission_flags(query):
    rows = query("select discharge_id from marts.fct_discharge_payments where is_readmission_reduced")
    assert rows == [("x6",)]


def test_labels(query):
    """Every January 2024 discharge takes the one seeded version, demo-1 (in force from 2020-01-01, open)."""
    r = query("select distinct region, parameter_version, effective_from, effective_to, payment_status, "
              "payment_system, data_basis from marts.fct_discharge_payments")
    assert len(r) == 1
    assert r[0][:6] == ("DEMO-REGIONAL", "demo-1", __import__("datetime").date(2020, 1, 1), None, "simulated",
                        "point")
    assert "simulated from the front page" in r[0][6]
