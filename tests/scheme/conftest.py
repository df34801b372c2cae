"""Fixtures for the scheme tests. The real CHS-DRG tables are third-party data outside the repo: tests
that need them read CASEMIX_DRG_SCHEME_DIR (the CHS_DRG_11 folder) and skip when it is unset."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from casemix.scheme import import_chs_drg, load_scheme

SKIP_REASON = ("CASEMIX_DRG_SCHEME_DIR is unset: point it at the CHS-DRG 1.1 DRG_Rules folder "
               "(e.g. /work/shared/reference/chs-drg/CHS_DRG_11) to run the real-scheme tests")


def _real_dir() -> Path:
    d = os.environ.get("CASEMIX_DRG_SCHEME_DIR")
    if not d:
        pytest.skip(SKIP_REASON)
    p = Path(d)
    if not (p / "1_MDC.txt").exists():
        pytest.skip(f"CASEMIX_DRG_SCHEME_DIR={d} has no 1_MDC.txt")
    return p


@pytest.fixture(scope="session")
def real_dir() -> Path:
    return _real_dir()


@pytest.fixture(scope="session")
def chs11(real_dir):
    return import_chs_drg(real_dir)


@pytest.fixture(scope="session")
def chs10p(real_dir):
    p = real_dir.parent / "CHS_DRG_10P"
    if not (p / "1_MDC.txt").exists():
        pytest.skip(f"no CHS_DRG_10P folder beside {real_dir}")
    return import_chs_drg(p)


@pytest.fixture(scope="session")
def demo():
    return load_scheme("demo")
