"""A month larger than the group budget is checked in slices of its cases (runner.plan_chunks): the same
issues and summary as checking it whole, and no slice holds more than ``chunk_cases`` cases."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from quality_fixtures import build_db, clean_case
from test_rules import rule_cases

MARCH, APRIL, MAY = dt.date(2024, 3, 1), dt.date(2024, 4, 1), dt.date(2024, 5, 1)


def _cases() -> list[dict]:
    """Every rule's failing and passing case (test_rules.CASES, 92 cases: March, discharge_id = the case's
    name, so the id order is not the insertion order), plus 5 April cases (one SEX-001) and one May case."""
    out = rule_cases()
    for k in range(6):
        c = clean_case(200 + k)
        month = "04" if k < 5 else "05"
        c.update(RYSJ=f"2024-{month}-01 08:00:00", CYSJ=f"2024-{month}-05 10:00:00", SJZYTS=4, NL=45)
        c["px"][0]["SSJCZRQ"] = f"2024-{month}-02"
        if k == 2:
            c["XB"] = "2"
            c["dx"].append(("前列腺增生", "N40.x00", "1"))              # SEX-001
        c["discharge_id"] = f"x{(k * 7919) % 97:03d}"                  # not in insertion order
        out.append(c)
    return out


@pytest.fixture(scope="module")
def con():
    return build_db(_cases())


@pytest.fixture(scope="module")
def whole(con, ruleset, gx_loaded):
    from casemix.quality.runner import check_partitions

    return check_partitions(con, None, ruleset, code_table=None, chunk_cases=None)


def test_plan_cuts_only_months_over_the_budget(con):
    from casemix.quality.runner import plan_chunks
    from casemix.quality.prepare import month_case_counts

    counts = month_case_counts(con, None)
    assert counts == {MARCH: 92, APRIL: 5, MAY: 1}
    plan = plan_chunks(con, counts, [MARCH, APRIL, MAY], 25)
    # March: ceil(92 / 25) = 4 slices of at most ceil(92 / 4) = 23; April + May fit in one group
    assert [(c.months, c.slice, c.cases) for c in plan] == [
        ((MARCH,), (1, 4), 23), ((MARCH,), (2, 4), 23), ((MARCH,), (3, 4), 23), ((MARCH,), (4, 4), 23),
        ((APRIL, MAY), None, 6)]
    assert plan[0].id_range[0] is None and plan[-2].id_range[1] is None
    assert [c.id_range[1] for c in plan[:3]] == [c.id_range[0] for c in plan[1:4]]   # contiguous
    assert [c.tag for c in plan[:2]] == ["2024-03..2024-03.slice1of4", "2024-03..2024-03.slice2of4"]
    assert [(c.months, c.slice) for c in plan_chunks(con, counts, [MARCH, APRIL, MAY], 0)] == [
        ((MARCH,), None), ((APRIL,), None), ((MAY,), None)]                          # 0: whole months
    assert [(c.months, c.slice) for c in plan_chunks(con, counts, [MARCH, APRIL, MAY], None)] == [
        ((MARCH, APRIL, MAY), None)]


def test_a_slice_reads_only_its_cases_with_all_their_rows(con, ruleset):
    from casemix.quality.prepare import prepare_frames
    from casemix.quality.runner import plan_chunks

    cols = ruleset.columns_by_dataset()
    full = prepare_frames(con, [MARCH], None, columns=cols).frames
    plan = plan_chunks(con, {MARCH: 92}, [MARCH], 30)
    assert len(plan) == 4
    ids, n_dx, n_px = [], 0, 0
    for ch in plan:
        f = prepare_frames(con, [MARCH], None, columns=cols, id_range=ch.id_range).frames
        assert 0 < len(f["discharges"]) <= 30
        ids += list(f["discharges"]["discharge_id"])
        n_dx += len(f["diagnoses"])
        n_px += len(f["procedures"])
        assert set(f["diagnoses"]["case_idx"]) <= set(f["discharges"]["case_idx"])
    assert ids == list(full["discharges"]["discharge_id"])          # each case once, in the same order
    assert (n_dx, n_px) == (len(full["diagnoses"]), len(full["procedures"]))


@pytest.mark.parametrize("chunk", [25, 40])
def test_a_month_checked_in_slices_gives_the_results_of_checking_it_whole(con, whole, ruleset, chunk,
                                                                           tmp_path):
    from casemix.quality.runner import build_data_docs, check_partitions

    sliced = check_partitions(con, None, ruleset, code_table=None, chunk_cases=chunk)
    n_slices = -(-92 // chunk)
    assert sliced.chunk_slices == [(i + 1, n_slices) for i in range(n_slices)] + [None]
    assert sliced.chunks == [[MARCH]] * n_slices + [[APRIL, MAY]]
    assert max(sliced.chunk_cases) <= chunk and sum(sliced.chunk_cases) == 98
    assert whole.chunk_cases == [98]
    # the same findings and per month × rule counts (one summary row per month and rule, not per slice)
    assert len(whole.issues) > 50 and whole.summary["failed"].sum() > 50
    pd.testing.assert_frame_equal(sliced.issues, whole.issues)
    pd.testing.assert_frame_equal(sliced.summary, whole.summary)
    assert not sliced.summary.duplicated(["partition_month", "rule_id"]).any()
    assert sliced.months == whole.months == [MARCH, APRIL, MAY]
    assert sliced.structural == whole.structural == []
    # one Data Docs entry per rule part and group, named by the slice
    assert len(sliced.gx_results) == (n_slices + 1) * len(whole.gx_results)
    assert any(k.endswith(f":2024-03..2024-03.slice{n_slices}of{n_slices}") for k in sliced.gx_results)
    if chunk == 40:
        index = build_data_docs(sliced, tmp_path / "docs")
        names = {p.name for p in (tmp_path / "docs").rglob("*.html")}
        assert index.exists() and any("slice3of3" in n for n in names)


def _cache_tables(con) -> set[str]:
    return {r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE temporary AND table_name LIKE '_qc_month%'").fetchall()}


def test_the_month_cache_gives_the_frames_of_reading_each_slice(con, ruleset):
    """prepare_frames(month_cache=True) cuts each slice from one read of its month: the same frames
    (dtypes included) as reading the slice from front_page; a slice of another month replaces the
    cache, a call without a slice and drop_month_cache drop it."""
    from casemix.quality.prepare import MONTH_CACHE, drop_month_cache, prepare_frames
    from casemix.quality.runner import plan_chunks

    cols = ruleset.columns_by_dataset()
    plan = plan_chunks(con, {MARCH: 92, APRIL: 5}, [MARCH, APRIL], 3)
    march = [ch for ch in plan if ch.months == (MARCH,)]
    april = [ch for ch in plan if ch.months == (APRIL,)]
    assert len(march) == 31 and len(april) == 2
    for ch in march[:3] + march[-2:] + april:
        read = prepare_frames(con, list(ch.months), None, columns=cols, id_range=ch.id_range).frames
        cut = prepare_frames(con, list(ch.months), None, columns=cols, id_range=ch.id_range,
                             month_cache=True).frames
        assert _cache_tables(con) == set(MONTH_CACHE) | {"_qc_month_key"}
        for ds in read:
            pd.testing.assert_frame_equal(cut[ds], read[ds])
        assert len(cut["discharges"]) > 0
    assert con.execute("SELECT count(*), min(partition_month) FROM _qc_month_discharges").fetchone() == (5, APRIL)
    prepare_frames(con, [MAY], None, columns=cols)
    assert _cache_tables(con) == set()
    prepare_frames(con, [APRIL], None, columns=cols, id_range=april[0].id_range, month_cache=True)
    drop_month_cache(con)
    assert _cache_tables(con) == set()


@pytest.mark.parametrize("prefetch", [False, True])
def test_checking_in_slices_leaves_no_month_cache(con, whole, ruleset, prefetch):
    from casemix.quality.runner import check_partitions

    sliced = check_partitions(con, None, ruleset, code_table=None, chunk_cases=30, prefetch=prefetch)
    assert sliced.chunk_slices[:4] == [(1, 4), (2, 4), (3, 4), (4, 4)]
    pd.testing.assert_frame_equal(sliced.issues, whole.issues)
    pd.testing.assert_frame_equal(sliced.summary, whole.summary)
    assert _cache_tables(con) == set()
