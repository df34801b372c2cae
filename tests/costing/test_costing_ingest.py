"""Costing inputs: every landing row is loaded or quarantined with file, line, field, value and reason."""

import openpyxl

from casemix.costing.load import load_folder, parse_month
from costing_fixtures import (BAD_DRIVERS, BAD_LEDGER, BAD_MAPPING, DEPARTMENTS, DRIVERS, LEDGER, MAPPING, REVENUE,
                              write_landing)


def test_loaded_plus_quarantined_equals_read(query):
    stats = query("select table_name, rows_read, rows_loaded, rows_quarantined from costing.load_stats order by 1")
    assert stats == [
        ("allocation_drivers", len(DRIVERS) + 1, len(DRIVERS), 1),
        ("cost_ledger", len(LEDGER) + len(BAD_LEDGER), len(LEDGER), len(BAD_LEDGER)),
        ("departments", len(DEPARTMENTS), len(DEPARTMENTS), 0),
        ("dept_mapping", len(MAPPING) + 1, len(MAPPING), 1),
        ("dept_revenue", len(REVENUE), len(REVENUE), 0),
    ]
    assert query("select count(*) from costing.cost_ledger") == [(len(LEDGER),)]


def test_quarantine_reasons(query):
    rows = query("""select table_name, source_file, source_line, field, raw_value, reason from costing.quarantine
                    order by table_name, source_line""")
    n = len(LEDGER) + 1   # header is line 1
    assert rows == [
        ("allocation_drivers", "allocation_drivers.csv", len(DRIVERS) + 2, "quantity", "-1", "negative quantity"),
        ("cost_ledger", "cost_ledger.csv", n + 1, "cost_center_code", "ZZ", "unknown cost centre ZZ for hospital H1"),
        ("cost_ledger", "cost_ledger.csv", n + 2, "month", "2024-13", "cannot parse month as a month (YYYY-MM)"),
        ("cost_ledger", "cost_ledger.csv", n + 3, "cost_item", "salaries", "unknown cost_item 'salaries'"),
        ("cost_ledger", "cost_ledger.csv", n + 4, "amount", "abc", "cannot parse amount as a number"),
        ("cost_ledger", "cost_ledger.csv", n + 5, "amount", "1.005", "amount has more than 2 decimal places"),
        ("cost_ledger", "cost_ledger.csv", n + 6, "hospital_id,month,cost_center_code,cost_item,fund_source",
         "H1|2024-01-01|A1|personnel|own", "duplicate key (first at cost_ledger.csv line 2)"),
        ("dept_mapping", "dept_mapping.csv", len(MAPPING) + 2, "inpatient_cost_center_code", "M1",
         "M1 is medical_technical/none, not a clinical inpatient cost centre"),
    ]


def test_chinese_terms_are_coded(query):
    assert query("""select dept_class, care_setting from costing.departments where cost_center_code = 'C1'""") \
        == [("clinical", "inpatient")]
    assert query("""select cost_item, fund_source from costing.cost_ledger where cost_center_code = 'A2'""") \
        == [("personnel", "own")]


def test_xlsx_and_missing_column(tmp_path):
    folder = write_landing(tmp_path / "costing", with_bad_rows=False)
    (folder / "dept_revenue.csv").unlink()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["hospital_id", "month", "cost_center_code", "patient_type", "amount"])
    ws.append(["H1", "2024-01", "C1", "住院", 123.45])
    wb.save(folder / "dept_revenue_2024.xlsx")
    with (folder / "allocation_drivers_extra.csv").open("w", encoding="utf-8") as f:
        f.write("hospital_id,month,driver,target_cost_center_code\nH1,2024-02,headcount,C1\n")
    ld = load_folder(folder)
    assert ld.rows["dept_revenue"][0][:5] == ("H1", parse_month("2024-01"), "C1", "inpatient",
                                              __import__("decimal").Decimal("123.45"))
    assert [q[3:] for q in ld.quarantine] == [("quantity", None, "missing required column quantity")]
    extra = [s for s in ld.stats if s.source_file == "allocation_drivers_extra.csv"][0]
    assert (extra.rows_read, extra.rows_loaded, extra.rows_quarantined) == (1, 0, 1)


def test_revenue_share_driver_is_a_code():
    """收入比重 (revenue share, quantities from dept_revenue) is an accepted driver spelling."""
    from casemix.costing.tables import VOCAB

    assert VOCAB["driver"]["收入比重"] == "revenue_share" and VOCAB["driver"]["revenue_share"] == "revenue_share"
