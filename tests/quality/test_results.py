"""CMP-005 against a configured code table, persisted results (idempotent), structural failures, Data Docs."""

from __future__ import annotations

import copy
import datetime as dt

import pandas as pd
import pytest

from quality_fixtures import build_db, clean_case
from casemix.ingest.stage import create_discharges_view
from casemix.quality.codelists import CodeTable


def _table():
    dx = pd.DataFrame({"code": ["K35.800", "I10.x00", "E11.900"],
                       "name": ["急性阑尾炎", "高血压", "2型糖尿病"]})
    px = pd.DataFrame({"code": ["47.0900"], "name": ["阑尾切除术"]})
    return CodeTable("hand-1", dx, px)


def test_cmp005_checks_codes_and_names_against_the_configured_table(run):
    ok = clean_case(1)
    ok["px"][0]["SSJCZMC"] = "阑尾切除术"
    bad = copy.deepcopy(ok)
    bad["dx"][1] = ("高血压病", "I10.x00", "1")          # name differs from the table
    bad["dx"][2] = ("糖尿病", "E11.901", "1")            # code not in the table (its name is not compared)
    bad["px"][0]["SSJCZBM"] = "47.0901"                  # procedure code not in the table
    res = run([ok, bad], code_table=_table())
    got = {(r.discharge_id, r.rule_id, r.field, r.value) for r in res.issues.itertuples()}
    assert got == {("d0002", "CMP-005", "QTZD1", "高血压病"), ("d0002", "CMP-005", "JBDM2", "E11.901"),
                   ("d0002", "CMP-005", "SSJCZBM1", "47.0901")}
    s = res.summary.set_index("rule_id").loc["CMP-005"]
    assert (s["status"], s["applicable"], s["failed"]) == ("checked", 2, 1)
    assert set(res.issues["code_table_version"]) == {"hand-1"}


def test_write_results_replaces_exactly_the_months(run):
    march = clean_case(1)
    march["SJZYTS"] = 7                                   # DT-003
    april = clean_case(2)
    april.update(RYSJ="2024-04-01 08:00:00", CYSJ="2024-04-05 10:00:00", SJZYTS=9, NL=45)  # birthday 03-10
    april["px"][0]["SSJCZRQ"] = "2024-04-02"
    res = run([march, april])
    from casemix.quality.runner import write_results

    con = res.con
    write_results(con, res.months, res.issues, res.summary)
    write_results(con, res.months, res.issues, res.summary)            # idempotent
    assert con.execute("SELECT count(*) FROM quality.qc_case_issues").fetchone()[0] == 2
    n_rules = res.summary["rule_id"].nunique()
    assert con.execute("SELECT count(*) FROM quality.qc_rule_summary").fetchone()[0] == 2 * n_rules
    # re-run April alone with no findings: March stays, April's issue goes
    only_april = res.issues[res.issues.partition_month == pd.Timestamp("2024-04-01")].iloc[0:0]
    summ = res.summary[pd.to_datetime(res.summary.partition_month) == pd.Timestamp("2024-04-01")]
    write_results(con, [dt.date(2024, 4, 1)], only_april, summ)
    rows = con.execute("SELECT partition_month, rule_id, field, value FROM quality.qc_case_issues").fetchall()
    assert rows == [(dt.date(2024, 3, 1), "DT-003", "SJZYTS", "7")]
    with pytest.raises(ValueError, match="outside"):
        write_results(con, [dt.date(2024, 4, 1)], res.issues, res.summary)


def test_structural_failures_empty_partition_and_missing_column(run, ruleset):
    from casemix.quality.runner import check_partitions

    res = run([clean_case(1)], months=[dt.date(2024, 3, 1), dt.date(2024, 5, 1)])
    assert [s["check"] for s in res.structural] == ["empty_partition"]
    assert res.blocking and res.issues.empty
    con = build_db([clean_case(1)])
    create_discharges_view(con, exclude=("sjzyts",))  # a front page without SJZYTS
    res2 = check_partitions(con, None, ruleset, code_table=None)
    assert res2.blocking and "sjzyts" in res2.structural[0]["detail"]
    assert set(res2.summary["status"]) == {"not run"}


def test_data_docs_are_built_into_the_given_folder(run, tmp_path):
    from casemix.quality.runner import build_data_docs

    c = clean_case(1)
    c["SJZYTS"] = 7
    res = run([c, clean_case(2)])
    index = build_data_docs(res, tmp_path / "docs")
    assert index.name == "index.html" and index.exists()
    html = "".join(p.read_text(encoding="utf-8", errors="ignore") for p in (tmp_path / "docs").rglob("*.html"))
    assert "casemix_DT-003_discharges" in html and "casemix_SEX-002_diagnoses" in html
    again = build_data_docs(res, tmp_path / "docs")        # rebuilt from scratch, same place
    assert again == index


def test_month_chunks_group_whole_months_up_to_the_case_budget():
    from casemix.quality.runner import month_chunks

    jan, feb, mar, apr, may = (dt.date(2024, m, 1) for m in range(1, 6))
    counts = {jan: 100, feb: 100, mar: 300, may: 50}                 # April has no case
    months = [jan, feb, mar, apr, may]
    # budget 200: Jan+Feb = 200 fits; Mar (300) alone, over budget but never split; Apr (0) would bring
    # the Mar group to 300 > 200 so it starts a group, May: 0 + 50 ≤ 200 joins it
    assert month_chunks(counts, months, 200) == [[jan, feb], [mar], [apr, may]]
    assert month_chunks(counts, months, 0) == [[m] for m in months]
    assert month_chunks(counts, months, None) == [months]
    assert month_chunks(counts, [], 200) == []


def test_checking_month_by_month_gives_the_same_results_as_all_at_once(ruleset, gx_loaded):
    from casemix.quality.runner import check_partitions

    march = clean_case(1)
    march["SJZYTS"] = 7                                                      # DT-003 in March
    april = clean_case(2)
    april.update(RYSJ="2024-04-01 08:00:00", CYSJ="2024-04-05 10:00:00", SJZYTS=4, NL=45, XB="2")
    april["px"][0]["SSJCZRQ"] = "2024-04-02"
    april["dx"].append(("前列腺增生", "N40.x00", "1"))                       # SEX-001 in April
    may = clean_case(3)
    may.update(RYSJ="2024-05-01 08:00:00", CYSJ="2024-05-03 10:00:00", SJZYTS=2, NL=45)
    may["px"][0]["SSJCZRQ"] = "2024-05-02"
    con = build_db([march, april, may, clean_case(4)])
    one = check_partitions(con, None, ruleset, code_table=None, chunk_cases=None)
    each = check_partitions(con, None, ruleset, code_table=None, chunk_cases=0)
    two = check_partitions(con, None, ruleset, code_table=None, chunk_cases=2)   # March has 2 cases
    assert [len(g) for g in one.chunks] == [3] and [len(g) for g in each.chunks] == [1, 1, 1]
    assert [len(g) for g in two.chunks] == [1, 2]
    assert [(r.rule_id, r.field, r.value) for r in one.issues.itertuples()] == [
        ("DT-003", "SJZYTS", "7"), ("SEX-001", "JBDM3", "N40.x00")]
    for other in (each, two):
        pd.testing.assert_frame_equal(other.issues, one.issues)
        pd.testing.assert_frame_equal(other.summary, one.summary)
        assert other.months == one.months and other.structural == one.structural == []
    assert len(each.gx_results) == 3 * len(one.gx_results)                 # one Data Docs entry per group
