"""The next group's frames prepared in a background thread while GX checks the current one
(``check_partitions(prefetch=...)``, ``CASEMIX_QUALITY_PREFETCH``): the same results as one group after the
other, errors of the background prepare raised in the caller naming the group; and the Arrow conversion of
the frames (``prepare.fetch_df``) gives exactly what ``DuckDBPyRelation.df()`` gives."""

from __future__ import annotations

import threading

import duckdb
import pandas as pd
import pytest

from quality_fixtures import build_db
from test_slices import _cases


@pytest.fixture(scope="module")
def con():
    return build_db(_cases())       # March: 92 cases, April: 5, May: 1


def _prefetch_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("casemix-quality-prefetch")]


@pytest.mark.parametrize("chunk", [25, 0])     # 4 slices of March + April/May; one month per group
def test_prefetch_gives_the_results_of_one_group_after_the_other(con, ruleset, gx_loaded, chunk, monkeypatch):
    from casemix.quality import prepare as prep
    from casemix.quality.runner import check_partitions, format_summary

    seen: list[str] = []
    threads: list[int] = []
    real = prep.prepare_frames

    def spy(*a, **kw):
        seen.append(threading.current_thread().name)
        threads.append(int(a[0].execute("SELECT current_setting('threads')").fetchone()[0]))
        return real(*a, **kw)

    con.execute("SET threads = 2")

    monkeypatch.setattr(prep, "prepare_frames", spy)
    off = check_partitions(con, None, ruleset, code_table=None, chunk_cases=chunk, prefetch=False)
    n = len(seen)
    assert n == (5 if chunk else 3) and set(seen) == {threading.main_thread().name}
    on = check_partitions(con, None, ruleset, code_table=None, chunk_cases=chunk, prefetch=True)
    assert len(seen) == 2 * n
    assert all(s.startswith("casemix-quality-prefetch") for s in seen[n:])   # every group in the background
    assert not _prefetch_threads()                                           # and the thread is gone
    # DuckDB: all threads for the first group, one fewer while GX runs alongside; set back at the end
    assert threads == [2] * n + [2] + [1] * (n - 1)
    assert con.execute("SELECT current_setting('threads')").fetchone()[0] == 2

    assert len(off.issues) > 50
    pd.testing.assert_frame_equal(on.issues, off.issues, check_exact=True)
    pd.testing.assert_frame_equal(on.summary, off.summary, check_exact=True)
    assert format_summary(on.summary) == format_summary(off.summary)        # per-rule counts
    assert on.structural == off.structural
    assert (on.months, on.chunks, on.chunk_cases, on.chunk_slices) == (
        off.months, off.chunks, off.chunk_cases, off.chunk_slices)
    assert on.gx_results.keys() == off.gx_results.keys()
    assert "prepare_wait" in on.timings and "prepare_wait" not in off.timings


def test_the_setting_switches_it(con, ruleset, gx_loaded, monkeypatch):
    from casemix.config import settings
    from casemix.quality.runner import check_partitions

    monkeypatch.delenv("CASEMIX_QUALITY_PREFETCH", raising=False)
    assert settings().quality_prefetch is True
    for v, want in (("0", False), ("off", False), ("False", False), ("1", True), ("yes", True), ("", True)):
        monkeypatch.setenv("CASEMIX_QUALITY_PREFETCH", v)
        assert settings().quality_prefetch is want
    monkeypatch.setenv("CASEMIX_QUALITY_PREFETCH", "sometimes")
    with pytest.raises(ValueError, match="CASEMIX_QUALITY_PREFETCH"):
        settings()
    monkeypatch.setenv("CASEMIX_QUALITY_PREFETCH", "0")
    assert "prepare_wait" not in check_partitions(con, None, ruleset, code_table=None, chunk_cases=0).timings
    monkeypatch.setenv("CASEMIX_QUALITY_PREFETCH", "1")
    assert "prepare_wait" in check_partitions(con, None, ruleset, code_table=None, chunk_cases=0).timings


def test_an_error_in_the_background_prepare_is_raised_naming_the_group(con, ruleset, gx_loaded, monkeypatch):
    from casemix.quality import prepare as prep
    from casemix.quality.runner import check_partitions

    con.execute("SET threads = 2")
    calls = []
    real = prep.prepare_frames

    def failing(*a, **kw):
        calls.append(1)
        if len(calls) == 3:
            raise duckdb.IOException("disk on fire")
        return real(*a, **kw)

    monkeypatch.setattr(prep, "prepare_frames", failing)
    with pytest.raises(RuntimeError, match=r"chunk 3 of 5 \(2024-03\.\.2024-03\.slice3of4\).*disk on fire") as e:
        check_partitions(con, None, ruleset, code_table=None, chunk_cases=25, prefetch=True)
    assert isinstance(e.value.__cause__, duckdb.IOException)
    assert not _prefetch_threads()
    assert con.execute("SELECT current_setting('threads')").fetchone()[0] == 2     # set back
    # the connection is usable afterwards (the background used its own cursor)
    assert con.execute("SELECT count(*) FROM front_page.discharges").fetchone()[0] == 98


