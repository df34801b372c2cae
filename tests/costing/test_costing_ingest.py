"""Costing inputs: every landing row is loaded or quarantined with file, line, field, value and reason."""

import datetime as dt
from decimal import Decimal

import duckdb
import openpyxl
import pytest

from casemix.costing.load import WHITESPACE, load_costing, load_folder
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
    assert ld.rows["dept_revenue"][0][:5] == ("H1", dt.date(2024, 1, 1), "C1", "inpatient", Decimal("123.45"))
    assert [q[3:] for q in ld.quarantine] == [("quantity", None, "missing required column quantity")]
    extra = [s for s in ld.stats if s.source_file == "allocation_drivers_extra.csv"][0]
    assert (extra.rows_read, extra.rows_loaded, extra.rows_quarantined) == (1, 0, 1)


def test_revenue_share_driver_is_a_code():
    """收入比重 (revenue share, quantities from dept_revenue) is an accepted driver spelling."""
    from casemix.costing.tables import VOCAB

    assert VOCAB["driver"]["收入比重"] == "revenue_share" and VOCAB["driver"]["revenue_share"] == "revenue_share"


def test_whitespace_is_what_str_strip_removes():
    assert set(WHITESPACE) == {chr(c) for c in range(0x110000) if chr(c).isspace()}


def _ledger_file(folder, name, rows, encoding="utf-8"):
    with (folder / name).open("w", encoding=encoding, newline="") as f:
        f.write("hospital_id,month,cost_center_code,cost_item,fund_source,amount\n")
        f.writelines(",".join(r) + "\n" for r in rows)


def test_month_number_and_code_spellings(tmp_path):
    """Each row by hand: what the loader reads (month, amount) or why it refuses it."""
    folder = write_landing(tmp_path / "costing", with_bad_rows=False)
    _ledger_file(folder, "cost_ledger_spellings.csv", [
        ("H1", "2024年2月", "C1", "personnel", "own", '"1,234.50"'),   # 2024-02-01, 1234.50
        ("H1", "2024/03/01", "C1", "personnel", "own", "1e2"),          # 2024-03-01, 100.00
        ("H1", "202404", "C1", "personnel", "own", "150e-2"),           # 2024-04-01, 1.50
        ("H1", "２０２４-０５", "C1", "personnel", "own", "１２.５"),     # full-width digits: 2024-05-01, 12.50
        ("\u3000H1 ", "2024.6", " C1", "Personnel", " 自有资金 ", " -3.10 "),  # trimmed: 2024-06-01, -3.10
        ("H1", "2024-07-15", "C1", "personnel", "own", "1"),            # a day that is not the 1st
        ("H1", "2024-00", "C1", "personnel", "own", "1"),               # month 0
        ("H1", "2024-08", "C1", "personnel", "own", "150e-4"),          # 0.015
        ("H1", "2024-08", "C1", "drugs", "own", "NaN"),
        ("H1", "2024-08", "C1", "depreciation", "own", " 1.001 "),     # raw value kept untrimmed
        ("H1", "2024-08", "C1", "clİnical", "own", "1"),               # dotted capital I: not a code
        ("H1", "2024-08", "C1", "amortization", "own", "1.000"),       # 1.00
    ])
    ld = load_folder(folder)
    got = [r[:6] for r in ld.rows["cost_ledger"] if r[-2] == "cost_ledger_spellings.csv"]
    assert got == [
        ("H1", dt.date(2024, 2, 1), "C1", "personnel", "own", Decimal("1234.50")),
        ("H1", dt.date(2024, 3, 1), "C1", "personnel", "own", Decimal("100.00")),
        ("H1", dt.date(2024, 4, 1), "C1", "personnel", "own", Decimal("1.50")),
        ("H1", dt.date(2024, 5, 1), "C1", "personnel", "own", Decimal("12.50")),
        ("H1", dt.date(2024, 6, 1), "C1", "personnel", "own", Decimal("-3.10")),
        ("H1", dt.date(2024, 8, 1), "C1", "amortization", "own", Decimal("1.00")),
    ]
    assert [q[2:] for q in ld.quarantine if q[1] == "cost_ledger_spellings.csv"] == [
        (7, "month", "2024-07-15", "cannot parse month as a month (YYYY-MM)"),
        (8, "month", "2024-00", "cannot parse month as a month (YYYY-MM)"),
        (9, "amount", "150e-4", "amount has more than 2 decimal places"),
        (10, "amount", "NaN", "cannot parse amount as a number"),
        (11, "amount", " 1.001 ", "amount has more than 2 decimal places"),
        (12, "cost_item", "clİnical", "unknown cost_item 'clİnical'"),
    ]


def test_quantities_duplicates_across_files_and_gb18030(tmp_path):
    folder = write_landing(tmp_path / "costing", with_bad_rows=False)
    with (folder / "allocation_drivers_2.csv").open("w", encoding="utf-8") as f:
        f.write("hospital_id,month,driver,source_cost_center_code,target_cost_center_code,quantity\n"
                "H1,2024-02,headcount,,C1,-0\n"            # -0 is not negative: loaded as 0
                "H1,2024-02,人员数,,C2,-1e-400\n"          # negative however small
                "H1,2024-02,headcount,, C2 ,1.25\n"        # loaded (the row above failed)
                "H1,2024-02,headcount,,C2,3\n"             # same key as the row above
                "H1,2024-01,headcount,,C1,7\n"             # same key as allocation_drivers.csv line 6
                "H1,2024-02,floor_area,YY,C1,1\n")         # unknown source centre
    _ledger_file(folder, "cost_ledger_gb.csv", [("H1", "2024年3月", "C1", "人员经费", "财政项目拨款", "8.00")],
                 encoding="gb18030")
    ld = load_folder(folder)
    got = [(r[2], r[4], r[5], r[-1]) for r in ld.rows["allocation_drivers"] if r[-2] == "allocation_drivers_2.csv"]
    assert got == [("headcount", "C1", 0.0, 2), ("headcount", "C2", 1.25, 4)]
    key = "hospital_id,month,driver,source_cost_center_code,target_cost_center_code"
    assert [q[2:] for q in ld.quarantine if q[1] == "allocation_drivers_2.csv"] == [
        (3, "quantity", "-1e-400", "negative quantity"),
        (5, key, "H1|2024-02-01|headcount||C2", "duplicate key (first at allocation_drivers_2.csv line 4)"),
        (6, key, "H1|2024-01-01|headcount||C1", "duplicate key (first at allocation_drivers.csv line 6)"),
        (7, "source_cost_center_code", "YY", "unknown cost centre YY for hospital H1"),
    ]
    assert [r[:6] for r in ld.rows["cost_ledger"] if r[-2] == "cost_ledger_gb.csv"] == [
        ("H1", dt.date(2024, 3, 1), "C1", "personnel", "fiscal_project", Decimal("8.00"))]


def test_an_amount_too_large_stops_the_load_and_keeps_the_tables(tmp_path):
    folder = write_landing(tmp_path / "costing", with_bad_rows=False)
    con = duckdb.connect()
    load_costing(con, folder)
    before = con.execute("SELECT count(*) FROM costing.cost_ledger").fetchone()
    _ledger_file(folder, "cost_ledger_big.csv", [("H1", "2024-02", "C1", "personnel", "own", "1e17")])
    with pytest.raises(ValueError, match="does not fit DECIMAL"):
        load_costing(con, folder)
    assert con.execute("SELECT count(*) FROM costing.cost_ledger").fetchone() == before == (len(LEDGER),)
    assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '_costing_load%'").fetchone() \
        == (0,)
