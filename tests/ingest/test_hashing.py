"""The identifiers' keyed hashes computed on the batches (casemix.ingest.hashing) are exactly the SQL
definition of staging (clean the field, '-' → NULL, HMAC-SHA256 as hmac_sql), and the reader thread
of staging (stage._prefetched) ends with the statement, passes errors on, and DuckDB's thread count
is set back."""

from __future__ import annotations

import datetime as dt
import threading

import duckdb
import pyarrow as pa
import pytest

from casemix.ingest.hashing import TRIM_CHARS, BatchHasher, hashed_reader
from casemix.ingest.stage import _clean, _prefetched, ensure_schema, stage_file
from casemix.pseudonymise import hmac_hex, hmac_sql, hmac_states, patient_id_sql

KEY = b"test-key-0123456789"
VALUES = ["张三", "a", " a", "a ", " a ", "\u3000a ", " \u3000a\u3000 ", "\u3000a", "\ta ", "a\t",
          "-", " - ", "--", "", "  ", "\u3000", None, "江苏省南京市鼓楼区东风路269号江苏省南京市鼓楼区东风路269号",
          "110101198001011234", "15196056861", "张三"]


def test_trim_chars_are_what_duckdb_trim_strips():
    stripped = duckdb.sql(
        "SELECT list(i ORDER BY i) FROM range(1, 1114112) t(i) WHERE (i < 55296 OR i > 57343) "
        "AND trim(chr(i::INTEGER) || 'a' || chr(i::INTEGER)) = 'a'").fetchone()[0]
    assert "".join(chr(i) for i in stripped) == TRIM_CHARS


@pytest.mark.parametrize("key", [KEY, b"k" * 100], ids=["short key", "key longer than a block"])
def test_batch_hashes_equal_the_sql_definition(key):
    inner, outer = hmac_states(key)
    i = inner()
    i.update("张三".encode())
    o = outer()
    o.update(i.digest())
    assert o.hexdigest() == hmac_hex(key, "张三")
    con = duckdb.connect()
    unique = [f"{v}{i}" if v else v for i, v in enumerate(VALUES)]   # a column whose values differ
    cols = {"c0": VALUES, "c1": list(reversed(VALUES)), "c2": unique, "c3": VALUES,
            "_line": list(range(len(VALUES)))}
    batch = pa.RecordBatch.from_pydict(cols, schema=pa.schema(
        [(f"c{i}", pa.string()) for i in range(4)] + [("_line", pa.int64())]))
    hasher = BatchHasher(key, 4, {"xm_hash": 0, "dz_hash": 1, "sfzh_hash": 2}, 3, 0)
    got = pa.Table.from_batches(list(hashed_reader(
        pa.RecordBatchReader.from_batches(batch.schema, [batch] * 3), hasher)))
    assert got.column_names == ["c3", "xm_hash", "dz_hash", "sfzh_hash", "patient_id", "_line"]
    con.register("b", pa.Table.from_batches([batch] * 3))

    def sql_hash(col: str) -> str:   # the batch carries the HMAC's 32 bytes, the SQL its hex digits
        c = _clean(col)
        return f"CASE WHEN {c} IS NULL OR {c} = '-' THEN NULL ELSE from_hex({hmac_sql(key, c)}) END"

    want = con.execute(f"SELECT {sql_hash('c0')}, {sql_hash('c1')}, {sql_hash('c2')}, "
                       f"{patient_id_sql(key, _clean('c3'), _clean('c0'))} FROM b").fetchall()
    assert [tuple(r.values())[1:5] for r in got.to_pylist()] == want
    assert got.schema.field("xm_hash").type == pa.binary()
    assert got.column("xm_hash")[0].as_py().hex() == hmac_hex(key, "张三")
    assert got.column("xm_hash")[2].as_py().hex() == hmac_hex(key, " a".strip())


def test_reader_thread_stops_when_the_consumer_does():
    schema = pa.schema([("c0", pa.string())])
    produced = []

    def batches():
        for i in range(1000):
            produced.append(i)
            yield pa.RecordBatch.from_pydict({"c0": [str(i)]}, schema=schema)

    r = _prefetched(pa.RecordBatchReader.from_batches(schema, batches()), depth=2)
    assert r.read_next_batch().column(0)[0].as_py() == "0"
    del r
    assert not [t for t in threading.enumerate() if t.name == "casemix-ingest-reader"]
    assert len(produced) < 10


def test_reader_errors_reach_the_consumer():
    schema = pa.schema([("c0", pa.string())])

    def batches():
        yield pa.RecordBatch.from_pydict({"c0": ["x"]}, schema=schema)
        raise ValueError("bad record")

    r = _prefetched(pa.RecordBatchReader.from_batches(schema, batches()))
    with pytest.raises(ValueError, match="bad record"):
        r.read_all()


def test_staging_sets_duckdb_threads_back_and_leaves_no_reader_thread(tmp_path):
    con = duckdb.connect()
    con.execute("SET threads = 3")
    ensure_schema(con)
    path = tmp_path / "h1_202403.csv"
    path.write_text("ZZJGDM,BAH,ZYCS,XM,XB,NL,RYSJ,CYSJ,JBDM,ZFY\n"
                    "H1,B1,1, 张三 ,1,40,2024-03-01,2024-03-04,I10.x00,100\n"
                    "H1,B2,1,-,1,40,2024-03-01,2024-03-04,I10.x00,100\n", encoding="utf-8")
    res = stage_file(con, path, KEY, first_month=dt.date(2022, 1, 1), today=dt.date(2026, 11, 1))
    assert (res.status, res.rows_read, res.rows_staged) == ("staged", 2, 2)
    assert con.execute("SELECT list(xm_hash ORDER BY source_line) FROM front_page_stage.rows"
                       ).fetchone()[0] == [bytes.fromhex(hmac_hex(KEY, "张三")), None]
    assert con.execute("SELECT current_setting('threads')").fetchone()[0] == 3
    assert not [t for t in threading.enumerate() if t.name == "casemix-ingest-reader"]
    con.close()


