"""The procedure attribute list (手术 / 介入治疗 / 操作) that PX-002 and FEE-008 need.

The national 手术操作分类代码 publishes an attribute per code; the catalogue does not ship it. Until a
real attribute table is loaded, ``expectations/code_lists/procedure_attributes.csv`` is an
**approximation**: every code on the grouping scheme's operating-room (OR) procedure list is labelled 手术,
and nothing is labelled 介入治疗 or 操作 (codes absent from the file have no known attribute, so the
rules that need one do not apply to them). Each row says so in ``source``.

Re-derive it after changing scheme::

    python -m casemix.quality.attributes --scheme demo            # or a DRG_Rules / normalized folder
    python -m casemix.quality.attributes --scheme DIR --out other.csv

A real attribute table replaces the file (same columns, ``value`` ∈ {手术, 介入治疗, 操作}).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

LIST_NAME = "procedure_attributes"
ATTRIBUTES = ("手术", "介入治疗", "操作")


def derive_procedure_attributes(scheme: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Rows for the code-list file from a loaded scheme (``casemix.scheme.load_scheme``)."""
    orp = scheme["or_procedures"]
    versions = sorted(set(orp["scheme_version"].astype(str))) or ["?"]
    codes = sorted(set(orp["px_code"].dropna().astype(str)))
    v = "approx-" + "+".join(versions)
    return pd.DataFrame({
        "list": LIST_NAME, "version": v, "match": "exact", "code": codes, "code_to": "",
        "value": "手术", "label": "手术 (approximation)",
        "source": f"approximation: scheme OR-procedure list ({'+'.join(versions)})",
    })


def write_procedure_attributes(scheme_path: str, out: str | Path) -> Path:
    from casemix.scheme.io import load_scheme

    df = derive_procedure_attributes(load_scheme(scheme_path))
    out = Path(out)
    df.to_csv(out, index=False, encoding="utf-8", lineterminator="\n")
    return out


def main(argv: list[str] | None = None) -> int:
    from casemix.quality.codelists import code_lists_dir

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scheme", default="demo", help="'demo', a DRG_Rules folder or a normalized scheme folder")
    p.add_argument("--out", default=None, help="default: expectations/code_lists/procedure_attributes.csv")
    a = p.parse_args(argv)
    out = write_procedure_attributes(a.scheme, a.out or code_lists_dir() / f"{LIST_NAME}.csv")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
