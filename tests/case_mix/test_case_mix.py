"""Case-mix figures on the hand-made fixture (see case_mix_fixtures.py for the cases), every one computed by
hand here. The session fixture has already run `dbt build` of the case-mix models with their dbt tests
(unit tests with their own hand figures, and the invariants in dbt/tests/case_mix)."""

from __future__ import annotations

import math
import statistics

import pytest

from case_mix_fixtures import CASES

AA1 = [1000, 1100, 1200, 1300, 1400, 1500, 1600, 1700, 1800, 10000]   # sum 22600
BB1 = [2000] * 5 + [4000] * 5                                          # sum 30000
BB5 = [400, 450, 500, 550, 600] * 2                                    # sum 5000


def weights(query, version):
    return dict(query("select drg_code, rw from marts.dim_drg_weights where weight_version = ?", [version]))


# --- RW under each trimming choice (benchmark 2024, 30 cases) ------------------------------------------------

def test_rw_without_trimming(query):
    # M = (22600 + 30000 + 5000) / 30 = 1920; RW = 2260 / 1920, 3000 / 1920, 500 / 1920
    w = weights(query, "V_NONE")
    assert w == pytest.approx({"AA1": 2260 / 1920, "BB1": 3000 / 1920, "BB5": 500 / 1920}, abs=1e-12)
    assert w["AA1"] == pytest.approx(1.177083, abs=1e-6)


def test_rw_with_iqr_fences(query):
    # AA1: Q1 = 1200 + 0.25·100 = 1225, Q3 = 1600 + 0.75·100 = 1675, fences 550 / 2350 → 10000 out, mean
    # 12600 / 9 = 1400. BB1: Q1 2000, Q3 4000, fences −1000 / 7000; BB5: Q1 450, Q3 550, fences 300 / 700:
    # all kept. M = (12600 + 30000 + 5000) / 29 = 47600 / 29.
    m = 47600 / 29
    w = weights(query, "V_IQR")
    assert w == pytest.approx({"AA1": 1400 / m, "BB1": 3000 / m, "BB5": 500 / m}, abs=1e-12)
    assert (round(w["AA1"], 6), round(w["BB1"], 6), round(w["BB5"], 6)) == (0.852941, 1.827731, 0.304622)
    fences = query("select distinct drg_code, lower_fence, upper_fence from intermediate.int_benchmark_cases_trimmed"
                   " where weight_version = 'V_IQR' order by 1")
    assert fences == [("AA1", 550.0, 2350.0), ("BB1", -1000.0, 7000.0), ("BB5", 300.0, 700.0)]


def test_rw_with_percentiles(query):
    # P2.5 at h = 9·0.025 = 0.225, P97.5 at h = 8.775 (linear interpolation).
    # AA1: 1000 + 0.225·100 = 1022.5 and 1800 + 0.775·8200 = 8155 → 1000 and 10000 out, mean 11600 / 8 = 1450.
    # BB1 (2000 … 4000) and BB5 (400 … 600) keep everything (their fences are their min and max).
    m = (11600 + 30000 + 5000) / 28
    w = weights(query, "V_PCT")
    assert w == pytest.approx({"AA1": 1450 / m, "BB1": 3000 / m, "BB5": 500 / m}, abs=1e-12)
    lo, hi = query("select distinct lower_fence, upper_fence from intermediate.int_benchmark_cases_trimmed"
                   " where weight_version = 'V_PCT' and drg_code = 'AA1'")[0]
    assert (lo, hi) == (pytest.approx(1022.5, abs=1e-9), pytest.approx(8155, abs=1e-9))


