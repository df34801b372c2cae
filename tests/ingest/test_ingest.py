"""The ingest parser on small hand-written extracts: encodings, header layouts, bad values, missing
columns, re-sent cases, and the invariant rows read = rows loaded + rows quarantined."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import duckdb
import pytest

from casemix.ingest.stage import (UNIQUE_HASHES, ensure_schema, fixed_columns, insert_discharges, insert_slots,
                                   publish_month, stage_file, staged_months)
from casemix.layout import load_column_map
from casemix.pseudonymise import discharge_id, hmac_hex, patient_id

KEY = b"test-key-0123456789"
MAR = dt.date(2024, 3, 1)

PINYIN = ("ZZJGDM,BAH,ZYCS,XM,SFZH,XB,CSRQ,NL,BZYZS_NL,RYSJ,CYSJ,SJZYTS,JBDM,ZYZD,RYBQ,"
          "QTZD1,JBDM1,RYBQ1,QTZD2,JBDM2,RYBQ2,SSJCZBM1,SSJCZRQ1,SSJCZMC1,ZFY,XYF")
CHINESE = ("组织机构代码,病案号,住院次数,姓名,身份证号,性别,出生日期,年龄,年龄不足1周岁的年龄,入院时间,出院时间,"
           "实际住院天数,主要诊断编码,主要诊断,主要诊断入院病情,其他诊断1,其他诊断编码1,其他诊断入院病情1,"
           "其他诊断2,其他诊断编码2,其他诊断入院病情2,手术及操作编码1,手术及操作日期1,手术及操作名称1,住院总费用,西药费")
H = "123456789012345678"
ROWS = [
    # good: 2 other dx, 1 procedure
    f"{H},B001,1,张三,110101198001011234,1,1980-01-01,44,,2024-03-01 08:00:00,2024-03-05 10:00:00,4,"
    "I21.000,急性心肌梗死,1,2型糖尿病,E11.900,1,高血压,I10.x00,1,36.0600,2024-03-02,冠脉支架,12000.50,3000",
    # newborn age in days written as 15/30; no procedures
    f"{H},B002,1,李四,,2,2024-02-15,0,15/30,2024-03-01 08:00:00,2024-03-03 10:00:00,2,"
    "P07.300,早产,1,,,,,,,,,,5000,800.5",
    # bad admission date
    f"{H},B003,1,王五,,1,1990-05-05,33,,2024-02-30 08:00:00,2024-03-04 10:00:00,3,"
    "K35.800,阑尾炎,1,,,,,,,47.0900,2024-03-02,阑尾切除,8000,100",
    # non-numeric fee
    f"{H},B004,1,赵六,,2,1970-07-07,53,,2024-03-01 08:00:00,2024-03-02 10:00:00,1,"
    "J18.900,肺炎,1,,,,,,,,,,9000,abc",
]


def _write(path: Path, header: str, rows: list[str], encoding: str = "utf-8") -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding=encoding)
    return path


def _stage_and_publish(con, path, **kw):
    res = stage_file(con, path, KEY, first_month=dt.date(2022, 1, 1), today=dt.date(2026, 11, 1), **kw)
    stats = [publish_month(con, m) for m in staged_months(con)]
    return res, stats


@pytest.fixture
def con():
    c = duckdb.connect()
    ensure_schema(c)
    yield c
    c.close()


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "utf-8-sig"])
@pytest.mark.parametrize("header", [PINYIN, CHINESE], ids=["pinyin", "chinese"])
def test_parse_loads_good_rows_and_quarantines_bad_ones(con, tmp_path, encoding, header):
    path = _write(tmp_path / "h1_202403.csv", header, ROWS, encoding)
    res, stats = _stage_and_publish(con, path)
    assert res.status == "staged"
    assert res.encoding == encoding
    assert (res.rows_read, res.rows_staged, res.rows_quarantined) == (4, 2, 2)
    [mar] = stats
    assert (mar.month, mar.rows_read, mar.rows_loaded, mar.rows_quarantined) == ("2024-03", 4, 2, 2)
    assert mar.rows_read == mar.rows_loaded + mar.rows_quarantined

    q = con.execute("SELECT source_line, field, raw_value, reason FROM front_page.quarantine "
                    "ORDER BY source_line").fetchall()
    assert q == [
        (4, "RYSJ", "2024-02-30 08:00:00", "cannot parse RYSJ as a date-time"),
        (5, "XYF", "abc", "cannot parse XYF as a number"),
    ]
    d = {r[0]: r for r in con.execute(
        "SELECT discharge_id, patient_id, source_line, nl, bzyzs_nl, zfy, xyf, xm_hash, sfzh_hash, "
        "rysj, cysj FROM front_page.discharges").fetchall()}
    id1 = discharge_id(KEY, H, "B001", 1)
    id2 = discharge_id(KEY, H, "B002", 1)
    assert set(d) == {id1, id2}
    assert d[id1][1] == patient_id(KEY, H, "B001")
    assert d[id1][2] == 2 and d[id2][2] == 3                  # line numbers (header = line 1)
    assert d[id1][3] == 44 and d[id1][4] is None
    assert d[id2][3] == 0 and d[id2][4] == 15                  # "15/30" = 15 days
    assert str(d[id1][5]) == "12000.50" and str(d[id2][6]) == "800.50"
    assert d[id1][7] == hmac_hex(KEY, "张三")                  # keyed hash, same in SQL and Python
    assert d[id1][8] == hmac_hex(KEY, "110101198001011234") and d[id2][8] is None
    assert d[id1][9] == dt.datetime(2024, 3, 1, 8) and d[id1][10] == dt.datetime(2024, 3, 5, 10)

    dx = con.execute("SELECT discharge_id, dx_seq, jbdm, qtzd, rybq FROM front_page.diagnoses "
                     "ORDER BY discharge_id = ?, dx_seq", [id2]).fetchall()
    assert dx == [(id1, 0, "I21.000", "急性心肌梗死", "1"), (id1, 1, "E11.900", "2型糖尿病", "1"),
                  (id1, 2, "I10.x00", "高血压", "1"), (id2, 0, "P07.300", "早产", "1")]
    px = con.execute("SELECT discharge_id, px_seq, ssjczbm, ssjczrq, ssjczmc FROM front_page.procedures"
                     ).fetchall()
    assert px == [(id1, 1, "36.0600", dt.date(2024, 3, 2), "冠脉支架")]


def test_patient_identifiers_never_stored_in_clear(con, tmp_path):
    path = _write(tmp_path / "h1_202403.csv", PINYIN, ROWS)
    _stage_and_publish(con, path)
    cols = [r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'front_page' "
        "AND table_name = 'discharges'").fetchall()]
    for ident in ("xm", "sfzh", "dh", "xzz", "hkdz", "jkkh", "lxrxm", "dz", "dh1"):
        assert ident not in cols and f"{ident}_hash" in cols
    dump = con.execute("SELECT * FROM front_page.discharges").fetchall()
    assert "张三" not in str(dump) and "110101198001011234" not in str(dump)


def test_missing_required_column_rejects_the_file_naming_it(con, tmp_path):
    header = PINYIN.replace("BAH,", "")
    rows = [",".join(r.split(",")[:1] + r.split(",")[2:]) for r in ROWS]
    path = _write(tmp_path / "h2_202403.csv", header, rows)
    res, stats = _stage_and_publish(con, path)
    assert res.status == "rejected"
    assert "h2_202403.csv" in res.message and "BAH" in res.message
    assert (res.rows_read, res.rows_staged, res.rows_quarantined) == (4, 0, 4)
    [mar] = stats
    assert (mar.rows_read, mar.rows_loaded, mar.rows_quarantined) == (4, 0, 4)
    reasons = con.execute("SELECT DISTINCT field, reason FROM front_page.quarantine").fetchall()
    assert reasons == [("BAH", "missing required column: BAH")]


def test_malformed_record_is_quarantined_with_its_line(con, tmp_path):
    rows = [ROWS[0], "1,2,3", ROWS[1]]
    path = _write(tmp_path / "h3_202403.csv", PINYIN, rows)
    res, _ = _stage_and_publish(con, path)
    assert (res.rows_read, res.rows_staged, res.rows_quarantined) == (3, 2, 1)
    q = con.execute("SELECT source_line, field, reason FROM front_page.quarantine").fetchall()
    assert q == [(3, "*", "wrong number of fields: 3 instead of 26")]
    lines = sorted(r[0] for r in con.execute("SELECT source_line FROM front_page.discharges").fetchall())
    assert lines == [2, 4]


def test_staging_in_several_statements_gives_the_same_rows(con, tmp_path, monkeypatch):
    # the malformed line 4 sends the file to the exact parser, here in batches of 1 record, and
    # statements take 2 records: lines 2-3, then 5-6 (line 4 is quarantined apart); loaded lines 2, 3,
    # 5; quarantined 4 (wrong number of fields) and 6 (RYSJ 2024-02-30), as in one statement
    import casemix.ingest.reader as reader
    import casemix.ingest.stage as stage

    monkeypatch.setattr(reader, "BATCH_ROWS", 1)
    monkeypatch.setattr(stage, "STAGE_CHUNK_ROWS", 2)
    rows = [ROWS[0], ROWS[1].replace("B002", "B005"), "1,2,3", ROWS[1], ROWS[2]]
    path = _write(tmp_path / "h3_202403.csv", PINYIN, rows)
    res, _ = _stage_and_publish(con, path)
    assert (res.rows_read, res.rows_staged, res.rows_quarantined) == (5, 3, 2)
    assert sorted(r[0] for r in con.execute("SELECT source_line FROM front_page.discharges").fetchall()) \
        == [2, 3, 5]
    assert con.execute("SELECT source_line, field FROM front_page.quarantine ORDER BY 1").fetchall() == [
        (4, "*"), (6, "RYSJ")]


def test_resent_case_replaces_the_earlier_one_and_is_logged(con, tmp_path):
    first = _write(tmp_path / "h1_202403_a.csv", PINYIN, ROWS[:2])
    resent = ROWS[0].replace("12000.50,3000", "12500.00,3000")
    second = _write(tmp_path / "h1_202403_b.csv", PINYIN, [resent])
    os.utime(first, (1_700_000_000, 1_700_000_000))
    os.utime(second, (1_700_000_100, 1_700_000_100))
    stage_file(con, first, KEY, source_name=first.name)
    stage_file(con, second, KEY, source_name=second.name)
    [mar] = [publish_month(con, m) for m in staged_months(con)]
    assert (mar.rows_read, mar.rows_loaded, mar.rows_quarantined, mar.rows_superseded) == (3, 2, 1, 1)
    id1 = discharge_id(KEY, H, "B001", 1)
    assert con.execute("SELECT zfy, source_file FROM front_page.discharges WHERE discharge_id = ?",
                       [id1]).fetchone() == (pytest.approx(12500), "h1_202403_b.csv")
    assert con.execute("SELECT kept_file, kept_line, replaced_file, replaced_line "
                       "FROM front_page.replacements").fetchall() == [
        ("h1_202403_b.csv", 2, "h1_202403_a.csv", 2)]
    assert con.execute("SELECT reason FROM front_page.quarantine").fetchone()[0] == \
        "superseded by h1_202403_b.csv:2"


def test_row_goes_to_the_month_it_belongs_to_or_is_quarantined(con, tmp_path):
    april = ROWS[1].replace("2024-03-03 10:00:00", "2024-04-01 09:00:00")
    path = _write(tmp_path / "h1_202403.csv", PINYIN, [ROWS[0], april])
    res, stats = _stage_and_publish(con, path)
    assert res.months == ["2024-03", "2024-04"]
    assert [(s.month, s.rows_loaded) for s in stats] == [("2024-03", 1), ("2024-04", 1)]

    con2 = duckdb.connect()
    ensure_schema(con2)
    res = stage_file(con2, path, KEY, out_of_partition="quarantine", today=dt.date(2026, 11, 1))
    stats = [publish_month(con2, m) for m in staged_months(con2)]
    assert [(s.month, s.rows_read, s.rows_loaded, s.rows_quarantined) for s in stats] == [
        ("2024-03", 2, 1, 1)]
    assert con2.execute("SELECT field, reason FROM front_page.quarantine").fetchone() == (
        "CYSJ", "out of partition: discharged in 2024-04, file is for 2024-03")


def test_republishing_a_month_is_idempotent_and_touches_only_that_month(con, tmp_path):
    april = ROWS[1].replace("2024-03-03 10:00:00", "2024-04-01 09:00:00")
    path = _write(tmp_path / "h1_202403.csv", PINYIN, ROWS + [april])
    _stage_and_publish(con, path)
    snap = {t: sorted(con.execute(f"SELECT * FROM front_page.{t}").fetchall(), key=str)
            for t in ("discharges", "diagnoses", "procedures", "quarantine", "partition_stats")}
    publish_month(con, MAR)
    publish_month(con, MAR)
    # staging the same file again is a no-op (same content hash)
    assert stage_file(con, path, KEY).status == "unchanged"
    for t, rows in snap.items():
        assert sorted(con.execute(f"SELECT * FROM front_page.{t}").fetchall(), key=str) == rows, t


def test_a_changed_file_keeps_its_published_rows_until_their_month_is_published_again(con, tmp_path):
    """front_page.discharges is a view of the published stage rows: re-staging a changed file must not
    change a month that is not published again (as for the other published tables)."""
    april = ROWS[1].replace("2024-03-03 10:00:00", "2024-04-01 09:00:00")
    path = _write(tmp_path / "h1_202403.csv", PINYIN, [ROWS[0], april])
    _stage_and_publish(con, path)
    fees = "SELECT partition_month, zfy FROM front_page.discharges ORDER BY 1"
    assert [(m.month, float(z)) for m, z in con.execute(fees).fetchall()] == [(3, 12000.5), (4, 5000.0)]
    _write(path, PINYIN, [ROWS[0].replace("12000.50,3000", "12600.00,3000"), april.replace(",5000,", ",5100,")])
    assert stage_file(con, path, KEY, today=dt.date(2026, 11, 1)).status == "staged"
    # staged, not yet published: both months as before
    assert [float(z) for _, z in con.execute(fees).fetchall()] == [12000.5, 5000.0]
    publish_month(con, MAR)
    assert [float(z) for _, z in con.execute(fees).fetchall()] == [12600.0, 5000.0]
    assert con.execute("SELECT count(*), min(partition_month) FROM front_page_stage.retired_rows").fetchone() \
        == (1, dt.date(2024, 4, 1))
    apr = publish_month(con, dt.date(2024, 4, 1))
    assert [float(z) for _, z in con.execute(fees).fetchall()] == [12600.0, 5100.0]
    assert (apr.rows_read, apr.rows_loaded, apr.rows_quarantined) == (1, 1, 0)
    assert con.execute("SELECT count(*) FROM front_page_stage.retired_rows").fetchone()[0] == 0


def test_a_warehouse_whose_published_discharges_are_a_table_gets_the_view(con, tmp_path):
    """The layout before front_page.discharges became a view: the table's rows are kept exactly (the stage
    rows get their published flag; a published row whose file changed since is kept as a retired row)."""
    april = ROWS[1].replace("2024-03-03 10:00:00", "2024-04-01 09:00:00")
    _stage_and_publish(con, _write(tmp_path / "h1_202403.csv", PINYIN, ROWS + [april]))
    before = sorted(con.execute("SELECT * FROM front_page.discharges").fetchall(), key=str)
    assert len(before) == 3
    # back to the earlier layout: a table, a stage without the flag, one published record's stage row gone
    con.execute("CREATE TABLE front_page.discharges_t AS SELECT * FROM front_page.discharges")
    con.execute("DROP VIEW front_page.discharges")
    con.execute("ALTER TABLE front_page.discharges_t RENAME TO discharges")
    con.execute("DROP TABLE front_page_stage.retired_rows")
    con.execute("ALTER TABLE front_page_stage.rows DROP COLUMN published")
    con.execute("ALTER TABLE front_page_stage.rows DROP COLUMN column_map_version")
    con.execute("DELETE FROM front_page_stage.rows WHERE partition_month = DATE '2024-04-01'")
    ensure_schema(con)
    assert con.execute("SELECT table_type FROM information_schema.tables WHERE table_schema = 'front_page' "
                       "AND table_name = 'discharges'").fetchone()[0] == "VIEW"
    assert sorted(con.execute("SELECT * FROM front_page.discharges").fetchall(), key=str) == before
    assert con.execute("SELECT count(*) FROM front_page_stage.retired_rows").fetchone()[0] == 1
    assert con.execute("SELECT count(*) FROM front_page_stage.rows WHERE published").fetchone()[0] == 2
    # republishing March changes nothing
    publish_month(con, MAR)
    assert sorted(con.execute("SELECT * FROM front_page.discharges").fetchall(), key=str) == before


def test_a_warehouse_whose_diagnoses_and_procedures_are_tables_gets_the_views(con, tmp_path):
    """The layout before front_page.diagnoses / procedures became views of the stage lists (and, as in the
    test above, before discharges became one): their rows are kept exactly, a published record whose stage
    row is gone (a retired row from the discharges table, without lists) gets its lists from the tables."""
    april = ROWS[1].replace("2024-03-03 10:00:00", "2024-04-01 09:00:00")
    _stage_and_publish(con, _write(tmp_path / "h1_202403.csv", PINYIN, ROWS + [april]))
    tables = ("discharges", "diagnoses", "procedures")
    before = {t: sorted(con.execute(f"SELECT * FROM front_page.{t}").fetchall(), key=str) for t in tables}
    assert [len(before[t]) for t in tables] == [3, 5, 1]
    for t in tables:
        con.execute(f"CREATE TABLE front_page.{t}_t AS SELECT * FROM front_page.{t}")
        con.execute(f"DROP VIEW front_page.{t}")
        con.execute(f"ALTER TABLE front_page.{t}_t RENAME TO {t}")
    con.execute("DROP TABLE front_page_stage.retired_rows")
    con.execute("ALTER TABLE front_page_stage.rows DROP COLUMN published")
    con.execute("ALTER TABLE front_page_stage.rows DROP COLUMN column_map_version")
    con.execute("DELETE FROM front_page_stage.rows WHERE partition_month = DATE '2024-04-01'")
    ensure_schema(con)
    for t in tables:
        assert con.execute("SELECT table_type FROM information_schema.tables WHERE table_schema = "
                           "'front_page' AND table_name = ?", [t]).fetchone()[0] == "VIEW"
        assert sorted(con.execute(f"SELECT * FROM front_page.{t}").fetchall(), key=str) == before[t], t
    # the April record lives on as a retired row, with the one diagnosis the table had for it (and no
    # procedure list: it had none)
    assert con.execute("SELECT len(dx), len(px) FROM front_page_stage.retired_rows").fetchall() == [(1, None)]
    publish_month(con, MAR)
    for t in tables:
        assert sorted(con.execute(f"SELECT * FROM front_page.{t}").fetchall(), key=str) == before[t], t


def test_slot_views_show_only_published_rows_and_insert_slots_writes_their_lists(con):
    insert_discharges(con, ["discharge_id", "partition_month", "jbdm"],
                      "VALUES ('a', DATE '2024-03-01', 'I10'), ('b', DATE '2024-03-01', 'J18.9')")
    con.execute("INSERT INTO front_page_stage.rows (discharge_id, partition_month, ok, published, dx) "
                "VALUES ('c', DATE '2024-03-01', true, false, [{'dx_seq': 0, 'qtzd': NULL, 'jbdm': 'K35', "
                "'rybq': NULL}])")
    insert_slots(con, "diagnoses", ["discharge_id", "dx_seq", "jbdm", "rybq"],
                 "VALUES ('a', 1, 'E11.9', '1'), ('a', 0, 'I10', '1'), ('b', 0, 'J18.9', NULL)")
    insert_slots(con, "procedures", ["discharge_id", "px_seq", "ssjczbm", "ssjczrq"],
                 "VALUES ('b', 1, '96.0400', DATE '2024-03-02')")
    assert con.execute("SELECT discharge_id, partition_month, dx_seq, qtzd, jbdm, rybq "
                       "FROM front_page.diagnoses ORDER BY 1, 3").fetchall() == [
        ("a", MAR, 0, None, "I10", "1"), ("a", MAR, 1, None, "E11.9", "1"), ("b", MAR, 0, None, "J18.9", None)]
    assert con.execute("SELECT discharge_id, px_seq, ssjczbm, ssjczrq, mzfs FROM front_page.procedures"
                       ).fetchall() == [("b", 1, "96.0400", dt.date(2024, 3, 2), None)]
    # a month's filter reaches the stage through the views
    assert con.execute("SELECT count(*) FROM front_page.diagnoses WHERE partition_month = DATE '2024-04-01'"
                       ).fetchone()[0] == 0


def test_xlsx_extract(con, tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(CHINESE.split(","))
    for r in ROWS[:2]:
        vals = r.split(",")
        ws.append([int(v) if v.isdigit() and len(v) < 6 else v for v in vals])
    path = tmp_path / "h1_202403.xlsx"
    wb.save(path)
    res, [mar] = _stage_and_publish(con, path)
    assert res.encoding == "xlsx"
    assert (mar.rows_read, mar.rows_loaded, mar.rows_quarantined) == (2, 2, 0)
    assert sorted(r[0] for r in con.execute("SELECT nl FROM front_page.discharges").fetchall()) == [0, 44]


def test_identifier_equal_to_another_of_the_record_gets_the_same_keyed_hash(con, tmp_path):
    # 现住址 = 户口地址 = 联系人地址 and 电话 = 单位电话 reuse one hash; a different 户口地址 is hashed
    # on its own: every hash is still hex HMAC-SHA256(KEY, its own value), as in Python
    header = PINYIN.replace("SFZH,", "SFZH,XZZ,HKDZ,DZ,DH,DWDH,")
    addr, other, phone = "江苏省南京市鼓楼区东风路269号", "江苏省苏州市姑苏区人民路1号", "15196056861"
    rows = [ROWS[0].replace("110101198001011234,", f"110101198001011234,{addr},{addr},{addr},{phone},{phone},"),
            ROWS[1].replace("李四,,", f"李四,,{addr},{other},-,{phone},,")]
    path = _write(tmp_path / "h1_202403.csv", header, rows)
    _stage_and_publish(con, path)
    got = con.execute("SELECT source_line, xzz_hash, hkdz_hash, dz_hash, dh_hash, dwdh_hash "
                      "FROM front_page.discharges ORDER BY source_line").fetchall()
    a, o, p = hmac_hex(KEY, addr), hmac_hex(KEY, other), hmac_hex(KEY, phone)
    assert got == [(2, a, a, a, p, p), (3, a, o, None, p, None)]   # '-' and empty are not hashed


def test_identifier_hashes_are_stored_as_bytes_and_shown_as_hex(con, tmp_path):
    """The stage keeps the HMAC's 32 bytes (BLOB); front_page.discharges shows its 64 lower-case hex
    digits; insert_discharges takes the hex digits and stores the bytes."""
    from casemix.ingest.stage import insert_discharges

    _stage_and_publish(con, _write(tmp_path / "h1_202403.csv", PINYIN, ROWS[:1]))
    assert con.execute("SELECT typeof(xm_hash), octet_length(xm_hash) FROM front_page_stage.rows"
                       ).fetchone() == ("BLOB", 32)
    assert con.execute("SELECT typeof(xm_hash), xm_hash, gzdwjdz_hash FROM front_page.discharges"
                       ).fetchone() == ("VARCHAR", hmac_hex(KEY, "张三"), None)
    insert_discharges(con, ["discharge_id", "xm_hash"], "VALUES ('d2', ?)", [hmac_hex(KEY, "李四")])
    assert con.execute("SELECT xm_hash FROM front_page.discharges WHERE discharge_id = 'd2'"
                       ).fetchone()[0] == hmac_hex(KEY, "李四")


def test_a_stage_whose_hashes_are_hex_text_gets_them_as_bytes(tmp_path):
    """A warehouse staged when the hashes were VARCHAR (hex digits, in rows and retired_rows, the view
    reading them as they are): ensure_schema turns them into bytes and the view shows the same text."""
    from casemix.ingest.stage import hash_columns

    c = duckdb.connect(str(tmp_path / "w.duckdb"))
    ensure_schema(c)
    path = _write(tmp_path / "h1_202403.csv", PINYIN, ROWS)
    _stage_and_publish(c, path)
    _write(path, PINYIN, ROWS[:2])   # staged again: its published rows move to retired_rows
    os.utime(path, (1, 1))
    stage_file(c, path, KEY, first_month=dt.date(2022, 1, 1), today=dt.date(2026, 11, 1))
    assert c.execute("SELECT count(*) FROM front_page_stage.retired_rows").fetchone()[0] > 0
    before = c.execute("SELECT * FROM front_page.discharges ORDER BY ALL").fetchall()
    for t in ("rows", "retired_rows"):   # the earlier layout
        for h in hash_columns():
            c.execute(f"ALTER TABLE front_page_stage.{t} ALTER COLUMN {h} SET DATA TYPE VARCHAR "
                      f"USING lower(hex({h}))")
    c.execute("CREATE OR REPLACE VIEW front_page.discharges AS SELECT * EXCLUDE (ok, published) "
              "FROM front_page_stage.rows WHERE false")   # a view reading the columns as they are
    c.close()
    c = duckdb.connect(str(tmp_path / "w.duckdb"))
    ensure_schema(c)
    types = c.execute("SELECT DISTINCT data_type FROM information_schema.columns WHERE table_schema = "
                      "'front_page_stage' AND column_name IN (SELECT unnest(?))", [hash_columns()]).fetchall()
    assert types == [("BLOB",)]
    assert c.execute("SELECT * FROM front_page.discharges ORDER BY ALL").fetchall() == before
    c.close()


def test_file_utf8_at_its_head_but_not_further_on_is_staged_as_gb18030(con, tmp_path, monkeypatch):
    # only the first HEAD_BYTES are decoded up front; the parser finds the GB18030 bytes further on,
    # the staging is rolled back and the whole file decides: GB18030, every row loaded
    import casemix.ingest.reader as reader

    monkeypatch.setattr(reader, "HEAD_BYTES", 64)
    ascii_row = "".join(ch if ch.isascii() else "x" for ch in ROWS[0])
    # 100 ASCII records (B100..B199, more than one read buffer), then one record in GB18030
    head = "\n".join([PINYIN, *(ascii_row.replace("B001", f"B{i}") for i in range(100, 200))]) + "\n"
    tail = ROWS[0].replace("B001", "B009") + "\n"
    path = tmp_path / "h1_202403.csv"
    path.write_bytes(head.encode("ascii") + tail.encode("gb18030"))
    res, [mar] = _stage_and_publish(con, path)
    assert (res.status, res.encoding) == ("staged", "gb18030")
    assert (mar.rows_read, mar.rows_loaded, mar.rows_quarantined) == (101, 101, 0)
    id9 = discharge_id(KEY, H, "B009", 1)
    assert con.execute("SELECT xm_hash FROM front_page.discharges WHERE discharge_id = ?",
                       [id9]).fetchone()[0] == hmac_hex(KEY, "张三")


def test_ingest_writes_under_its_own_memory_limit_and_restores_the_connection(monkeypatch):
    """While ingest writes, DuckDB's memory limit is CASEMIX_INGEST_MEMORY_LIMIT; afterwards the
    connection has the configured limit again ('' keeps the configured limit throughout)."""
    from casemix.ingest.stage import _ingest_writes

    def limit(c) -> str:
        return c.execute("SELECT current_setting('memory_limit')").fetchone()[0]

    monkeypatch.setenv("CASEMIX_DUCKDB_MEMORY_LIMIT", "3GB")
    monkeypatch.setenv("CASEMIX_INGEST_MEMORY_LIMIT", "512MB")
    c = duckdb.connect()
    c.execute("SET memory_limit = '3GB'")
    configured = limit(c)
    with _ingest_writes(c):
        assert limit(c) == "488.2 MiB"          # 512 MB as DuckDB prints it
    assert limit(c) == configured
    monkeypatch.setenv("CASEMIX_INGEST_MEMORY_LIMIT", "")
    with _ingest_writes(c):
        assert limit(c) == configured
    c.close()


def test_ingest_settings_are_added_to_the_connections_and_set_back(tmp_path, monkeypatch):
    """FSST is off while ingest writes, and the common-subexpression optimizer while a small file's
    staging statements run (not a large one's), on top of what the connection already disables;
    afterwards the connection's own values come back exactly."""
    import casemix.ingest.stage as stage

    def setting(c, k: str) -> set[str]:
        # DuckDB prints the compression methods in capitals
        return {m.lower() for m in c.execute(f"SELECT current_setting('{k}')").fetchone()[0].split(",") if m}

    c = duckdb.connect()
    c.execute("SET disabled_optimizers = 'filter_pushdown'")
    c.execute("SET disabled_compression_methods = 'rle'")
    with stage._ingest_writes(c):
        assert setting(c, "disabled_compression_methods") == {"rle", "fsst"}
        assert setting(c, "disabled_optimizers") == {"filter_pushdown"}
    assert setting(c, "disabled_compression_methods") == {"rle"}
    path = _write(tmp_path / "h1_202403.csv", PINYIN, ROWS)           # ≈ 700 bytes
    with stage._planning(c, path):
        assert setting(c, "disabled_optimizers") == {"filter_pushdown", "common_subexpressions"}
    assert setting(c, "disabled_optimizers") == {"filter_pushdown"}
    monkeypatch.setattr(stage, "SMALL_FILE_BYTES", 100)
    with stage._planning(c, path):
        assert setting(c, "disabled_optimizers") == {"filter_pushdown"}
    c.close()


def test_the_hashes_declared_uncompressed_are_identifier_columns_of_the_map(tmp_path):
    """stage.UNIQUE_HASHES names columns of the column map (a renamed identifier would silently lose the
    setting), and a file warehouse's stage table takes the option."""
    names = {n for _, n, _ in fixed_columns(load_column_map()) if n.endswith("_hash")}
    assert set(UNIQUE_HASHES) <= names
    assert names - set(UNIQUE_HASHES) == {"gzdwjdz_hash"}   # the work address repeats: left to DuckDB
    c = duckdb.connect(str(tmp_path / "w.duckdb"))
    ensure_schema(c)
    # three distinct values, which DuckDB would store as a dictionary (gzdwjdz_hash shows it does)
    c.execute("INSERT INTO front_page_stage.rows (discharge_id, xm_hash, gzdwjdz_hash) "
              "SELECT sha256((range % 3)::varchar), from_hex(sha256((range % 3)::varchar)), "
              "from_hex(sha256((range % 3)::varchar)) FROM range(3000)")
    c.execute("CHECKPOINT")
    got = dict(c.execute("SELECT column_name, any_value(compression) "
                         "FROM pragma_storage_info('front_page_stage.rows') "
                         "WHERE column_name IN ('discharge_id', 'xm_hash', 'gzdwjdz_hash') "
                         "AND segment_type IN ('VARCHAR', 'BLOB') "
                         "GROUP BY 1").fetchall())
    c.close()
    assert got == {"discharge_id": "Uncompressed", "xm_hash": "Uncompressed", "gzdwjdz_hash": "Dictionary"}


def test_fields_with_spaces_and_quoted_empties_are_cleaned_as_the_sql_defines(con, tmp_path):
    """Fields of every kind (codes, dates, counts, fees, slot fields) written with spaces around them, as a
    full-width space only, or as a quoted empty value: trimmed (Unicode spaces, when the field starts or
    ends with an ASCII space) and empty -> NULL before they are typed, as stage._clean defines."""
    row = (f' {H} ," B009",1,张三,,"1 ", 1980-01-01,44,,"2024-03-01 08:00:00 ",2024-03-05 10:00:00,4,'
           ' I21.000\u3000,急性心肌梗死,"",, E11.900 , 1 ,,\u3000,,36.0600 , 2024-03-02 ,"",12000.50 ," "')
    path = _write(tmp_path / "h9_202403.csv", PINYIN, [row])
    res, stats = _stage_and_publish(con, path)
    assert (res.rows_read, res.rows_staged, res.rows_quarantined) == (1, 1, 0)
    r = con.execute("SELECT zzjgdm, bah, xb, rysj, jbdm, rybq, zfy, xyf FROM front_page.discharges").fetchone()
    assert r == (H, "B009", "1", dt.datetime(2024, 3, 1, 8, 0), "I21.000", None, 12000.50, None)
    dx = con.execute("SELECT dx_seq, qtzd, jbdm, rybq FROM front_page.diagnoses ORDER BY dx_seq").fetchall()
    assert dx == [(0, "急性心肌梗死", "I21.000", None), (1, None, "E11.900", "1"), (2, None, "\u3000", None)]
    px = con.execute("SELECT px_seq, ssjczbm, ssjczrq, ssjczmc FROM front_page.procedures").fetchall()
    assert px == [(1, "36.0600", dt.date(2024, 3, 2), None)]
    assert r[0] == H and res.status == "staged"
    assert con.execute("SELECT discharge_id FROM front_page.discharges").fetchone()[0] == discharge_id(
        KEY, H, "B009", 1)
