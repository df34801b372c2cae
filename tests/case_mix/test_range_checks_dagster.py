"""Reasonable-range checks (合理区间) as Dagster asset checks: the dbt tests case_mix_range_* run through
dagster-dbt (as casemix_dbt_models runs them, with casemix.defs.case_mix adding the warn rows) on a
hand-made warehouse whose only input is a stand-in marts.fct_case_mix_hospital_monthly.

Ranges: the seed reasonable_ranges as shipped (default-1: CMI [0.5, 2], ALOS [3, 15] days, 入组率 [0.95, 1],
QY+0000 share [0, 0.05], in force from 2000-01-01, bounds inclusive). Hospital-months:
  H1 2024-03  CMI 2.5  > 2     → the CMI check warns and names "H1 2024-03"
  H1 2024-04  CMI 1.2          → in range
  H2 2024-03  CMI 0.5  (= the lower bound, inclusive) → in range
every ALOS 8 (in [3, 15]), 入组率 0.98 (in [0.95, 1]), share 0.01 (in [0, 0.05]) → those three checks pass.
One Dagster run (dbt start-up dominates); the pass/warn statuses of each bound are unit-tested in dbt
(range_checks_pass_and_warn).
"""

import os
import sys
from pathlib import Path

import duckdb
import pytest
from dagster import AssetCheckSeverity, AssetExecutionContext, AssetKey, materialize
from dagster_dbt import DbtCliResource, dbt_assets

from case_mix_fixtures import DBT_DIR, run_dbt

RANGE_CHECKS = ["case_mix_range_cmi", "case_mix_range_avg_los_days", "case_mix_range_grouping_rate",
                "case_mix_range_qy_0000_share"]
RANGE_MODEL = AssetKey(["marts", "fct_case_mix_range_checks"])


def _stand_in(wh: Path) -> None:
    con = duckdb.connect(str(wh))
    try:
        con.execute("CREATE SCHEMA IF NOT EXISTS marts")
        con.execute("""CREATE OR REPLACE TABLE marts.fct_case_mix_hospital_monthly (hospital_id VARCHAR,
            discharge_month DATE, cmi DOUBLE, avg_los_days DOUBLE, grouping_rate DOUBLE, qy_0000_share DOUBLE)""")
        con.executemany("INSERT INTO marts.fct_case_mix_hospital_monthly VALUES (?, ?, ?, 8, 0.98, 0.01)",
                        [("H1", "2024-03-01", 2.5), ("H1", "2024-04-01", 1.2), ("H2", "2024-03-01", 0.5)])
    finally:
        con.close()


@pytest.fixture(scope="module")
def range_run(tmp_path_factory):
    """(result, {check_name: evaluation}, assets def) of a Dagster materialization of the seed
    reasonable_ranges and fct_case_mix_range_checks with their checks."""
    if not (DBT_DIR / "target" / "manifest.json").exists():  # casemix.defs.dbt loads it at import
        pytest.skip("dbt manifest missing: run `make manifest` (make test does)")
    work = tmp_path_factory.mktemp("range_checks")
    wh = work / "wh.duckdb"
    _stand_in(wh)
    with pytest.MonkeyPatch.context() as mp:
        # set before importing casemix.defs.dbt, whose import sets defaults for unset CASEMIX_* variables
        mp.setenv("CASEMIX_WAREHOUSE", str(wh))
        mp.setenv("CASEMIX_DUCKDB_TEMP_DIR", str(work / "duckdb_tmp"))
        mp.setenv("CASEMIX_DBT_THREADS", "2")
        mp.setenv("CASEMIX_DUCKDB_MEMORY_LIMIT", os.environ.get("CASEMIX_DUCKDB_MEMORY_LIMIT", "2GB"))
        from casemix.defs.case_mix import with_range_check_details
        from casemix.defs.dbt import CasemixDbtTranslator

        run_dbt(wh, work, ["parse"])  # this checkout's manifest, in the temp target

        @dbt_assets(manifest=work / "target" / "manifest.json",
                    select="reasonable_ranges fct_case_mix_range_checks", dagster_dbt_translator=CasemixDbtTranslator())
        def range_assets(context: AssetExecutionContext, dbt: DbtCliResource):
            yield from with_range_check_details(dbt.cli(["build"], context=context).stream())

        dbt = DbtCliResource(project_dir=str(DBT_DIR), profiles_dir=str(DBT_DIR),
                             dbt_executable=str(Path(sys.executable).with_name("dbt")))
        mp.setenv("DBT_TARGET_PATH", str(work / "target"))  # its partial_parse.msgpack is reused
        res = materialize([range_assets], resources={"dbt": dbt}, raise_on_error=False)
    return res, {e.check_name: e for e in res.get_asset_check_evaluations()}, range_assets