def test_rw_with_log_sd(query):
    # ln AA1 costs: mean 7.42505, sample SD 0.65513; 10000 lies (9.21034 − 7.42505) / 0.65513 = 2.73 SD above.
    # k = 3 keeps it (10 cases: no case can lie beyond 9 / √10 = 2.85 SD) → same as no trimming;
    # k = 2 trims it → same as IQR here.
    logs = [math.log(c) for c in AA1]
    z = (logs[-1] - statistics.mean(logs)) / statistics.stdev(logs)
    assert 2 < z < 3 and round(z, 2) == 2.73
    assert weights(query, "V_LOGSD3") == pytest.approx(weights(query, "V_NONE"), abs=1e-12)
    assert weights(query, "V_LOGSD2") == pytest.approx(weights(query, "V_IQR"), abs=1e-12)


def test_rw_blend_1_2_7(query):
    # V_BLEND starts 2025-01-01: years 2024 (weight 7), 2023 (2), 2022 (1); no trimming.
    # AA1: 2024 mean 2260, 2023 (1000 + 1200) / 2 = 1100, 2022 none → (7·2260 + 2·1100) / 9 = 18020 / 9
    # BB1: 3000, (2000 + 3000) / 2 = 2500, 1000 → (21000 + 5000 + 1000) / 10 = 2700
    # BB5: 500, 500 → 500
    # all cases: 2024 1920, 2023 (1000 + 1200 + 2000 + 3000 + 500) / 5 = 1540, 2022 1000
    #   → (7·1920 + 2·1540 + 1000) / 10 = 1752
    w = weights(query, "V_BLEND")
    assert w == pytest.approx({"AA1": 18020 / 9 / 1752, "BB1": 2700 / 1752, "BB5": 500 / 1752}, abs=1e-12)
    assert round(w["AA1"], 6) == 1.142821


def test_rw_on_a_cost_layer(query):
    # V_FULL: full cost (top-down) = 住院总费用 + 100 per case, no trimming: AA1 2360, BB1 3100, BB5 600,
    # M = 1920 + 100 = 2020.
    assert weights(query, "V_FULL") == pytest.approx({"AA1": 2360 / 2020, "BB1": 3100 / 2020, "BB5": 600 / 2020},
                                                     abs=1e-12)
    assert query("select distinct cost_basis, costing_method from marts.dim_drg_weights "
                 "where weight_version = 'V_FULL'") == [("full_cost_amount", "top_down")]


def test_official_table_and_parameters_recorded(query):
    # V_2023: AA1 rw 0.8, BB1 only base points 160 → 1.6, BB5 0.3
    assert weights(query, "V_2023") == pytest.approx({"AA1": 0.8, "BB1": 1.6, "BB5": 0.3})
    row = query("select method, trimming, iqr_k, blend, min_cases, fallback, rescale, los_exclusion_days, "
                "min_cost_amount, cost_basis, effective_from, effective_to, benchmark_from, benchmark_to, "
                "case_count, cost_cv from marts.dim_drg_weights where weight_version = 'V_IQR' and drg_code = 'BB1'")
    (method, trimming, k, blend, min_cases, fallback, rescale, los, cost, basis, ef, et, bf, bt, n, cv), = row
    assert (method, trimming, k, blend, min_cases, fallback, rescale, los, cost, basis) == (
        "data", "iqr", 1.5, "none", 0, "keep", False, 60, 5, "total_cost_amount")
    assert (str(ef), str(et), str(bf), str(bt), n) == ("2024-01-01", "2025-01-01", "2024-01-01", "2025-01-01", 10)
    assert cv == pytest.approx(statistics.stdev(BB1) / 3000)   # 1054.09 / 3000
    # the inactive version is not used
    assert query("select count(*) from marts.dim_drg_weights where weight_version = 'V_OFF'") == [(0,)]


# --- the effective-date join at the boundary -------------------------------------------------------------------

def test_weight_version_boundary(query):
    rows = dict((d, (v, rw)) for d, v, rw in query(
        "select cast(discharge_date as varchar), weight_version, rw from marts.fct_case_mix_discharges "
        "where discharge_date in ('2023-12-31', '2024-01-01')"))
    assert rows["2023-12-31"] == ("V_2023", pytest.approx(1.6))          # BB1, day before V_IQR starts
    assert rows["2024-01-01"] == ("V_IQR", pytest.approx(500 / (47600 / 29)))   # BB5, first day of V_IQR
    assert query("select weight_status from marts.fct_case_mix_discharges where discharge_date = '2022-03-05'") \
        == [("no_weight_version",)]


