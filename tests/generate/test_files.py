"""Files, formats, determinism, manifest and roster."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import casemix.generate.core as core
from casemix.generate import generate, roster
from casemix.layout import hqms_header
from casemix.pseudonymise import discharge_id
from generate_fixtures import KEY, read_extract

SMALL = dict(hospitals=2, start="2023-11", months=4, cases_per_month=12, scheme="demo",
             xlsx_share=0.3, gb18030_share=0.4, chinese_header_share=0.4)


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes_different_seed_different(tmp_path):
    a = generate(tmp_path / "a", 11, key=KEY, **SMALL)
    b = generate(tmp_path / "b", 11, key=KEY, **SMALL)
    c = generate(tmp_path / "c", 12, key=KEY, **SMALL)
    da, db, dc = _digest(tmp_path / "a"), _digest(tmp_path / "b"), _digest(tmp_path / "c")
    assert any(k.endswith(".xlsx") for k in da) and any(k.endswith(".csv") for k in da)
    assert da == db
    assert {k: v for k, v in da.items() if k.startswith("front_page")} != \
        {k: v for k, v in dc.items() if k.startswith("front_page")}
    assert a.n_cases == b.n_cases


def test_file_layout_and_formats(demo):
    out, enc = demo["out"], demo["encodings"]
    names = sorted(enc)
    assert len(names) == 3 * 36
    assert all(n.split("_")[0] in set(demo["data"]["ZZJGDM"]) for n in names)
    # every file holds discharges of its own month only
    df = demo["data"]
    assert (df["CYSJ"].str.slice(0, 7).str.replace("-", "") == df["_file"].str.slice(19, 25)).all()
    kinds = {e for e, _ in enc.values()}
    assert {"utf-8", "gb18030", "xlsx"} <= kinds
    pinyin = hqms_header()
    chinese = [n for n, (_, h) in enc.items() if h[0] != "ZZJGDM"]
    assert chinese and all(enc[n][1] != pinyin for n in chinese)
    assert all(enc[n][1] == pinyin for n in names if n not in chinese)
    # GB18030 files really are not UTF-8
    for n in names:
        if enc[n][0] == "gb18030":
            raw = (out / "front_page" / n).read_bytes()
            with pytest.raises(UnicodeDecodeError):
                raw.decode("utf-8")
            raw.decode("gb18030")
    summary = json.loads((out / "manifest" / "summary.json").read_text(encoding="utf-8"))
    assert sum(f["cases"] for f in summary["files"]) == len(df) == summary["n_cases"]
    assert summary["seed"] == 42


def test_dates_and_number_formats(demo):
    df = demo["data"]
    assert df["RYSJ"].str.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d").all()
    assert df["CYSJ"].str.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d").all()
    assert df["CSRQ"].str.fullmatch(r"\d{4}-\d\d-\d\d").all()
    assert df["ZFY"].str.fullmatch(r"\d+\.\d\d").all()
    assert df["ZZJGDM"].str.len().eq(18).all()
    months = pd.to_datetime(df["CYSJ"]).dt.to_period("M")
    assert months.nunique() == 36


def _fake_injector(frame: pd.DataFrame, rate: float, rng: np.random.Generator):
    k = max(1, int(round(rate * len(frame))))
    rows = np.sort(rng.choice(len(frame), size=k, replace=False))
    frame = frame.copy()
    frame.loc[frame.index[rows], "XB"] = "0"
    man = pd.DataFrame({"ZZJGDM": frame["ZZJGDM"].iloc[rows].to_numpy(), "BAH": frame["BAH"].iloc[rows].to_numpy(),
                        "ZYCS": frame["ZYCS"].iloc[rows].to_numpy(), "rule_id": "CMP-002", "field": "XB",
                        "description": "sex coded 0"})
    return frame, man


def test_manifest_plumbing_with_an_injector(tmp_path, monkeypatch):
    monkeypatch.setattr(core, "_injector", lambda: _fake_injector)
    res = generate(tmp_path, 5, key=KEY, **{**SMALL, "defect_rate": 0.05})
    man = pd.read_csv(tmp_path / "manifest" / "defects.csv", dtype=str)
    assert list(man.columns) == core.MANIFEST_COLUMNS
    assert len(man) == res.n_defects > 0
    assert (man["discharge_id"] == [discharge_id(KEY, z, b, c) for z, b, c in
                                     zip(man["ZZJGDM"], man["BAH"], man["ZYCS"])]).all()
    data = pd.concat([read_extract(f)[0] for f in res.files], ignore_index=True)
    hit = data.merge(man, on=["ZZJGDM", "BAH", "ZYCS"])
    assert len(hit) == len(man) and (hit["XB"] == "0").all()
    assert (data["XB"] == "0").sum() == len(man)


def test_real_injector_manifest_if_present(demo):
    if not demo["result"].defects_available:
        pytest.skip("casemix.generate.defects not written yet: no defects injected")
    man = demo["result"].manifest
    df = demo["data"]
    keys = set(zip(df["ZZJGDM"], df["BAH"], df["ZYCS"].astype(str)))
    assert len(man) > 0
    assert all(k in keys for k in zip(man["ZZJGDM"], man["BAH"], man["ZYCS"].astype(str)))
    assert (man["discharge_id"] == [discharge_id(KEY, z, b, c) for z, b, c in
                                     zip(man["ZZJGDM"], man["BAH"], man["ZYCS"])]).all()


def test_roster_deterministic_and_covers_departments(demo):
    r1, r2 = roster(42, 3), roster(42, 3)
    pd.testing.assert_frame_equal(r1.departments, r2.departments)
    pd.testing.assert_frame_equal(r1.staff, r2.staff)
    assert list(r1.hospitals["level"]) == [3, 2, 3]
    written = pd.read_csv(demo["out"] / "reference" / "departments.csv", dtype=str)
    pairs = set(zip(written["zzjgdm"], written["dept_code"]))
    df = demo["data"]
    assert all(p in pairs for p in zip(df["ZZJGDM"], df["CYKB"]))
    staff = pd.read_csv(demo["out"] / "reference" / "staff.csv", dtype=str)
    zz = staff[staff["role"] == "ZZYS"]
    assert set(zip(df["ZZJGDM"], df["CYKB"], df["ZZYS"])) <= set(zip(zz["zzjgdm"], zz["dept_code"], zz["staff_name"]))
    # secondary hospitals have fewer, general departments
    sizes = written.groupby("zzjgdm").size()
    lv = dict(zip(r1.hospitals["zzjgdm"], r1.hospitals["level"]))
    assert max(sizes[z] for z in sizes.index if lv[z] == 2) < min(sizes[z] for z in sizes.index if lv[z] == 3)


def test_single_file_and_exact_total(tmp_path):
    res = generate(tmp_path, 3, key=KEY, scheme="demo", hospitals=4, months=12, cases=2345,
                   single_file="all.csv")
    assert [f.name for f in res.files] == ["all.csv"]
    df, enc, header = read_extract(res.files[0])
    assert len(df) == 2345 and enc == "utf-8" and header == hqms_header()


def test_slot_counts(tmp_path):
    res = generate(tmp_path, 3, key=KEY, scheme="demo", hospitals=1, months=2, cases=150,
                   single_file="s.csv", dx_slots=40, px_slots=41)
    df, _, header = read_extract(res.files[0])
    assert header == hqms_header(40, 41)