def test_a_range_warning_never_fails_the_run_nor_blocks(range_run):
    res, _, assets_def = range_run
    assert res.success
    assert RANGE_MODEL in {e.asset_key for e in res.get_asset_materialization_events()}
    specs = {s.name: s for s in assets_def.check_specs if s.name in RANGE_CHECKS}
    assert set(specs) == set(RANGE_CHECKS)                 # one asset check per range check, on the mart
    assert all(s.asset_key == RANGE_MODEL and not s.blocking for s in specs.values())  # severity warn


def test_out_of_range_cmi_is_a_warn_check_naming_the_hospital_month(range_run):
    _, checks, _ = range_run
    cmi = checks["case_mix_range_cmi"]
    assert (cmi.passed, cmi.severity) == (False, AssetCheckSeverity.WARN)
    md = cmi.metadata
    assert md["warn_count"].value == 1                     # only H1 2024-03 (2.5 > 2)
    assert md["hospital_months"].value == ["H1 2024-03"]   # H2's 0.5 is on the inclusive bound: not listed
    assert "H1 2024-03" in cmi.description and "2.5" in cmi.description and "default-1" in cmi.description
    assert "| H1 | 2024-03 | 2.5 | 0.5 | 2 | default-1 |" in md["warn_rows"].value


def test_in_range_checks_pass(range_run):
    _, checks, _ = range_run
    for name in RANGE_CHECKS[1:]:                          # ALOS 8, 入组率 0.98, share 0.01: all inside
        assert checks[name].passed, name
        assert "warn_count" not in checks[name].metadata


def test_every_warn_row_is_counted_and_an_unreadable_warehouse_still_reports(tmp_path):
    # 60 hospitals out of range in 2024-03: warn_count 60, the first 50 listed, "… and 10 more" said.
    from dagster import AssetCheckResult

    from casemix.defs.case_mix import MAX_LISTED, with_range_check_details

    wh = tmp_path / "wh.duckdb"
    con = duckdb.connect(str(wh))
    con.execute("CREATE SCHEMA marts")
    con.execute("""CREATE TABLE marts.fct_case_mix_range_checks AS
        SELECT 'cmi' AS check_name, 'H' || lpad(CAST(i AS VARCHAR), 2, '0') AS hospital_id,
               DATE '2024-03-01' AS discharge_month, 2.5 AS value, 'r1' AS range_version, 0.5 AS lower_bound,
               2.0 AS upper_bound, 'warn' AS status, 'cmi = 2.5 outside [0.5, 2.0] (r1)' AS message
        FROM range(60) t(i)""")
    con.close()
    dbt_result = AssetCheckResult(passed=False, asset_key=RANGE_MODEL, check_name="case_mix_range_cmi",
                                  severity=AssetCheckSeverity.WARN, metadata={"dagster_dbt/failed_row_count": 60})
    other = AssetCheckResult(passed=True, asset_key=RANGE_MODEL, check_name="case_mix_range_avg_los_days")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CASEMIX_DUCKDB_TEMP_DIR", str(tmp_path / "tmp"))
        out = list(with_range_check_details(iter([dbt_result, other]), warehouse=wh))
        assert out[0] is other                      # passes go through at once; warnings after dbt ends
        (r,) = out[1:]
        assert (r.passed, r.severity, r.metadata["warn_count"].value) == (False, AssetCheckSeverity.WARN, 60)
        assert len(r.metadata["hospital_months"].value) == 60 and MAX_LISTED == 50
        assert r.metadata["hospital_months_complete"].value is True
        assert r.description.startswith("60 hospital-month(s) out of range: H00 2024-03: cmi = 2.5")
        assert r.description.endswith("… and 10 more") and "H49 2024-03" in r.description
        assert "H50" not in r.description
        (bad,) = with_range_check_details(iter([dbt_result]), warehouse=tmp_path / "missing" / "none.duckdb")
        assert (bad.passed, bad.severity) == (False, AssetCheckSeverity.WARN)
        assert "details_error" in bad.metadata and "rows not read" in bad.description
