"""End to end: generate a small sample, materialize every asset through Dagster into a temporary
warehouse (as `make demo` does), and check the figures against what the generator wrote."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "casemix.cli"]


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    if not (ROOT / "dbt" / "target" / "manifest.json").exists():
        pytest.skip("dbt manifest missing: run `make manifest` (make test does)")
    tmp = tmp_path_factory.mktemp("e2e")
    home = tmp / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    env = {**os.environ, "DAGSTER_HOME": str(home), "CASEMIX_WAREHOUSE": str(tmp / "wh.duckdb"),
           "CASEMIX_LANDING": str(tmp / "landing"), "CASEMIX_PSEUDONYM_KEY": "e2e-test-key",
           "CASEMIX_DRG_SCHEME_DIR": "demo", "CASEMIX_DUCKDB_MEMORY_LIMIT": "2GB"}
    env.pop("CASEMIX_CODE_TABLE_DIR", None)

    def run(*args):
        r = subprocess.run([*CLI, *args], cwd=ROOT, env=env, capture_output=True, text=True)
        assert r.returncode == 0, f"casemix {' '.join(args)} failed:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
        return r

    run("generate", "--out", str(tmp / "landing"), "--seed", "11", "--hospitals", "2", "--start", "2024-01",
        "--months", "3", "--cases-per-month", "40", "--defect-rate", "0.05")
    run("run", "--months", "2024-01..2024-03")
    con = duckdb.connect(str(tmp / "wh.duckdb"), read_only=True)
    snapshot = {t: sorted(con.execute(f"SELECT * FROM front_page.{t}").fetchall(), key=str)
                for t in ("discharges", "diagnoses", "procedures", "partition_stats")}
    con.close()
    run("run", "--months", "2024-02..2024-02")   # re-run one partition
    con = duckdb.connect(str(tmp / "wh.duckdb"), read_only=True)
    yield dict(con=con, tmp=tmp, snapshot=snapshot,
               summary=json.loads((tmp / "landing" / "manifest" / "summary.json").read_text()),
               manifest=pd.read_csv(tmp / "landing" / "manifest" / "defects.csv", dtype=str))
    con.close()


def test_every_dbt_unit_test_passes_on_the_built_warehouse(pipeline, tmp_path):
    """The pipeline's dbt build leaves the unit tests out (static fixtures; casemix.defs.dbt); all of them
    run here, on a copy of the warehouse the pipeline built (same file name: the views name their catalog
    after it)."""
    from casemix.dbt_runner import run_dbt

    (tmp_path / "copy").mkdir()
    wh = tmp_path / "copy" / "wh.duckdb"
    shutil.copy(pipeline["tmp"] / "wh.duckdb", wh)
    res = run_dbt(["test", "--select", "test_type:unit"], warehouse=wh, work_dir=tmp_path / "dbt")
    results = list(res.result.results)
    expected = json.loads((ROOT / "dbt" / "target" / "manifest.json").read_text())["unit_tests"]
    assert len(expected) >= 28
    assert sorted(r.node.unique_id for r in results) == sorted(expected)
    assert all(str(r.status).lower() == "pass" for r in results), [(r.node.name, r.status) for r in results]


def test_every_generated_case_is_loaded_and_counts_add_up(pipeline):
    con, summary = pipeline["con"], pipeline["summary"]
    n = summary["n_cases"]
    read, loaded, quarantined = con.execute(
        "SELECT sum(rows_read), sum(rows_loaded), sum(rows_quarantined) FROM front_page.partition_stats"
    ).fetchone()
    assert (read, loaded, quarantined) == (n, n, 0)
    assert con.execute("SELECT count(*) FROM front_page.partition_stats").fetchone()[0] == 3
    files = summary["files"]
    assert len(files) == 2 * 3 and sum(f["cases"] for f in files) == n


def test_rerunning_a_partition_gives_identical_tables(pipeline):
    con = pipeline["con"]
    for t, rows in pipeline["snapshot"].items():
        assert sorted(con.execute(f"SELECT * FROM front_page.{t}").fetchall(), key=str) == rows, t


def test_injected_defects_are_found_on_their_cases(pipeline):
    con, man = pipeline["con"], pipeline["manifest"]
    assert len(man) > 0
    found = set(con.execute("SELECT discharge_id, rule_id FROM quality.qc_case_issues").fetchall())
    expected = set(zip(man["discharge_id"], man["rule_id"]))
    missing = {e for e in expected if not any(f[0] == e[0] and f[1].startswith(e[1]) for f in found)}
    assert not missing
    flagged = {f[0] for f in found}
    assert flagged <= set(man["discharge_id"])   # no finding on a clean case


def test_every_discharge_is_grouped_with_the_demo_scheme(pipeline):
    con = pipeline["con"]
    n = con.execute("SELECT count(*) FROM front_page.discharges").fetchone()[0]
    rows = dict(con.execute("SELECT grouping_status, count(*) FROM marts.fct_discharge_groupings "
                            "GROUP BY 1").fetchall())
    assert sum(rows.values()) == n
    assert rows.get("grouped", 0) >= 0.9 * n
    assert con.execute("SELECT count(DISTINCT scheme_version) FROM marts.fct_discharge_groupings"
                       ).fetchone()[0] == 1


def test_grouping_in_batches_of_months_gives_the_same_rows(pipeline, tmp_path):
    """int_discharges_grouped is built in batches of whole months of at most `grouper_batch_cases` cases
    (materialization grouper_batched_table); the pipeline's cases fit in one. Rebuilt on a copy with the
    largest month's count (every month a batch: 3) and with all cases but one (two months, then one: 2),
    the rows are the same; so they are with some cases' partition month cleared."""
    from casemix.grouper.run import run_grouper_dbt

    (tmp_path / "copy").mkdir()
    wh = tmp_path / "copy" / "wh.duckdb"
    shutil.copy(pipeline["tmp"] / "wh.duckdb", wh)
    months = pipeline["con"].execute("SELECT partition_month, count(*) FROM front_page.discharges "
                                     "GROUP BY 1 ORDER BY 1").fetchall()
    counts = [n for _, n in months]
    assert len(counts) == 3 and counts[0] + counts[1] > max(counts) and counts[1] + counts[2] > max(counts)
    expected = sorted(pipeline["con"].execute("SELECT * FROM intermediate.int_discharges_grouped").fetchall(),
                      key=str)
    for size, batches in ((max(counts), 3), (sum(counts) - 1, 2)):
        work = tmp_path / f"dbt_{size}"
        run_grouper_dbt(wh, {"grouper_batch_cases": size}, select="int_discharges_grouped", work_dir=work)
        log = (work / "logs" / "dbt.log").read_text(encoding="utf-8")
        assert f"int_discharges_grouped\": {batches} batches of months" in log
        con = duckdb.connect(str(wh), read_only=True)
        got = sorted(con.execute("SELECT * FROM intermediate.int_discharges_grouped").fetchall(), key=str)
        con.close()
        assert got == expected, size
    # rows without a partition month (ingest never loads one so) go with a batch, none is lost
    con = duckdb.connect(str(wh))
    # (front_page.discharges, diagnoses and procedures are views of the published stage rows)
    con.execute("UPDATE front_page_stage.rows SET partition_month = NULL WHERE hash(discharge_id) % 10 = 0")
    con.close()
    rows = {}
    for size in (sum(counts), max(counts)):
        run_grouper_dbt(wh, {"grouper_batch_cases": size}, select="int_discharges_grouped",
                        work_dir=tmp_path / f"dbt_null_{size}")
        con = duckdb.connect(str(wh), read_only=True)
        rows[size] = sorted(con.execute("SELECT * FROM intermediate.int_discharges_grouped").fetchall(), key=str)
        assert con.execute("SELECT count(*) FROM intermediate.int_discharges_grouped "
                           "WHERE partition_month IS NULL").fetchone()[0] > 0
        con.close()
    assert len(rows[max(counts)]) == len(expected) and rows[max(counts)] == rows[sum(counts)]


