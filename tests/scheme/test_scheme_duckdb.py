"""write_scheme_duckdb: idempotent per version, several versions side by side; CSV round trip."""

from __future__ import annotations

import duckdb
import pandas as pd

from casemix.scheme import TABLE_NAMES, read_scheme_csv, write_scheme, write_scheme_duckdb


def _counts(con, version):
    return {t: con.execute(f"SELECT count(*) FROM scheme.{t} WHERE scheme_version = ?", [version]).fetchone()[0]
            for t in TABLE_NAMES}


def _renamed(tables, version):
    out = {}
    for t, df in tables.items():
        df = df.copy()
        df["scheme_version"] = version
        out[t] = df
    return out


def test_load_twice_same_counts(demo, tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    first = write_scheme_duckdb(demo, con)
    c1 = _counts(con, "DEMO-1.0")
    write_scheme_duckdb(demo, con)
    assert _counts(con, "DEMO-1.0") == c1 == {t: len(demo[t]) for t in TABLE_NAMES} == first
    types = dict(con.execute("SELECT column_name, data_type FROM information_schema.columns "
                             "WHERE table_schema = 'scheme' AND table_name = 'scheme_versions'").fetchall())
    assert types["effective_from"] == "DATE" and types["is_illustrative"] == "BOOLEAN"
    assert con.execute("SELECT is_illustrative FROM scheme.scheme_versions").fetchone() == (True,)
    # codes stay text
    assert con.execute("SELECT count(*) FROM scheme.code_lists WHERE code = '01.2400'").fetchone()[0] >= 1


def test_two_versions_side_by_side(demo, tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    other = _renamed(demo, "DEMO-0.9")
    other["drgs"] = other["drgs"].iloc[:10]
    write_scheme_duckdb(demo, con)
    write_scheme_duckdb(other, con)
    assert _counts(con, "DEMO-1.0")["drgs"] == len(demo["drgs"])
    assert _counts(con, "DEMO-0.9")["drgs"] == 10
    # reloading one version leaves the other untouched
    write_scheme_duckdb(demo, con)
    assert _counts(con, "DEMO-0.9")["drgs"] == 10
    assert con.execute("SELECT count(DISTINCT scheme_version) FROM scheme.adrgs").fetchone()[0] == 2


def test_real_and_demo_side_by_side(chs11, demo, tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    write_scheme_duckdb(chs11, con)
    write_scheme_duckdb(demo, con)
    write_scheme_duckdb(chs11, con)
    assert _counts(con, "CHS-DRG-1.1")["drgs"] == 628
    assert _counts(con, "CHS-DRG-1.1")["cc_exclusions"] == 28300
    assert _counts(con, "DEMO-1.0")["drgs"] == len(demo["drgs"])


def test_csv_round_trip(demo, tmp_path):
    write_scheme(demo, tmp_path / "s")
    back = read_scheme_csv(tmp_path / "s")
    for t in TABLE_NAMES:
        pd.testing.assert_frame_equal(back[t], demo[t])