def test_an_error_in_the_rules_stops_the_background_prepare(con, ruleset, gx_loaded, monkeypatch):
    from casemix.quality import runner

    con.execute("SET threads = 2")
    real = runner.run_rules
    calls = []

    def failing(*a, **kw):
        calls.append(1)
        if len(calls) == 2:
            raise ValueError("GX broke")
        return real(*a, **kw)

    monkeypatch.setattr(runner, "run_rules", failing)
    with pytest.raises(ValueError, match="GX broke"):
        runner.check_partitions(con, None, ruleset, code_table=None, chunk_cases=25, prefetch=True)
    assert not _prefetch_threads()
    assert con.execute("SELECT current_setting('threads')").fetchone()[0] == 2     # set back


def test_fetch_df_gives_what_df_gives():
    from casemix.quality.prepare import fetch_df

    c = duckdb.connect()
    rows = """SELECT * FROM (VALUES
      (1::BIGINT, NULL::BIGINT, 2::INTEGER, TRUE, NULL::BOOLEAN, 'a', NULL::VARCHAR, NULL::VARCHAR,
       DATE '2024-01-01', TIMESTAMP '2024-01-01 10:00:00', 1.5::DOUBLE, NULL::DOUBLE, 5::SMALLINT, 7::TINYINT,
       '中文'),
      (2, 3, NULL, FALSE, TRUE, NULL, NULL, 'x', NULL, NULL, NULL, 2.0, NULL, 8, ''))
      t(a, b, c, d, e, f, g, h, i, j, k, l, n, o, p)"""
    for q in (rows, rows + " LIMIT 1", rows + " WHERE FALSE",
              "SELECT CAST(NULL AS VARCHAR) AS s, CAST(NULL AS BOOLEAN) AS b FROM range(3)",
              "SELECT 1::HUGEINT AS h, 2.5::DECIMAL(12, 2) AS m",                  # df() fallback
              "SELECT range::INTEGER AS r, CASE WHEN range % 7 = 1 THEN NULL ELSE range::VARCHAR END AS s "
              "FROM range(300000) ORDER BY r"):
        pd.testing.assert_frame_equal(fetch_df(c, q), c.execute(q).df(), check_exact=True)
    # sorted by Arrow after the fetch = sorted by DuckDB (a two-column key, rows in no order before)
    q = ("SELECT (range * 7919) % 1000 AS a, range % 3 AS b, CASE WHEN range % 5 = 0 THEN NULL "
         "ELSE 'v' || range::VARCHAR END AS s, range * 0.5 AS x FROM range(3000) WHERE range < 3000")
    pd.testing.assert_frame_equal(fetch_df(c, q, sort_by=["a", "b"]), c.execute(q + " ORDER BY a, b").df(),
                                  check_exact=True)


def test_the_frames_are_those_of_df(con, ruleset, monkeypatch):
    from casemix.quality import prepare as prep
    from casemix.quality.codelists import CodeTable

    def codes(sql):
        return pd.DataFrame({"code": [r[0] for r in con.execute(sql).fetchall()]}, dtype=str).assign(name="n")

    table = CodeTable("t", codes("SELECT DISTINCT jbdm FROM front_page.diagnoses WHERE jbdm IS NOT NULL "
                                 "ORDER BY 1 LIMIT 20"),
                      codes("SELECT DISTINCT ssjczbm FROM front_page.procedures WHERE ssjczbm IS NOT NULL "
                            "ORDER BY 1 LIMIT 3"))
    cols = ruleset.columns_by_dataset()
    for table in (None, table):
        arrow = prep.prepare_frames(con, None, table, columns=cols).frames
        with monkeypatch.context() as m:
            m.setattr(prep, "fetch_df", lambda c, sql, sort_by=None: c.execute(
                sql + (f" ORDER BY {', '.join(sort_by)}" if sort_by else "")).df())
            df = prep.prepare_frames(con, None, table, columns=cols).frames
        for ds in df:
            pd.testing.assert_frame_equal(arrow[ds], df[ds], check_exact=True)
