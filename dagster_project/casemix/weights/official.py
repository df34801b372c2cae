"""Load an official weight table (CSV or XLSX with a DRG code and RW or base points) into the seed format of
dbt/seeds/official_weights.csv (scheme_version, weight_version, drg_code, rw, base_points).

    python -m casemix.weights.official table.xlsx --scheme CHS-DRG-1.1 --version HRB-2024

Rows of the same scheme_version × weight_version already in the seed are replaced; other versions stay.
Then add (or activate) a row with method official in dbt/seeds/weight_versions.csv and run `dbt seed`.
"""

from __future__ import annotations

import argparse
import csv
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

SEED = Path(__file__).resolve().parents[3] / "dbt" / "seeds" / "official_weights.csv"
COLUMNS = ["scheme_version", "weight_version", "drg_code", "rw", "base_points"]

# header spellings seen in published tables (lower-cased, spaces removed)
DRG_NAMES = ("drg_code", "drg", "drg编码", "drg代码", "drg组编码", "病组编码", "病组代码", "分组编码", "drgs编码")
RW_NAMES = ("rw", "权重", "相对权重", "病组权重", "drg权重", "relative_weight")
POINTS_NAMES = ("base_points", "基准点数", "点数", "病组点数", "基准分值")


def _norm(name: object) -> str:
    return re.sub(r"\s+", "", str(name or "")).lower()


def _pick(header: list[str], wanted: str | None, names: tuple[str, ...]) -> int | None:
    normed = [_norm(h) for h in header]
    if wanted is not None:
        return normed.index(_norm(wanted))
    for n in names:
        if n in normed:
            return normed.index(n)
    return None


def _number(v: object) -> str:
    if v is None or str(v).strip() == "":
        return ""
    try:
        d = Decimal(str(v).strip().replace(",", "")).normalize()
        return format(d, "f")
    except InvalidOperation as e:
        raise ValueError(f"not a number: {v!r}") from e


def _read(path: Path, sheet: str | None) -> list[list[object]]:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True, data_only=True)
        ws = wb[sheet] if sheet else wb.worksheets[0]
        return [list(r) for r in ws.iter_rows(values_only=True)]
    for enc in ("utf-8-sig", "gb18030"):
        try:
            with path.open(encoding=enc, newline="") as f:
                return [row for row in csv.reader(f)]
        except UnicodeDecodeError:
            continue
    raise ValueError(f"{path}: neither UTF-8 nor GB18030")


def import_official(path: str | Path, scheme_version: str, weight_version: str, *, seed: str | Path | None = None,
                    sheet: str | None = None, drg_column: str | None = None, rw_column: str | None = None,
                    points_column: str | None = None) -> int:
    """Write the table at `path` into the seed (default dbt/seeds/official_weights.csv); returns the rows written.

    The header row is the first row that names a DRG column and an RW or base-points column. A row without a
    DRG code is skipped; a DRG code twice is an error."""
    rows = _read(Path(path), sheet)
    for i, header in enumerate(rows):
        header = [str(h or "") for h in header]
        try:
            d = _pick(header, drg_column, DRG_NAMES)
            r = _pick(header, rw_column, RW_NAMES)
            p = _pick(header, points_column, POINTS_NAMES)
        except ValueError:
            continue
        if d is not None and (r is not None or p is not None):
            break
    else:
        raise ValueError(f"{path}: no header with a DRG code column and an RW or base-points column")
    out: dict[str, tuple[str, str]] = {}
    for row in rows[i + 1:]:
        code = str(row[d] or "").strip() if d < len(row) else ""
        if not code:
            continue
        rw = _number(row[r]) if r is not None and r < len(row) else ""
        pts = _number(row[p]) if p is not None and p < len(row) else ""
        if not rw and not pts:
            raise ValueError(f"{path}: DRG {code} has neither RW nor base points")
        if code in out:
            raise ValueError(f"{path}: DRG {code} appears twice")
        out[code] = (rw, pts)
    seed = Path(seed) if seed else SEED
    kept: list[list[str]] = []
    if seed.exists():
        with seed.open(encoding="utf-8", newline="") as f:
            kept = [row for row in csv.DictReader(f)
                    if (row["scheme_version"], row["weight_version"]) != (scheme_version, weight_version)]
            kept = [[row[c] for c in COLUMNS] for row in kept]
    new = [[scheme_version, weight_version, code, rw, pts] for code, (rw, pts) in sorted(out.items())]
    with seed.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(COLUMNS)
        w.writerows(kept + new)
    return len(new)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path")
    ap.add_argument("--scheme", required=True, help="scheme_version, e.g. CHS-DRG-1.1")
    ap.add_argument("--version", required=True, help="weight_version name")
    ap.add_argument("--seed", default=None, help=f"seed file (default {SEED})")
    ap.add_argument("--sheet", default=None)
    ap.add_argument("--drg-column", default=None)
    ap.add_argument("--rw-column", default=None)
    ap.add_argument("--points-column", default=None)
    a = ap.parse_args(argv)
    n = import_official(a.path, a.scheme, a.version, seed=a.seed, sheet=a.sheet, drg_column=a.drg_column,
                        rw_column=a.rw_column, points_column=a.points_column)
    print(f"{n} DRG weights of {a.scheme} / {a.version} written to {a.seed or SEED}")


if __name__ == "__main__":
    main()
