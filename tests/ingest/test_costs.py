"""The ingest cost scripts run and read what they say they read (their timings are printed, not tested)."""

from __future__ import annotations

import duckdb

from casemix.ingest import costs
from casemix.ingest.stage import ensure_schema, insert_discharges, insert_slots


def test_view_costs_reads_the_diagnoses_view_and_its_table_copy_alike(tmp_path, capsys):
    wh = tmp_path / "w.duckdb"
    con = duckdb.connect(str(wh))
    ensure_schema(con)
    insert_discharges(con, ["discharge_id", "partition_month"],
                      "VALUES ('a', DATE '2024-03-01'), ('b', DATE '2024-04-01'), ('c', DATE '2024-05-01')")
    insert_slots(con, "diagnoses", ["discharge_id", "dx_seq", "jbdm"],
                 "VALUES ('a', 0, 'I10'), ('a', 1, 'E11.9'), ('b', 0, 'J18.9'), ('c', 0, 'K35.8')")
    con.close()
    costs.view_costs(str(wh))
    lines = capsys.readouterr().out.splitlines()
    counts = [int(line.split(" rows")[0].split()[-1].replace(",", "")) for line in lines]
    # all, one month (March), March and April as an IN list, the same with the range; view, then table
    assert counts == [4, 2, 3, 3] * 2
    assert [line.split()[0] for line in lines] == ["front_page.diagnoses"] * 4 + ["diagnoses_table"] * 4


def test_hash_costs_prints_each_way_of_hashing(capsys):
    costs.hash_costs(2_000)
    out = capsys.readouterr().out
    assert [line.split("  ")[0] for line in out.splitlines()] == [
        "baseline (hash)", "sha256", "HMAC-SHA256 in SQL (ingest)", "HMAC-SHA256 in Python (hashlib)",
        "… with str clean + encode"]
