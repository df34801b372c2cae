"""The generator on the real CHS-DRG 1.1 scheme (CASEMIX_DRG_SCHEME_DIR): clean cases stay clean and the
headline distributions hold. Skipped when the variable is unset."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from casemix.generate import generate
from generate_fixtures import KEY, read_extract
from gen_rules import violations

pytestmark = pytest.mark.realscheme


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    d = os.environ.get("CASEMIX_DRG_SCHEME_DIR")
    if not d or not (Path(d) / "1_MDC.txt").exists():
        pytest.skip("set CASEMIX_DRG_SCHEME_DIR to the CHS_DRG_11 folder to run the real-scheme tests")
    out = tmp_path_factory.mktemp("gen_real")
    res = generate(out, 9, key=KEY, scheme=d, hospitals=2, months=12, cases=4000, single_file="real.csv",
                   defect_rate=0.0)  # clean cases only: defects are the quality tests' data
    from casemix.generate import load_catalog
    cat = load_catalog(d)
    return res, read_extract(res.files[0])[0], cat


def test_real_scheme_clean(real):
    res, df, cat = real
    or_codes = set(cat.px.loc[cat.px["is_or"], "code"])
    broken = {k: int(m.fillna(True).astype(bool).sum()) for k, m in violations(df, or_codes).items()
              if m.fillna(True).astype(bool).any()}
    assert broken == {}


def test_real_scheme_mix(real):
    res, df, cat = real
    t = res.truth
    assert t["mdc"].nunique() >= 20          # most MDCs appear in 4,000 cases
    assert t["adrg"].nunique() >= 150
    assert 0.05 <= (t["severity"] == 2).mean() <= 0.13
    assert 0.004 <= t["death"].mean() <= 0.018
