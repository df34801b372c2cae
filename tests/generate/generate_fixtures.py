"""Shared fixtures: one demo data set (≈3,600 cases, 3 hospitals × 36 months) generated once per session
and read back through the ingest reader, so the tests check what a pipeline would see."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from casemix.generate import generate
from casemix.ingest.reader import open_extract
from casemix.layout import resolve_header

KEY = b"generator-test-key"
PARAMS = dict(hospitals=3, start="2022-01", months=36, cases_per_month=40, scheme="demo")


def read_extract(path: Path) -> tuple[pd.DataFrame, str, list[str]]:
    """(frame with canonical column names, detected encoding, the raw header)."""
    ex, batches = open_extract(path)
    res = resolve_header(ex.header)
    assert not res.unknown and not res.duplicates, (path, res.unknown, res.duplicates)
    batches = list(batches)
    assert not ex.bad_records, ex.bad_records[:3]
    cols = {}
    for i, c in enumerate(res.canonical):
        vals = [v for b in batches for v in b.column(i).to_pylist()]
        cols[c] = [None if v is None or v == "" else v for v in vals]
    return pd.DataFrame(cols, dtype=object), ex.encoding, ex.header


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("gen_demo")
    res = generate(out, 42, key=KEY, **PARAMS)
    frames, encodings = [], {}
    for f in res.files:
        df, enc, header = read_extract(f)
        frames.append(df.assign(_file=f.name))
        encodings[f.name] = (enc, header)
    data = pd.concat(frames, ignore_index=True)
    return dict(result=res, data=data, encodings=encodings, out=out)


@pytest.fixture(scope="session")
def demo_tables():
    from casemix.scheme import load_scheme

    return load_scheme("demo")


@pytest.fixture(scope="session")
def demo_clean(demo):
    """The generated rows without the cases the defect injector broke on purpose (manifest keys)."""
    df = demo["data"]
    man = demo["result"].manifest
    if len(man):
        bad = set(zip(man["ZZJGDM"], man["BAH"], man["ZYCS"].astype(str)))
        keep = [k not in bad for k in zip(df["ZZJGDM"], df["BAH"], df["ZYCS"].astype(str))]
        df = df[keep]
    return df.reset_index(drop=True)
