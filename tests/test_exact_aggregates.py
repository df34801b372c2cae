"""The exact_* aggregate macros (dbt/macros/exact_aggregates.sql) give the same result whatever order the
rows are added in, where a float sum does not. The macros are rendered with Jinja exactly as dbt renders
them and run on DuckDB with one thread, so the rows are added in the order they were inserted."""

from __future__ import annotations

from pathlib import Path

import duckdb
import jinja2
import pytest

MACROS = Path(__file__).resolve().parents[1] / "dbt" / "macros"


def render(call: str) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(MACROS)))
    return env.from_string("{% import 'exact_aggregates.sql' as m %}{{ m." + call + " }}").render().strip()


def run(values: list[float], select: str, source: str = "t") -> tuple:
    """SELECT <select> FROM <source> over a table t (g = 1, x) holding ``values`` in that order."""
    con = duckdb.connect()
    con.execute("SET threads = 1")
    con.execute("CREATE TABLE t (g INTEGER, x DOUBLE)")
    if values:
        con.executemany("INSERT INTO t VALUES (1, ?)", [[v] for v in values])
    return con.execute(f"SELECT {select} FROM {source}").fetchone()


# 0.1 + 0.2 + 0.3 is 0.6000000000000001 in this order and 0.6 in the reverse one
VALUES = [0.1, 0.2, 0.3]


def test_a_float_sum_depends_on_the_order():
    assert run(VALUES, "sum(x)")[0] != run(VALUES[::-1], "sum(x)")[0]


@pytest.mark.parametrize("call", ["exact_sum('x')", "exact_avg('x')", "exact_stddev_samp('x')"])
def test_the_exact_aggregates_do_not(call):
    sql = render(call)
    assert run(VALUES, sql) == run(VALUES[::-1], sql)


def test_the_exact_values_are_the_decimal_ones():
    assert run(VALUES, render("exact_sum('x')"))[0] == 0.6
    assert run(VALUES, render("exact_avg('x')"))[0] == pytest.approx(0.2, abs=1e-15)
    # sample SD of 0.1, 0.2, 0.3 is 0.1
    assert run(VALUES, render("exact_stddev_samp('x')"))[0] == pytest.approx(0.1, abs=1e-12)
    assert run([5.0], render("exact_stddev_samp('x')"))[0] is None
    assert run([], render("exact_avg('x')"))[0] is None


def test_the_window_sum_too():
    source = "(SELECT " + render("exact_sum_over('x', 'partition by g')") + " AS s FROM t) AS w"
    assert run(VALUES, "max(s)", source)[0] == run(VALUES[::-1], "max(s)", source)[0] == 0.6