# --- CMI facts ---------------------------------------------------------------------------------------------------

def yearly(query, hospital, year, cols):
    return query(f"select {cols} from marts.fct_case_mix_hospital_yearly where hospital_id = ? and discharge_year = ?",
                 [hospital, year])[0]


A, B, C = 40600 / 47600, 87000 / 47600, 14500 / 47600   # V_IQR RW of AA1, BB1, BB5 (= 1400·29/47600 …)


def test_cmi_and_grouping_rate(query):
    # H1 2024: AA1 ×5, BB1 ×6, BB5 ×5 grouped (N 16) + qy, 0000, invalid, excluded.
    # total weight = 5A + 6B + 5C = (203000 + 522000 + 72500) / 47600 = 16.754202; CMI = / 16 = 1.047138
    # 入组率 = 16 / (20 − 1) = 0.842105; QY + 0000 = 2 / 19
    n, ex, grp, rate, share, tw, cmi, drgs, mdcs = yearly(
        query, "H1", 2024, "discharge_count, excluded_count, grouped_count, grouping_rate, qy_0000_share, "
                          "total_weight, cmi, drg_count, mdc_count")
    assert (n, ex, grp, drgs, mdcs) == (20, 1, 16, 3, 2)
    assert rate == pytest.approx(16 / 19) and share == pytest.approx(2 / 19)
    assert tw == pytest.approx(5 * A + 6 * B + 5 * C) and round(tw, 6) == 16.754202
    assert cmi == pytest.approx(tw / 16) and round(cmi, 6) == 1.047138
    # H2 2024: 5A + 4B + 5C = 623500 / 47600 = 13.098739 over 14 → 0.935624
    assert yearly(query, "H2", 2024, "cmi")[0] == pytest.approx((5 * A + 4 * B + 5 * C) / 14)
    # H1 2023 under the official V_2023: 2·0.8 + 2·1.6 + 0.3 = 5.1 over 5
    assert yearly(query, "H1", 2023, "cmi")[0] == pytest.approx(5.1 / 5)


def test_distinct_counts_recomputed_not_added(query):
    # H1 2024-03: D1 has AA1, BB1 (MDC A, B), D3 has AA1, BB5 (MDC A, B): 2 + 2 DRGs but the hospital has 3,
    # 2 + 2 MDCs but the hospital covers 2.
    units = query("select discharge_dept_code, drg_count, mdc_count from marts.fct_case_mix_monthly "
                  "where hospital_id = 'H1' and discharge_month = '2024-03-01' order by 1")
    assert units == [("D1", 2, 2), ("D3", 2, 2)]
    assert query("select drg_count, mdc_count from marts.fct_case_mix_hospital_monthly "
                 "where hospital_id = 'H1' and discharge_month = '2024-03-01'") == [(3, 2)]


def test_mdc_rollup(query):
    # MDC A in H1 2024-03: AA1 ×5, the qy case (AQY) and the excluded AA1 → 7 discharges, 1 excluded, 5 grouped
    rows = dict((m, r) for m, *r in query(
        "select mdc_code, discharge_count, excluded_count, grouped_count, grouping_rate, cmi "
        "from marts.fct_case_mix_mdc_monthly where hospital_id = 'H1' and discharge_month = '2024-03-01'"))
    assert rows["A"][:3] == [7, 1, 5] and rows["A"][3] == pytest.approx(5 / 6) and rows["A"][4] == pytest.approx(A)
    assert rows["B"][:3] == [11, 0, 11] and rows["B"][4] == pytest.approx((6 * B + 5 * C) / 11)
    assert rows["NONE"][:3] == [2, 0, 0]   # the 0000 and the invalid case


