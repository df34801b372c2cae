"""casemix.compare on two small hand-made warehouses."""

from __future__ import annotations

import duckdb

from casemix.compare import compare, main


def _make(path, rows, extra_table=False, weight_type="double"):
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute(f"create table marts.weights (drg varchar, rw {weight_type})")
    con.executemany("insert into marts.weights values (?, ?)", rows)
    con.execute("create view marts.v as select * from marts.weights")   # views are not compared
    con.execute("create schema front_page_stage")
    con.execute("create table front_page_stage.files (path varchar)")
    con.execute("insert into front_page_stage.files values (?)", [str(path)])
    if extra_table:
        con.execute("create table marts.extra (x integer)")
    con.close()


def test_identical_warehouses_compare_equal(tmp_path):
    rows = [("AA1", 1.25), ("AB1", 0.1 + 0.2), ("AB1", 0.1 + 0.2)]
    _make(tmp_path / "a.duckdb", rows)
    _make(tmp_path / "b.duckdb", list(reversed(rows)))          # row order does not matter
    diffs = compare(tmp_path / "a.duckdb", tmp_path / "b.duckdb", skip=["front_page_stage.*"])
    assert [(d.name, d.rows_a, d.rows_b, d.only_a, d.only_b) for d in diffs] == [("marts.weights", 3, 3, 0, 0)]
    assert main([str(tmp_path / "a.duckdb"), str(tmp_path / "b.duckdb"), "--skip", "front_page_stage.*"]) == 0


def test_last_bit_duplicates_and_missing_tables_are_differences(tmp_path, capsys):
    _make(tmp_path / "a.duckdb", [("AA1", 1.25), ("AB1", 0.1 + 0.2), ("AB1", 0.1 + 0.2)])
    # 0.3 is not 0.1 + 0.2 (they differ in the last bit); one AB1 row fewer; a table only in B
    _make(tmp_path / "b.duckdb", [("AA1", 1.25), ("AB1", 0.3)], extra_table=True)
    diffs = {d.name: d for d in compare(tmp_path / "a.duckdb", tmp_path / "b.duckdb")}
    w = diffs["marts.weights"]
    assert (w.rows_a, w.rows_b, w.only_a, w.only_b) == (3, 2, 2, 1)
    assert diffs["marts.extra"].note == "only in B" and diffs["marts.extra"].rows_a is None
    # the stage records each file's own path: different, and reported
    assert (diffs["front_page_stage.files"].only_a, diffs["front_page_stage.files"].only_b) == (1, 1)
    assert main([str(tmp_path / "a.duckdb"), str(tmp_path / "b.duckdb")]) == 1
    out = capsys.readouterr().out
    assert "marts.weights" in out and "0 of 3 tables identical; 3 differ" in out


def test_different_column_types_are_reported_not_compared(tmp_path):
    _make(tmp_path / "a.duckdb", [("AA1", 1.25)])
    _make(tmp_path / "b.duckdb", [("AA1", 1.25)], weight_type="decimal(18,4)")
    d = {d.name: d for d in compare(tmp_path / "a.duckdb", tmp_path / "b.duckdb", schemas=["marts"])}["marts.weights"]
    assert d.only_a is None and d.note.startswith("different columns")
    assert "A: rw DOUBLE" in d.note and "B: rw DECIMAL(18,4)" in d.note
