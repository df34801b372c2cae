"""The generic dbt test ``effective_ranges_do_not_overlap`` (dbt/macros/test_effective_ranges_do_not_overlap.sql),
which guards every versioned reference table (payment and costing parameters, weight versions, reasonable
ranges, code maps), on hand-made versions: it must name exactly the broken ones."""

from __future__ import annotations

import json

import duckdb
import pytest

# region, version, effective_from, effective_to (one row per parameter of a version)
ROWS = [
    # R1: v1 [2024-01-01, 2024-07-01) then v2 from 2024-07-01: they touch, they do not overlap
    ("R1", "v1", "2024-01-01", "2024-07-01"), ("R1", "v1", "2024-01-01", "2024-07-01"),
    ("R1", "v2", "2024-07-01", None),
    # R2: v1 open from 2024-01-01, v2 from 2024-06-01: 2024-06-01 .. would select both
    ("R2", "v1", "2024-01-01", None), ("R2", "v2", "2024-06-01", None),
    # R3: the two rows of v1 disagree on effective_from
    ("R3", "v1", "2024-01-01", None), ("R3", "v1", "2024-02-01", None),
    # R4: effective_to = effective_from (an empty range)
    ("R4", "v1", "2024-05-01", "2024-05-01"),
    # R5: v1 has no effective_from (beginning of time); same version names as R1, another region: no overlap
    ("R5", "v1", None, "2024-07-01"), ("R5", "v2", "2024-07-01", None),
]


def _failures(tmp_path, **args) -> set[tuple]:
    from casemix.dbt_runner import run_dbt

    tmp_path.mkdir(parents=True, exist_ok=True)
    wh = tmp_path / "wh.duckdb"
    con = duckdb.connect(str(wh))
    con.execute("CREATE OR REPLACE TABLE main.versions (region VARCHAR, version VARCHAR, effective_from DATE, "
                "effective_to DATE)")
    con.executemany("INSERT INTO main.versions VALUES (?, ?, ?, ?)", ROWS)
    con.close()
    call = "{{ test_effective_ranges_do_not_overlap('main.versions', 'version', " + ", ".join(
        f"{k}={json.dumps(v)}" for k, v in args.items()) + ") }}"
    res = run_dbt(["show", "--inline", call, "--limit", "100"], warehouse=wh, work_dir=tmp_path / "dbt")
    table = res.result.results[0].agate_table
    return {tuple(r[c] for c in table.column_names) for r in table.rows}


@pytest.fixture(scope="module")
def tmp(tmp_path_factory):
    return tmp_path_factory.mktemp("ranges")


def test_names_exactly_the_broken_versions(tmp):
    got = _failures(tmp / "a", partition_by=["region"], require_from=True)
    assert got == {
        ("R2", "v1", "v2", "effective ranges overlap"),
        ("R3", "v1", None, "rows of the version disagree on effective dates or lack effective_from"),
        ("R4", "v1", None, "effective_to not after effective_from"),
        ("R5", "v1", None, "rows of the version disagree on effective dates or lack effective_from"),
    }


def test_options(tmp):
    # without require_from R5's open start is allowed; without check_overlap R2 passes (latest wins by design)
    got = _failures(tmp / "b", partition_by=["region"], check_overlap=False)
    assert got == {
        ("R3", "v1", None, "rows of the version disagree on effective dates"),
        ("R4", "v1", None, "effective_to not after effective_from"),
    }
    # without partition_by all regions' rows of a version are one version: v1 spans min from 2024-01-01 to
    # max to 2024-07-01 and v2 starts at min from 2024-06-01, so they overlap; both disagree on their dates
    got = _failures(tmp / "c")
    assert ("v1", "v2", "effective ranges overlap") in got
    assert ("v2", None, "rows of the version disagree on effective dates") in got