def test_efficiency_indices(query):
    # Benchmark (V_IQR, 2024, all 30 cases, before trimming): C = 2260 / 3000 / 500, L = 83/10, 90/10, 30/10.
    # H1 cost: AA1 6000 / 2260 + BB1 14000 / 3000 + BB5 2500 / 500 = 12.321534 over 16 → 0.770096
    # H1 time: 25 / 8.3 + 50 / 9 + 10 / 3 = 11.900937 over 16 → 0.743809
    # H2 cost: 16600 / 2260 + 16000 / 3000 + 2500 / 500 = 17.678466 over 14 → 1.262748
    # (H1 + H2 sums = 30 = N: over the benchmark population the index is 1.)
    cost1, time1 = yearly(query, "H1", 2024, "cost_efficiency_index, time_efficiency_index")
    assert cost1 == pytest.approx((6000 / 2260 + 14000 / 3000 + 2500 / 500) / 16)
    assert round(cost1, 6) == 0.770096
    assert time1 == pytest.approx((25 / 8.3 + 50 / 9 + 10 / 3) / 16)
    cost2, time2 = yearly(query, "H2", 2024, "cost_efficiency_index, time_efficiency_index")
    assert cost2 == pytest.approx((16600 / 2260 + 16000 / 3000 + 2500 / 500) / 14)
    assert time2 == pytest.approx((58 / 8.3 + 40 / 9 + 20 / 3) / 14)
    assert 16 * cost1 + 14 * cost2 == pytest.approx(30)


def test_own_benchmark_is_one_and_says_so(query):
    # 2023 is benchmarked by V_2023 on the 2023 cases, all H1's: AA1 mean 1100, BB1 2500, BB5 500;
    # (2200 / 1100 + 5000 / 2500 + 500 / 500) / 5 = (2 + 2 + 1) / 5 = 1.
    cost, time, own, note = yearly(query, "H1", 2023, "cost_efficiency_index, time_efficiency_index, "
                                                       "is_own_benchmark, efficiency_note")
    assert cost == pytest.approx(1) and time == pytest.approx(1) and own is True and "by construction" in note
    assert yearly(query, "H1", 2024, "is_own_benchmark, efficiency_note") == (False, None)


def test_mortality_risk_levels(query):
    # V_IQR benchmark: AA1 1/10, BB1 5/10, BB5 5/10 deaths; ln: −2.302585, −0.693147 ×2; mean −1.229626;
    # sample SD √((1.072959² + 2·0.536479²) / 2) = 0.929196; z = −1.154701 → 1 低风险; 0.577350 → 3 中高风险.
    lns = [math.log(0.1), math.log(0.5), math.log(0.5)]
    z = (lns[0] - statistics.mean(lns)) / statistics.stdev(lns)
    rows = dict((d, (lvl, zz)) for d, lvl, zz in query(
        "select drg_code, risk_level, z_score from marts.dim_drg_mortality_risk where weight_version = 'V_IQR'"))
    assert rows["AA1"] == (1, pytest.approx(z)) and round(z, 6) == -1.154701
    assert rows["BB1"][0] == rows["BB5"][0] == 3
    # low-risk group mortality: H1 AA1 5 cases, 1 death → 0.2; H2 5 cases, none → 0; no medium-low DRG
    assert yearly(query, "H1", 2024, "low_risk_case_count, low_risk_death_count, low_risk_mortality_rate, "
                                     "medium_low_risk_case_count, medium_low_risk_mortality_rate") \
        == (5, 1, pytest.approx(0.2), 0, None)
    assert yearly(query, "H2", 2024, "low_risk_mortality_rate")[0] == 0
    # V_2023: every DRG has fewer than risk_min_cases (5) cases → no level
    assert query("select count(*) from marts.dim_drg_mortality_risk where weight_version = 'V_2023' "
                 "and risk_level is not null") == [(0,)]


# --- change decomposition ------------------------------------------------------------------------------------------

