"""``generate(out_dir, seed, …)``: synthetic front-page extracts, defect manifest, roster and summary."""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from casemix.generate.cases import build_cases, make_schedule
from casemix.generate.catalog import Catalog, build_catalog
from casemix.generate.roster import roster as make_roster
from casemix.generate.writer import write_csv, write_xlsx
from casemix.layout import FEE_ITEMS, FEE_SUB_ITEMS
from casemix.pseudonymise import discharge_id

MANIFEST_COLUMNS = ["ZZJGDM", "BAH", "ZYCS", "discharge_id", "rule_id", "field", "description"]
_CATALOG_CACHE: dict[str, Catalog] = {}


@dataclass
class GenerateParams:
    seed: int = 42
    hospitals: int = 3
    start: str = "2022-01"
    months: int = 36
    cases_per_month: float = 60.0
    cases: int | None = None              # exact total (overrides cases_per_month's Poisson volumes)
    defect_rate: float = 0.02
    scheme: str = "demo"
    gb18030_share: float = 0.25
    xlsx_share: float = 0.08
    chinese_header_share: float = 0.2
    single_file: str | None = None
    dx_slots: int = 15
    px_slots: int = 7
    costing: bool = True                  # also write the costing inputs (landing/costing/)


_COSTING_COLUMNS = {"ZZJGDM", "CYKB", "CYSJ", "SJZYTS", "ZFY", *FEE_ITEMS, *FEE_SUB_ITEMS}


@dataclass
class GenerateResult:
    out_dir: Path
    files: list[Path]
    n_cases: int
    n_defects: int
    manifest: pd.DataFrame
    truth: pd.DataFrame = field(repr=False)
    seconds: dict = field(default_factory=dict)
    defects_available: bool = True


def load_catalog(scheme: str) -> Catalog:
    """The sampling catalogue of a scheme ('demo' or a folder), cached per process."""
    key = str(scheme)
    if key not in _CATALOG_CACHE:
        from casemix.scheme import load_scheme

        _CATALOG_CACHE[key] = build_catalog(load_scheme(scheme))
    return _CATALOG_CACHE[key]


def _injector():
    try:
        from casemix.generate.defects import inject_defects  # owned by the quality-rule engineer
    except ImportError:
        return None
    return inject_defects