def test_discharge_id_on_the_batch_equals_the_sql_definition():
    """_discharge_id (reader thread) is the SQL discharge_id wherever it is set, and set exactly where ZYCS
    is a plain count; staging's coalesce with the SQL hash gives the SQL value on every record."""
    from casemix.ingest.stage import _typed_expr
    from casemix.pseudonymise import discharge_id_sql

    zycs = ["1", "01", "1.0", " 2", "2 ", "\u30003", "0", "-1", "+3", "１", "123456789012345",
            "1234567890123456", "3a", "", None, "-", " 12 ", "7"]
    zz = ["H1", " H1", "H1\u3000", None, "H1", "H 1", "-", "H1", "H1", "H1", "H1", "H1", "H1", "H1", "H1", "H1",
          "H1", ""]
    bah = ["B1", "B1 ", None, "B1", "\tB1", "B1", "B1", "B1", "B1", "B1", "B1", "B1", "B1", "B1", "B1", "B1",
           "B 1", "B1"]
    batch = pa.RecordBatch.from_pydict({"c0": zz, "c1": bah, "c2": zycs, "_line": list(range(len(zycs)))},
                                       schema=pa.schema([("c0", pa.string()), ("c1", pa.string()),
                                                         ("c2", pa.string()), ("_line", pa.int64())]))
    got = hashed_reader(pa.RecordBatchReader.from_batches(batch.schema, [batch]),
                        BatchHasher(KEY, 3, {}, 0, 1, 2)).read_all()
    assert got.column_names == ["c0", "c1", "c2", "patient_id", "_discharge_id", "_line"]
    con = duckdb.connect()
    con.register("b", got)
    typed = _typed_expr(_clean("c2"), "int")
    sql = discharge_id_sql(KEY, _clean("c0"), _clean("c1"), typed)
    rows = con.execute(f"SELECT _discharge_id, {sql}, coalesce(_discharge_id, {sql}) FROM b "
                       "ORDER BY _line").fetchall()
    py = [r[0] for r in rows]
    assert [r[2] for r in rows] == [r[1] for r in rows]                    # the staged value is SQL's
    assert all(p is None or p == r[1] for p, r in zip(py, rows))
    set_on = [i for i, p in enumerate(py) if p is not None]
    # plain counts with both key fields present: '1', '2 ', '123456789012345' (15 digits), ' 12 '; not '01',
    # '\u30003' (a full-width space is not cleaned), '１', 16 digits, or a record without ZZJGDM / BAH
    assert set_on == [0, 4, 10, 16]


def test_cleaned_batches_equal_the_sql_clean():
    """The reader thread cleans every field the batch keeps (hashing.clean_columns) and staging's SQL
    reads them as they come: the result must be exactly stage._clean of the raw text, column by column."""
    from casemix.ingest.hashing import clean_columns

    others = ["I10", " I10", "I10 ", "", "x", None, "\u3000", " ", "2024-03-01 08:00:00 "]
    cols = {"c0": VALUES, "c1": [v if v is None or v.strip() == v else "a" for v in VALUES],  # no space
            "c2": [None] * len(VALUES), "c3": (others * 3)[:len(VALUES)]}
    arrays = [pa.array(v, pa.string()) for v in cols.values()]
    got = [a.to_pylist() for a in clean_columns(arrays)]
    con = duckdb.connect()
    con.register("b", pa.table(cols, schema=pa.schema([(c, pa.string()) for c in cols])))
    want = con.execute(f"SELECT {', '.join(_clean(c) for c in cols)} FROM b").fetchall()
    assert [tuple(r) for r in zip(*got)] == want
    assert got[0][2] == "a" and got[0][13] is None and got[0][14] is None and got[0][15] == "\u3000"
    # a batch with nothing to clean is passed through as it is
    clean = [pa.array(["a", None, "b c"], pa.string()), pa.array([None, None, None], pa.string())]
    assert all(x is y for x, y in zip(clean_columns(clean), clean))


def test_needs_cleaning_reads_the_buffers_as_the_kernels_would():
    from casemix.ingest.hashing import _needs_cleaning

    a = pa.array(VALUES * 3, pa.string())
    for arr in (a, a.slice(5, 30), a.slice(17), pa.array(VALUES, pa.large_string())):
        want = pc_need(arr)
        got = _needs_cleaning(arr)
        assert (got.tolist() if got is not None else [False] * len(arr)) == want
    assert _needs_cleaning(pa.array(["a", None, "b c", "\u3000"], pa.string())) is None
    assert _needs_cleaning(pa.array([None, None], pa.string())) is None
    assert _needs_cleaning(pa.array([], pa.string())) is None


def pc_need(arr) -> list[bool]:
    return [v is not None and (v == "" or v.startswith(" ") or v.endswith(" ")) for v in arr.to_pylist()]


def test_the_plain_count_pattern_is_plain_count():
    import pyarrow.compute as pc

    from casemix.ingest.hashing import PLAIN_COUNT, plain_count

    values = ["1", "9", "10", "01", "0", "", "1.0", "+1", "-1", " 1", "1 ", "١", "１", "²", "12345678901234",
              "123456789012345", "1234567890123456", "1e3", "999999999999999", "1\n"]
    got = pc.match_substring_regex(pa.array(values, pa.string()), PLAIN_COUNT).to_pylist()
    assert got == [plain_count(v) for v in values]
    assert got[:3] == [True, True, True] and not any(got[3:11])
