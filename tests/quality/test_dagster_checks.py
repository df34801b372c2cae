"""The quality asset in Dagster: per-rule asset checks with results, and the blocking structural check.

Two in-process runs of the real definitions on a temporary warehouse holding 2 hand-made cases in March
2024 (no case in April):

- March: case 1 is a clean man, case 2 the same record for a woman (XB = 2) with the male-only
  diagnosis N40.x00 (前列腺增生) added as other dx 3 → exactly one finding, SEX-001 on JBDM3. The step
  succeeds; check ``sex_001`` fails with severity WARN: it applies to the diagnoses of women (XB = 2) that
  have a code, i.e. case 2 only → applicable 1, failed 1, rate 1/1 = 1.0; ``sex_002`` applies to the man
  (case 1) only → applicable 1, failed 0; every other rule check passes, the structural check passes, and
  the dbt step downstream runs: the quality mart's March row has cases 2, detectable PDX error rate
  0/2 = 0.0, SEX error rate 1/2 = 0.5.
- April: empty partition → the blocking ``partition_structure`` check fails with ERROR, the step fails,
  and neither the quality tables nor the dbt assets downstream are materialized.
- March again after dropping the column SJZYTS: missing column → blocked the same way.

Only the assets needed are selected: coding_quality, and of the dbt project the discharge staging view,
the audit-sample seed and the quality mart.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import duckdb
import pytest

from quality_fixtures import build_db, clean_case
from casemix.ingest.stage import create_discharges_view

ROOT = Path(__file__).resolve().parents[2]
STG = ["staging", "stg_front_page__discharges"]
SEED = ["reference", "quality_audit_sample"]
MART = ["marts", "fct_front_page_quality_monthly"]


def _sex001_case() -> dict:
    c = clean_case(2)
    c.update(XB="2", XM="病人2")
    c["dx"] = c["dx"] + [("前列腺增生", "N40.x00", "1")]      # male-only dx on a woman: SEX-001 (JBDM3)
    return c


@pytest.fixture(scope="module")
def runs(tmp_path_factory, gx_loaded):
    if not (ROOT / "dbt" / "target" / "manifest.json").exists():
        pytest.skip("dbt manifest missing: run `make manifest` (make test does)")
    from dagster import AssetKey, DagsterInstance, materialize
    from dagster_dbt import DbtCliResource

    tmp = tmp_path_factory.mktemp("dagster_quality")
    wh = tmp / "wh.duckdb"
    mp = pytest.MonkeyPatch()
    for k, v in {"CASEMIX_WAREHOUSE": str(wh), "CASEMIX_DUCKDB_TEMP_DIR": str(tmp / "duckdb_tmp"),
                 "CASEMIX_DUCKDB_MEMORY_LIMIT": "1GB", "CASEMIX_DUCKDB_THREADS": "1",
                 "DBT_TARGET_PATH": str(tmp / "dbt_target"), "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
                 "DBT_VERSION_CHECK": "False"}.items():
        mp.setenv(k, v)
    mp.delenv("CASEMIX_CODE_TABLE_DIR", raising=False)
    try:
        build_db([clean_case(1), _sex001_case()], path=wh).close()
        from casemix.defs.dbt import casemix_dbt_models
        from casemix.defs.dbt_project import casemix_dbt_project
        from casemix.defs.quality import ISSUES, SUMMARY, coding_quality

        dbt = DbtCliResource(project_dir=casemix_dbt_project,
                             dbt_executable=str(Path(sys.executable).with_name("dbt")))
        selection = [ISSUES, SUMMARY, AssetKey(STG), AssetKey(SEED), AssetKey(MART)]
        instance = DagsterInstance.ephemeral()
        out = {}
        for month in ("2024-03-01", "2024-04-01"):
            out[month] = materialize([coding_quality, casemix_dbt_models], selection=selection,
                                     partition_key=month, resources={"dbt": dbt}, instance=instance,
                                     raise_on_error=False)
        # a missing column blocks too: March again without SJZYTS (实际住院天数)
        con = duckdb.connect(str(wh))
        create_discharges_view(con, exclude=("sjzyts",))  # a front page without SJZYTS
        con.close()
        out["missing_column"] = materialize([coding_quality, casemix_dbt_models], selection=selection,
                                            partition_key="2024-03-01", resources={"dbt": dbt},
                                            instance=instance, raise_on_error=False)
        con = duckdb.connect(str(wh), read_only=True)
        out["mart"] = con.execute(f"SELECT partition_month, cases, detectable_pdx_error_rate, sex_error_rate "
                                  f"FROM {'.'.join(MART)} ORDER BY 1").fetchall()
        out["issues"] = con.execute("SELECT partition_month, rule_id, field, value "
                                    "FROM quality.qc_case_issues").fetchall()
        out["columns"] = {t: [r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'quality' "
            "AND table_name = ? ORDER BY ordinal_position", [t]).fetchall()]
            for t in ("qc_case_issues", "qc_rule_summary")}
        out["summary"] = con.execute("SELECT rule_id, applicable, failed, rate, status FROM "
                                     "quality.qc_rule_summary WHERE rule_id IN ('SEX-001', 'CMP-005') "
                                     "ORDER BY rule_id").fetchall()
        con.close()
        yield out
    finally:
        mp.undo()


def _evals(result) -> dict:
    """The evaluations of the checks on quality/qc_case_issues (the dbt tests are checks too)."""
    return {e.check_name: e for e in result.get_asset_check_evaluations()
            if e.asset_key.path == ["quality", "qc_case_issues"]}


def _materialized(result) -> set[tuple[str, ...]]:
    return {tuple(m.asset_key.path) for m in result.get_asset_materialization_events()}


def test_every_rule_is_an_asset_check_of_the_issues_table(ruleset):
    from casemix.defs.quality import ISSUES, coding_quality

    specs = {s.name: s for s in coding_quality.check_specs}
    want = {rid.replace("-", "_").lower() for rid in ruleset.ids}
    assert want <= set(specs) and set(specs) - want == {"partition_structure"}
    assert len(want) == len(ruleset.ids) >= 44
    assert all(s.asset_key == ISSUES for s in specs.values())
    assert specs["partition_structure"].blocking
    assert not any(specs[n].blocking for n in want)


def test_a_case_finding_fails_its_rule_check_as_a_warning_and_the_run_proceeds(runs, ruleset):
    from dagster import AssetCheckSeverity

    r = runs["2024-03-01"]
    assert r.success
    ev = _evals(r)
    assert set(ev) == {rid.replace("-", "_").lower() for rid in ruleset.ids} | {"partition_structure"}
    assert ev["partition_structure"].passed
    sex = ev["sex_001"]
    # SEX-001 applies to diagnoses with a code of a woman (XB = 2): only case 2 → applicable 1, failed 1
    assert (sex.passed, sex.severity) == (False, AssetCheckSeverity.WARN)
    assert (sex.metadata["applicable"].value, sex.metadata["failed"].value, sex.metadata["rate"].value) \
        == (1, 1, 1.0)
    # every other rule passes (CMP-005 is not checked: no code table; its check passes with that status)
    assert {n for n, e in ev.items() if not e.passed} == {"sex_001"}
    assert ev["sex_002"].metadata["applicable"].value == 1          # the man, case 1
    assert ev["cmp_005"].metadata["status"].value == "not checked"
    assert all(e.severity == AssetCheckSeverity.WARN for n, e in ev.items() if n != "partition_structure")
    assert runs["issues"] == [(dt.date(2024, 3, 1), "SEX-001", "JBDM3", "N40.x00")]
    assert {tuple(k) for k in (STG, SEED, MART)} <= _materialized(r)
    # the mart's March row: 2 cases, no PDX finding, 1 of 2 with a SEX finding
    assert runs["mart"] == [(dt.date(2024, 3, 1), 2, 0.0, 0.5)]
    # Data Docs rebuilt by the run and linked from the materialization
    md = {tuple(m.asset_key.path): m.materialization.metadata for m in r.get_asset_materialization_events()}
    docs = Path(md[("quality", "qc_case_issues")]["data_docs"].value)
    assert docs.name == "index.html" and docs.exists()
    assert md[("quality", "qc_case_issues")]["findings"].value == 1


def test_the_pipeline_writes_the_result_tables_with_the_named_columns(runs):
    assert runs["columns"]["qc_case_issues"] == [
        "partition_month", "discharge_id", "rule_id", "severity", "field", "value", "message", "message_en",
        "ruleset_version", "code_table_version"]
    assert runs["columns"]["qc_rule_summary"] == [
        "partition_month", "rule_id", "severity", "family", "applicable", "failed", "rate", "status",
        "ruleset_version", "code_table_version"]
    # SEX-001: 1 applicable case, 1 failed, rate 1/1; CMP-005 without a code table: not checked, no counts
    assert runs["summary"] == [("CMP-005", None, None, None, "not checked"), ("SEX-001", 1, 1, 1.0, "checked")]


@pytest.mark.parametrize("run,failure", [("2024-04-01", "empty_partition"), ("missing_column", "missing_column")])
def test_a_structural_failure_blocks_the_downstream_dbt_step(runs, run, failure):
    from dagster import AssetCheckSeverity

    r = runs[run]
    assert not r.success
    ev = _evals(r)
    st = ev["partition_structure"]
    assert (st.passed, st.severity) == (False, AssetCheckSeverity.ERROR)
    assert [f["check"] for f in st.metadata["failures"].value] == [failure]
    assert _materialized(r) == set()          # neither the quality tables nor any dbt model
    started = {e.step_key for e in r.all_events if e.event_type_value == "STEP_START"}
    assert started == {"coding_quality"}      # the dbt step never starts
    failed = [e for e in r.all_events if e.event_type_value == "STEP_FAILURE"]
    assert [e.step_key for e in failed] == ["coding_quality"]
    assert "blocking asset check failed" in failed[0].event_specific_data.error.message
    # March's findings and mart row are untouched
    assert len(runs["issues"]) == 1 and len(runs["mart"]) == 1


def test_great_expectations_is_imported_only_when_the_rules_run():
    import subprocess

    code = ("import sys, casemix.defs.quality, casemix.quality.runner, casemix.quality.cli; "
            "print(any(m.split('.')[0] == 'great_expectations' for m in sys.modules))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.strip() == "False"