def test_case_costs_never_decrease_across_layers(pipeline):
    con = pipeline["con"]
    tables = {r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts'").fetchall()}
    assert "fct_discharge_costs" in tables
    cols = {r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'marts' "
        "AND table_name = 'fct_discharge_costs'").fetchall()}
    layers = [c for c in ("variable_cost_amount", "direct_cost_amount", "medical_business_cost_amount",
                          "full_cost_amount") if c in cols]
    assert len(layers) == 4, cols
    bad = con.execute(f"SELECT count(*) FROM marts.fct_discharge_costs WHERE NOT ("
                      f"{layers[0]} <= {layers[1]} + 0.01 AND {layers[1]} <= {layers[2]} + 0.01 "
                      f"AND {layers[2]} <= {layers[3]} + 0.01)").fetchone()[0]
    assert bad == 0


def test_no_patient_identifier_reaches_a_mart(pipeline):
    con = pipeline["con"]
    cols = {r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'marts'").fetchall()}
    forbidden = {"medical_record_no", "bah", "xm", "sfzh", "dh", "xzz", "hkdz", "jkkh", "lxrxm"}
    assert not cols & forbidden
    assert not any(c.endswith("_hash") for c in cols)


def test_front_page_quality_mart_counts_every_case(pipeline):
    con = pipeline["con"]
    n = con.execute("SELECT count(*) FROM front_page.discharges").fetchone()[0]
    cases, bad_fee = con.execute(
        "SELECT sum(cases), sum(cases * (1 - fee_accuracy_rate)) FROM marts.fct_front_page_quality_monthly"
    ).fetchone()
    assert cases == n
    fee_error_cases = con.execute(
        "SELECT count(DISTINCT discharge_id) FROM quality.qc_case_issues "
        "WHERE rule_id LIKE 'FEE-%' AND severity = 'E'").fetchone()[0]
    assert round(bad_fee) == fee_error_cases
    # the audited (正确率) indicators stay null until coders fill the audit sample
    assert con.execute("SELECT count(*) FROM marts.fct_front_page_quality_monthly "
                       "WHERE principal_dx_selection_rate IS NOT NULL").fetchone()[0] == 0