def test_decomposition_h1_march(query):
    # Priced with V_IQR. 2023-03: AA1 ×2, BB1 ×1, BB5 ×1 → N1 4, TW1 = 2A + B + C, CMI1 = TW1 / 4 = 0.959559.
    # 2024-03: AA1 ×5, BB1 ×6, BB5 ×5 → N2 16, CMI2 = 1.047138.
    # volume = 12·CMI1 = 11.514706, CMI effect = 16·(CMI2 − CMI1) = 1.401261, sum = TW2 − TW1 = 12.915966.
    # ADRGs AA {AA1}, BB {BB1, BB5}: s1 = ½, ½; s2 = 5/16, 11/16; w̄ AA = A both; w̄ BB (B + C)/2 → (6B + 5C)/11.
    # mix = (5/16 − ½)·A + (11/16 − ½)·(B + C)/2 = 0.039982; severity = 11/16·((6B + 5C)/11 − (B + C)/2)
    #     = (B − C)/32 = 0.047597; sum = CMI2 − CMI1 = 0.087579.
    # Within-ADRG cost: AA 1100 → 1200, BB 1250 → 1500: Σ s2·Δc̄ / Σ s2·c̄1 = 203.125 / 1203.125 = 16.9%
    # ≥ ½ × severity share 4.96%: no drift.
    row = query("select base_case_count, case_count, base_cmi, cmi, volume_effect, cmi_effect, total_weight_change,"
                " adrg_mix_effect, severity_effect, cost_within_adrg_change_rate, is_coding_drift_suspected"
                " from marts.fct_cmi_change_decomposition where unit_level = 'hospital' and hospital_id = 'H1'"
                " and comparison = 'same_month_last_year' and discharge_month = '2024-03-01'")[0]
    cmi1, cmi2 = (2 * A + B + C) / 4, (5 * A + 6 * B + 5 * C) / 16
    mix = (5 / 16 - 0.5) * A + (11 / 16 - 0.5) * (B + C) / 2
    sev = (B - C) / 32
    assert row[:2] == (4, 16)
    assert row[2:9] == pytest.approx((cmi1, cmi2, 12 * cmi1, 16 * (cmi2 - cmi1), 16 * cmi2 - 4 * cmi1, mix, sev))
    assert (round(mix, 6), round(sev, 6), round(cmi2 - cmi1, 6)) == (0.039982, 0.047597, 0.087579)
    assert row[9] == pytest.approx(203.125 / 1203.125) and row[10] is False
    assert query("select count(*) from marts.fct_cmi_change_decomposition") == [(4,)]  # H1 & D1 × 2024-03, 2023-03


# --- reasonable ranges ------------------------------------------------------------------------------------------------

def test_range_checks(query):
    rows = dict(((c, h, str(m)), s) for c, h, m, s in query(
        "select check_name, hospital_id, discharge_month, status from marts.fct_case_mix_range_checks"))
    assert rows[("cmi", "H1", "2024-03-01")] == "pass"             # 1.047
    assert rows[("avg_los_days", "H1", "2024-03-01")] == "pass"    # (85 + 5 + 5 + 5 + 70) / 20 = 8.5
    assert rows[("grouping_rate", "H1", "2024-03-01")] == "warn"   # 16 / 19 < 0.95
    assert rows[("qy_0000_share", "H1", "2024-03-01")] == "warn"   # 2 / 19 > 0.05
    assert rows[("cmi", "H2", "2024-01-01")] == "warn"             # one BB5 case: 0.3046 < 0.5
    assert rows[("cmi", "H1", "2022-03-01")] == "warn"             # no weight version in force: no CMI
    assert len(rows) == 4 * 6                                      # 4 checks × 6 hospital-months


def test_fixture_is_what_the_docstring_says():
    grouped_2024 = [c for c in CASES if c["date"].startswith("2024") and c["status"] == "grouped"]
    by_drg = {d: sorted(c["cost"] for c in grouped_2024 if c["drg"] == d) for d in ("AA1", "BB1", "BB5")}
    assert by_drg == {"AA1": sorted(AA1), "BB1": sorted(BB1), "BB5": sorted(BB5)}
