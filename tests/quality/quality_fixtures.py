"""Hand-made front-page cases in an in-memory DuckDB with the ingest schema, and the rule runner.

``clean_case()`` is a complete, consistent record (a 45-year-old man, appendicectomy 47.0900 under
general anaesthesia, fees that add up); each rule test changes one thing and asserts the exact finding.
GX is imported once per session (the runner keeps one context per process).
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from casemix.ingest.stage import ensure_schema, insert_discharges, insert_slots
from casemix.layout import FEE_ITEMS, FEE_SUB_ITEMS

MONTH = dt.date(2024, 3, 1)
EXPECTATIONS = Path(__file__).resolve().parents[2] / "expectations"


def rules_tree(tmp_path: Path, text: str, name: str = "bad.yml") -> Path:
    """An expectations folder with the project's code lists and one rule spec file ``name`` holding ``text``."""
    d = tmp_path / "exp"
    shutil.copytree(EXPECTATIONS / "code_lists", d / "code_lists")
    (d / "rules").mkdir(parents=True)
    (d / "rules" / name).write_text(text, encoding="utf-8")
    return d

_FEES = {  # 24 items, sum 10000.00; sub-items inside their parents
    "YLFUF": "800.00", "ZLCZF": "300.00", "HLF": "400.00", "QTFY": "0", "BLZDF": "200.00",
    "SYSZDF": "900.00", "YXXZDF": "600.00", "LCZDXMF": "0", "FSSZLXMF": "500.00", "SSZLF": "2500.00",
    "KFF": "0", "ZYZLF": "0", "XYF": "2000.00", "ZCYF": "0", "ZCYF1": "0", "XF": "0", "BDBLZPF": "0",
    "QDBLZPF": "0", "NXYZLZPF": "0", "XBYZLZPF": "0", "HCYYCLF": "300.00", "YYCLF": "500.00",
    "YCXYYCLF": "1000.00", "QTF": "0",
    "WLZLF": "100.00", "MAF": "600.00", "SSF": "1500.00", "KJYWF": "300.00",
}


def clean_case(n: int = 1) -> dict:
    """A clean case: header fields (pinyin, upper case), ``dx`` list and ``px`` list."""
    c = {
        "ZZJGDM": "123456789012345678", "BAH": f"B{n:06d}", "ZYCS": 1, "JGMC": "测试医院", "YLFKFS": "01",
        "XM": f"病人{n}", "XB": "1", "CSRQ": "1979-03-10", "NL": 44, "BZYZS_NL": None,
        "XSECSTZ": None, "XSERYTZ": None, "RYTJ": "2", "RYSJ": "2024-03-01 08:00:00", "RYKB": "03",
        "CYSJ": "2024-03-05 10:00:00", "CYKB": "03", "SJZYTS": 4, "HY": "2", "ZY": "17", "XX": "1",
        "RH": "2", "YWGM": "1", "GMYW": None, "SWHZSJ": None, "LYFS": "1", "YZZY_JGMC": None,
        "WSY_JGMC": None, "SFZZYJH": "1", "MD": None, "H23": None, "WBYY": None, "JBMM": None, "BLH": None,
        "BLZD": None, "ZFY": "10000.00", "ZFJE": "1000.00",
        **_FEES,
        "dx": [("急性阑尾炎", "K35.800", "1"), ("高血压", "I10.x00", "1"), ("2型糖尿病", "E11.900", "1")],
        "px": [{"SSJCZBM": "47.0900", "SSJCZMC": "阑尾切除术", "SSJCZRQ": "2024-03-02", "SSJB": "2",
                "SZ": "张医生", "YZ": "李医生", "EZ": None, "QKDJ": "3", "QKYHLB": "1", "MZFS": "12",
                "MZYS": "王医生"}],
    }
    return c


