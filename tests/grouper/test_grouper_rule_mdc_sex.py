"""An MDC entered by its ADRG rules (like MDCA) with a sex restriction, on the hand scheme of conftest.py.

The ADRG step takes such MDCs from the scheme's mdcs table instead of one candidate row per case, so the
sex restriction is applied there (int_discharges_assigned_to_adrg, hits of rule MDCs). CHS-DRG 1.1 has no
such MDC; here MDCA is restricted to women (sex 2). No code map: this also runs the grouper's no-map path.
Expected by hand: the AH1 case of grouper_cases.py (J18.900 with the ventilation code 96.7201 in slot 2)
lands in A / AH1 for a woman, as in the edge-case suite; for a man MDCA is no candidate, so the case stays
in its principal-dx MDC E (96.0401 in slot 1 is EK1's non-OR procedure, 96.7201 none of E's lists)."""

from __future__ import annotations

import pandas as pd
import pytest

from grouper_cases import EDGE_CASES
from grouper_fixtures import build_warehouse, read_results, two_schemes, write_cases


@pytest.fixture(scope="module")
def sex_restricted_run(tmp_path_factory) -> pd.DataFrame:
    from casemix.grouper.run import run_grouper_dbt

    base = tmp_path_factory.mktemp("rule_mdc_sex")
    ah1 = next(c for c in EDGE_CASES if c["BAH"] == "AH1")
    cases = [{**ah1, "BAH": "AH1-F", "XB": "2"}, {**ah1, "BAH": "AH1-M", "XB": "1"}]
    scheme = two_schemes()
    mdcs = scheme["mdcs"]
    assert (mdcs.loc[mdcs["mdc_code"] == "A", "entry_rule"] == "adrg_rules").all()
    mdcs.loc[mdcs["mdc_code"] == "A", "sex_restriction"] = "2"
    wh = build_warehouse(base / "wh.duckdb", write_cases(base / "cases.csv", cases), scheme)
    run_grouper_dbt(wh, {"qy_mode": "principal"}, work_dir=base / "dbt")
    df = read_results(wh)
    return df[df["is_primary_scheme"]].set_index("bah")


def test_a_rule_mdc_admits_only_its_sex(sex_restricted_run):
    woman, man = sex_restricted_run.loc["AH1-F"], sex_restricted_run.loc["AH1-M"]
    assert (woman["grouping_status"], woman["mdc_code"], woman["adrg_code"]) == ("grouped", "A", "AH1")
    assert man["grouping_status"] == "grouped" and man["mdc_code"] == "E" and man["adrg_code"] != "AH1"
    assert "MDCA" not in man["trace"]