def _file_formats(keys: list[str], p: GenerateParams) -> dict[str, dict]:
    """Deterministic per-file format (encoding, xlsx, header language) from the seed and the file key.

    With the default shares and at least 8 files, every format occurs at least once (the first files of a
    sorted list are forced to cover them), the rest are drawn.
    """
    rng = np.random.default_rng(np.random.SeedSequence([int(p.seed), 303]))
    out = {}
    for k in sorted(keys):
        u = rng.random(3)
        xlsx = u[0] < p.xlsx_share
        out[k] = dict(xlsx=bool(xlsx), encoding="gb18030" if (not xlsx and u[1] < p.gb18030_share) else "utf-8",
                      chinese=bool(u[2] < p.chinese_header_share))
    ks = sorted(keys)
    if len(ks) >= 8:   # guarantee coverage where the shares allow each format
        forced = []
        if p.xlsx_share > 0:
            forced.append(dict(xlsx=True, encoding="utf-8", chinese=False))
        if p.gb18030_share > 0:
            forced.append(dict(xlsx=False, encoding="gb18030", chinese=False))
        if p.chinese_header_share > 0:
            forced.append(dict(xlsx=False, encoding="utf-8", chinese=True))
            if p.gb18030_share > 0:
                forced.append(dict(xlsx=False, encoding="gb18030", chinese=True))
        if p.xlsx_share < 1 and p.gb18030_share < 1:
            forced.append(dict(xlsx=False, encoding="utf-8", chinese=False))
        step = max(1, len(ks) // max(len(forced), 1))
        for i, f in enumerate(forced):
            out[ks[(i * step + 1) % len(ks)]] = f
    return out


def generate(out_dir: str | Path, seed: int = 42, *, key: bytes | None = None, **kwargs) -> GenerateResult:
    """Generate extracts into ``out_dir`` (``front_page/``, ``manifest/``, ``reference/``).

    ``key`` is the pseudonymisation key for the manifest's ``discharge_id`` (default ``load_key()``).
    Other keyword arguments are the fields of :class:`GenerateParams`.
    """
    p = GenerateParams(seed=int(seed), **kwargs)
    out = Path(out_dir)
    t0 = time.perf_counter()
    secs = {}
    if key is None:
        from casemix.pseudonymise import load_key

        key = load_key()
    cat = load_catalog(p.scheme)
    secs["catalog"] = time.perf_counter() - t0

    t = time.perf_counter()
    ros = make_roster(p.seed, p.hospitals)
    sched_rng = np.random.default_rng(np.random.SeedSequence([p.seed, 404]))
    sched = make_schedule(ros, p.start, p.months, p.cases_per_month, p.cases, sched_rng)
    table, truth = build_cases(cat, ros, sched, p.seed, p.dx_slots, p.px_slots)
    secs["cases"] = time.perf_counter() - t

    # ---- defects (the quality engineer's injector), on the string frame
    t = time.perf_counter()
    inject = _injector()
    manifest = pd.DataFrame(columns=MANIFEST_COLUMNS)
    if inject is not None and p.defect_rate > 0 and table.num_rows:
        frame = table.to_pandas(types_mapper=pd.ArrowDtype)
        drng = np.random.default_rng(np.random.SeedSequence([p.seed, 505]))
        frame, rows = inject(frame, p.defect_rate, drng)
        table = pa.Table.from_pandas(frame[table.column_names].astype("string[pyarrow]"), preserve_index=False)
        table = table.cast(pa.schema([(c, pa.string()) for c in table.column_names]))
        rows = pd.DataFrame(rows)
        if len(rows):
            rows["discharge_id"] = [discharge_id(key, z, b, c) for z, b, c in
                                    zip(rows["ZZJGDM"], rows["BAH"], rows["ZYCS"])]
            for c in MANIFEST_COLUMNS:
                if c not in rows:
                    rows[c] = None
            manifest = rows[MANIFEST_COLUMNS].sort_values(["ZZJGDM", "BAH", "ZYCS", "rule_id", "field"],
                                                         kind="stable").reset_index(drop=True)
    secs["defects"] = time.perf_counter() - t

    # ---- write
    t = time.perf_counter()
    fp = out / "front_page"
    fp.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    summary_files = []
    if p.single_file:
        path = fp / p.single_file
        if path.suffix.lower() == ".xlsx":
            write_xlsx(table, path)
        else:
            write_csv(table, path)
        files.append(path)
        summary_files.append(dict(file=path.name, cases=table.num_rows, encoding="utf-8", xlsx=path.suffix == ".xlsx",
                                  chinese_header=False))
    else:
        keys = (truth["ZZJGDM"] + "_" + truth["month"].str.replace("-", "")).to_numpy()
        # rows are grouped by hospital then month (schedule order): split on key changes
        change = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1], True])
        uniq = [keys[i] for i in change[:-1]]
        formats = _file_formats(uniq, p)
        for s, e, k in zip(change[:-1], change[1:], uniq):
            part = table.slice(int(s), int(e - s))
            # within a file: discharge order
            part = part.take(pa.array(np.argsort(part.column("CYSJ").to_numpy(zero_copy_only=False), kind="stable")))
            fmt = formats[k]
            if fmt["xlsx"]:
                path = fp / f"{k}.xlsx"
                write_xlsx(part, path, chinese=fmt["chinese"])
            else:
                path = fp / f"{k}.csv"
                write_csv(part, path, encoding=fmt["encoding"], chinese=fmt["chinese"])
            files.append(path)
            summary_files.append(dict(file=path.name, cases=part.num_rows, encoding="xlsx" if fmt["xlsx"] else fmt["encoding"],
                                      xlsx=fmt["xlsx"], chinese_header=fmt["chinese"]))
    secs["write"] = time.perf_counter() - t

    md = out / "manifest"
    md.mkdir(parents=True, exist_ok=True)
    manifest.to_csv(md / "defects.csv", index=False, encoding="utf-8", lineterminator="\n")
    ros.write(out / "reference")
    if p.costing and table.num_rows:
        # costing inputs consistent with these cases (departments, ledgers sized on their charges)
        from casemix.generate.costing import generate_costing_inputs, summarise_front_page

        t = time.perf_counter()
        fp_cols = [c for c in table.column_names if c in _COSTING_COLUMNS]
        months = sorted(truth["month"].unique())
        generate_costing_inputs(out, p.seed, ros.departments, months,
                                summarise_front_page(table.select(fp_cols).to_pandas()))
        secs["costing"] = time.perf_counter() - t
    summary = dict(
        seed=p.seed, params=asdict(p), scheme_version=cat.scheme_version, n_cases=int(table.num_rows),
        n_defects=int(len(manifest)), defect_injector=inject is not None,
        files=summary_files, distributions=distribution_summary(truth),
    )
    (md / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                     encoding="utf-8")
    secs["total"] = time.perf_counter() - t0
    return GenerateResult(out, files, int(table.num_rows), int(len(manifest)), manifest, truth, secs,
                          inject is not None)


def distribution_summary(truth: pd.DataFrame) -> dict:
    """The headline distributions (documented in docs/generator.md, asserted in tests)."""
    if not len(truth):
        return {}
    los, zfy = truth["los"], truth["zfy"]
    by_level = truth.groupby("level")["has_or"].mean()
    by_sev = truth.groupby("severity")["zfy"].median()
    return {
        "los_median": float(los.median()), "los_p90": float(los.quantile(0.9)), "los_mean": round(float(los.mean()), 2),
        "cost_median": round(float(zfy.median()), 2), "cost_mean": round(float(zfy.mean()), 2),
        "cost_cv": round(float(zfy.std() / zfy.mean()), 3),
        "mcc_rate": round(float((truth["severity"] == 2).mean()), 4),
        "cc_rate": round(float((truth["severity"] == 1).mean()), 4),
        "death_rate": round(float(truth["death"].mean()), 4),
        "surgery_share_by_level": {str(k): round(float(v), 4) for k, v in by_level.items()},
        "median_cost_by_severity": {str(k): round(float(v), 2) for k, v in by_sev.items()},
        "median_cost_surgical": round(float(zfy[truth["has_or"]].median()), 2) if truth["has_or"].any() else None,
        "median_cost_non_surgical": round(float(zfy[~truth["has_or"]].median()), 2),
        "newborn_share": round(float(truth["newborn"].mean()), 4),
        "delivery_share": round(float(truth["delivery"].mean()), 4),
    }