def build_db(cases: list[dict], path: str = ":memory:") -> duckdb.DuckDBPyConnection:
    """A DuckDB (in memory, or the file ``path``) with front_page.{discharges,diagnoses,procedures}
    holding ``cases``."""
    con = duckdb.connect(str(path))
    ensure_schema(con)
    cols = [r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema='front_page' "
        "AND table_name='discharges' ORDER BY ordinal_position").fetchall()]
    drows, dxrows, pxrows = [], [], []
    for i, c in enumerate(cases):
        did = c.get("discharge_id") or f"d{i + 1:04d}"
        month = dt.date.fromisoformat(str(c["CYSJ"])[:7] + "-01") if c.get("CYSJ") else MONTH
        row = {k: None for k in cols}
        row.update(discharge_id=did, patient_id=did, partition_month=month, source_file="hand",
                   source_line=i + 2)
        for k, v in c.items():
            if k in ("dx", "px", "discharge_id"):
                continue
            lk = k.lower()
            if lk in ("xm",):
                row["xm_hash"] = None if v is None else hashlib.sha256(str(v).encode()).hexdigest()
            elif lk in row:
                row[lk] = v
        # principal dx fields live on discharges too
        if c["dx"]:
            row["zyzd"], row["jbdm"], row["rybq"] = c["dx"][0]
        drows.append(row)
        for s, (name, code, rybq) in enumerate(c["dx"]):
            dxrows.append({"discharge_id": did, "partition_month": month, "dx_seq": s, "qtzd": name,
                           "jbdm": code, "rybq": rybq})
        for s, p in enumerate(c["px"], start=1):
            pxrows.append({"discharge_id": did, "partition_month": month, "px_seq": s,
                           **{k.lower(): v for k, v in p.items()}})
    d = pd.DataFrame(drows, columns=cols)
    con.register("_d", d)
    dcols = con.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema='front_page' "
        "AND table_name='discharges' ORDER BY ordinal_position").fetchall()
    insert_discharges(con, [c for c, _ in dcols],
                      "SELECT " + ", ".join(f"CAST(_d.{c} AS {t})" for c, t in dcols) + " FROM _d")
    for t, rows in (("diagnoses", dxrows), ("procedures", pxrows)):
        tc = con.execute("SELECT column_name, data_type FROM information_schema.columns WHERE "
                         f"table_schema='front_page' AND table_name='{t}' ORDER BY ordinal_position").fetchall()
        if rows:
            f = pd.DataFrame(rows)
            for c_, _ in tc:
                if c_ not in f.columns:
                    f[c_] = None
            # the views take partition_month from the case's row (the same month here)
            tc = [(c_, ty) for c_, ty in tc if c_ != "partition_month"]
            con.register("_f", f[[c_ for c_, _ in tc]])
            insert_slots(con, t, [c_ for c_, _ in tc],
                         "SELECT " + ", ".join(f"CAST({c_} AS {ty})" for c_, ty in tc) + " FROM _f")
            con.unregister("_f")
    con.unregister("_d")
    return con


@pytest.fixture(scope="session")
def ruleset():
    from casemix.quality.rules import load_ruleset

    return load_ruleset()


@pytest.fixture(scope="session")
def gx_loaded():
    from casemix.quality.runner import _GX

    return _GX.get()


@pytest.fixture
def run(ruleset, gx_loaded):
    """run(cases, code_table=None) -> QualityResult"""
    from casemix.quality.runner import check_partitions

    def _run(cases, code_table=None, months=None):
        con = build_db([copy.deepcopy(c) for c in cases])
        res = check_partitions(con, months, ruleset, code_table=code_table)
        res.con = con
        return res

    return _run




def to_extract_rows(cases: list[dict]) -> "pd.DataFrame":
    """Hand-made cases as the wide HQMS extract (canonical pinyin header, every value a string)."""
    from casemix.layout import hqms_header

    header = hqms_header()
    rows = []
    for c in cases:
        r = {h: "" for h in header}
        for k, v in c.items():
            if k in ("dx", "px", "discharge_id"):
                continue
            if k in r:
                r[k] = "" if v is None else str(v)
        (r["ZYZD"], r["JBDM"], r["RYBQ"]) = ("" if v is None else v for v in c["dx"][0])
        for n, (name, code, rybq) in enumerate(c["dx"][1:], start=1):
            r[f"QTZD{n}"], r[f"JBDM{n}"], r[f"RYBQ{n}"] = name or "", code or "", rybq or ""
        for n, p in enumerate(c["px"], start=1):
            for k, v in p.items():
                r[f"{k}{n}"] = "" if v is None else str(v)
        rows.append(r)
    return pd.DataFrame(rows, columns=header)
