"""Synthetic costing inputs consistent with a front-page sample: ``generate_costing_inputs``.

Writes ``<out_dir>/costing/{departments,dept_mapping,cost_ledger,allocation_drivers,dept_revenue}.csv``,
deterministic in (seed, departments, months, case summary). Every roster department that discharges
patients (``is_ward``) becomes a clinical inpatient cost centre ``<code>-I`` with an outpatient half
``<code>-O``; non-ward roster departments (麻醉科) become medical-technical cost centres; each hospital
also gets the medical-technical, auxiliary and administrative departments of ``SUPPORT_DEPARTMENTS``.

Ledgers are sized from the cases of each department-month (``cases_by_dept_month``, see
``summarise_front_page``) so that case costs are plausible against 住院总费用: the clinical ledger books
the cases' drugs and materials (so the direct pool stays positive) plus a department-specific share of
their charges; overhead departments are sized on hospital revenue. When no case summary is given,
volumes are estimated from the roster's beds.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

# code, name, class, service kind (CCR), driver override, share of the class's hospital-level cost
SUPPORT_DEPARTMENTS = [
    ("MT-LAB", "检验科", "医疗技术类", "lab", "", 0.30),
    ("MT-RAD", "放射科", "医疗技术类", "imaging", "", 0.25),
    ("MT-US", "超声科", "医疗技术类", "imaging", "", 0.10),
    ("MT-PATH", "病理科", "医疗技术类", "pathology", "", 0.05),
    ("MT-PHARM", "药剂科", "医疗技术类", "", "", 0.10),
    ("MT-OR", "手术室", "医疗技术类", "surgery", "", 0.20),
    ("AX-CSSD", "消毒供应中心", "医疗辅助类", "", "", 0.35),
    ("AX-MR", "病案室", "医疗辅助类", "", "", 0.15),
    ("AX-BILL", "住院结算处", "医疗辅助类", "", "", 0.25),
    ("AX-NUT", "营养科", "医疗辅助类", "", "", 0.25),
    ("AD-OFFICE", "院办", "行政后勤类", "", "", 0.20),
    ("AD-FIN", "财务科", "行政后勤类", "", "", 0.20),
    ("AD-HR", "人事科", "行政后勤类", "", "", 0.15),
    ("AD-LOG", "后勤保障科", "行政后勤类", "", "floor_area", 0.30),
    ("AD-IT", "信息科", "行政后勤类", "", "", 0.15),
]
# Hospital-level cost of each class as a share of hospital revenue (inpatient + outpatient).
CLASS_COST_SHARE = {"医疗技术类": 0.10, "医疗辅助类": 0.03, "行政后勤类": 0.05}
# Split of non-drug, non-material cost over the other cost items.
OTHER_ITEMS = {"personnel": 0.60, "depreciation": 0.15, "amortization": 0.02, "risk_fund": 0.01,
               "other_operating": 0.22}
OUTPATIENT_REVENUE_SHARE = 0.40   # outpatient revenue of a department vs its inpatient charges
SUMMARY_COLUMNS = ["hospital_id", "dept_code", "month", "cases", "bed_days", "total_amount", "drug_amount",
                   "material_amount", "lab_amount", "imaging_amount", "pathology_amount", "surgery_amount"]
_FP = {"drug_amount": ["XYF", "ZCYF", "ZCYF1"], "material_amount": ["HCYYCLF", "YYCLF", "YCXYYCLF"],
       "lab_amount": ["SYSZDF"], "imaging_amount": ["YXXZDF"], "pathology_amount": ["BLZDF"],
       "surgery_amount": ["SSZLF"]}


def summarise_front_page(frame: pd.DataFrame) -> pd.DataFrame:
    """Case summary per hospital × 出院科别 × month from front-page rows (pinyin columns ZZJGDM, CYKB, CYSJ,
    SJZYTS, ZFY and the fee items): the ``cases_by_dept_month`` argument of generate_costing_inputs."""
    f = pd.DataFrame({
        "hospital_id": frame["ZZJGDM"].astype(str),
        "dept_code": frame["CYKB"].astype(str),
        "month": pd.to_datetime(frame["CYSJ"]).dt.strftime("%Y-%m"),
        "cases": 1,
        "bed_days": pd.to_numeric(frame.get("SJZYTS", 0), errors="coerce").fillna(0).clip(lower=1),
        "total_amount": pd.to_numeric(frame["ZFY"], errors="coerce").fillna(0),
    })
    for out, cols in _FP.items():
        f[out] = sum(pd.to_numeric(frame[c], errors="coerce").fillna(0) if c in frame else 0 for c in cols)
    return f.groupby(["hospital_id", "dept_code", "month"], as_index=False).sum()


def _months(months) -> list[str]:
    out = []
    for m in months:
        if isinstance(m, (dt.date, pd.Timestamp)):
            out.append(f"{m.year:04d}-{m.month:02d}")
        else:
            out.append(str(m)[:7])
    return sorted(set(out))


def _estimate(departments: pd.DataFrame, months: list[str], rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for d in departments.itertuples():
        if not d.is_ward:
            continue
        for m in months:
            bed_days = float(d.beds) * 30 * rng.uniform(0.8, 1.0)
            total = bed_days * rng.uniform(1100, 1600)
            rows.append((d.zzjgdm, d.dept_code, m, bed_days / 8, bed_days, total, 0.30 * total, 0.15 * total,
                         0.08 * total, 0.06 * total, 0.01 * total, 0.05 * total))
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def _r(x: float) -> str:
    return f"{round(float(x) + 1e-9, 2):.2f}"


def generate_costing_inputs(out_dir: str | Path, seed: int, departments_frame: pd.DataFrame, months,
                            cases_by_dept_month: pd.DataFrame | None = None) -> list[Path]:
    """Write the five costing input files under ``<out_dir>/costing/``; returns their paths.

    ``departments_frame``: the roster's departments (zzjgdm, dept_code, dept_name, is_ward, beds, ward_name).
    ``months``: the months to cover ('YYYY-MM' strings or dates).
    ``cases_by_dept_month``: optional case summary (``summarise_front_page``); department-months without
    cases get no clinical ledger beyond a small fixed cost.
    """
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 606]))
    months = _months(months)
    deps = departments_frame.copy()
    deps["is_ward"] = deps["is_ward"].astype(str).str.lower().isin(["true", "1", "yes"])
    summary = (cases_by_dept_month.copy() if cases_by_dept_month is not None
               else _estimate(deps, months, rng))
    for c in SUMMARY_COLUMNS[3:]:
        if c not in summary:
            summary[c] = summary["total_amount"] * {"cases": 0, "bed_days": 0}.get(c, 0)
    summary["month"] = summary["month"].astype(str).str[:7]
    summary = summary[summary["month"].isin(months)]
    vol = {(r.hospital_id, r.dept_code, r.month): r for r in summary.itertuples(index=False)}

    dept_rows, map_rows, ledger, drivers, revenue = [], [], [], [], []
    for hosp, hd in deps.groupby("zzjgdm", sort=True):
        hd = hd.sort_values("dept_code")
        wards = [d for d in hd.itertuples() if d.is_ward]
        others = [d for d in hd.itertuples() if not d.is_ward]
        factor = {d.dept_code: rng.uniform(0.12, 0.26) for d in wards}     # department cost level
        for d in wards:
            ward_name = d.ward_name if isinstance(d.ward_name, str) and d.ward_name else f"{d.dept_name}病区"
            dept_rows.append((hosp, f"{d.dept_code}-I", ward_name, "临床服务类", "住院", "", ""))
            dept_rows.append((hosp, f"{d.dept_code}-O", f"{d.dept_name}门诊", "临床服务类", "门诊", "", ""))
            map_rows.append((hosp, d.dept_code, f"{d.dept_code}-I", f"{d.dept_code}-O"))
        support = list(SUPPORT_DEPARTMENTS)
        for d in others:   # e.g. 麻醉科: a medical-technical department of the surgery kind
            support.append((d.dept_code, d.dept_name, "医疗技术类", "surgery", "", 0.10))
        for code, name, cls, kind, drv, _ in support:
            dept_rows.append((hosp, code, name, cls, "", drv, kind))
        heads = {code: int(rng.integers(5, 30)) for code, *_ in support}
        areas = {code: int(rng.integers(150, 800)) for code, *_ in support}
        class_weight: dict[str, float] = {}
        for _, _, cls, _, _, w in support:
            class_weight[cls] = class_weight.get(cls, 0) + w

        for m in months:
            month = f"{m}-01"
            hosp_rev = 0.0
            ward_vol = {}
            for d in wards:
                v = vol.get((hosp, d.dept_code, m))
                ward_vol[d.dept_code] = v
                total = float(v.total_amount) if v is not None else 0.0
                hosp_rev += total * (1 + OUTPATIENT_REVENUE_SHARE)
            for d in wards:
                v = ward_vol[d.dept_code]
                ic, oc = f"{d.dept_code}-I", f"{d.dept_code}-O"
                total = float(v.total_amount) if v is not None else 0.0
                fixed = max(total * factor[d.dept_code], float(d.beds) * 300)
                ledger.append((hosp, m, ic, "drugs", "own", _r(v.drug_amount if v is not None else 0)))
                ledger.append((hosp, m, ic, "medical_materials", "own",
                               _r(v.material_amount if v is not None else 0)))
                for item, share in OTHER_ITEMS.items():
                    amt = fixed * share
                    if item == "personnel":
                        ledger.append((hosp, m, ic, item, "fiscal_basic", _r(amt * 0.15)))
                        amt *= 0.85
                    if item == "depreciation":
                        ledger.append((hosp, m, ic, item, "fiscal_project", _r(amt * 0.10)))
                        amt *= 0.90
                    ledger.append((hosp, m, ic, item, "own", _r(amt)))
                out_rev = total * OUTPATIENT_REVENUE_SHARE
                for item, share in OTHER_ITEMS.items():
                    ledger.append((hosp, m, oc, item, "own", _r(out_rev * 0.30 * share)))
                ledger.append((hosp, m, oc, "drugs", "own", _r(out_rev * 0.40)))
                revenue.append((hosp, m, ic, "inpatient", _r(total)))
                revenue.append((hosp, m, oc, "outpatient", _r(out_rev)))
                beds = max(int(d.beds), 1)
                drivers.append((hosp, month, "headcount", "", ic, beds // 2 + 4))
                drivers.append((hosp, month, "headcount", "", oc, 4))
                drivers.append((hosp, month, "floor_area", "", ic, beds * 25))
                drivers.append((hosp, month, "floor_area", "", oc, 200))
                bd = float(v.bed_days) if v is not None else 0.0
                cases = float(v.cases) if v is not None else 0.0
                for src, qty in (("AX-CSSD", bd), ("AX-MR", cases), ("AX-BILL", cases), ("AX-NUT", bd)):
                    if qty > 0:
                        drivers.append((hosp, month, "service_volume", src, ic, round(qty, 2)))
                if out_rev > 0:
                    drivers.append((hosp, month, "service_volume", "AX-CSSD", oc, round(out_rev / 1000, 2)))
                if v is not None:
                    orders = {"MT-LAB": v.lab_amount, "MT-RAD": 0.7 * v.imaging_amount,
                              "MT-US": 0.3 * v.imaging_amount, "MT-PATH": v.pathology_amount,
                              "MT-OR": v.surgery_amount, "MT-PHARM": v.drug_amount}
                    for d2 in others:
                        orders[d2.dept_code] = 0.3 * v.surgery_amount
                    for src, amt in orders.items():
                        if amt > 0:
                            drivers.append((hosp, month, "ordering_revenue", src, ic, round(float(amt), 2)))
                    # outpatient orders: lab, imaging and pharmacy only
                    for src, share in (("MT-LAB", 0.10), ("MT-RAD", 0.05), ("MT-US", 0.04), ("MT-PHARM", 0.40)):
                        drivers.append((hosp, month, "ordering_revenue", src, oc, round(out_rev * share, 2)))
            # overhead departments: sized on hospital revenue, split by their weight within the class
            for code, name, cls, kind, drv, w in support:
                cost = hosp_rev * CLASS_COST_SHARE[cls] * w / class_weight[cls]
                for item, share in OTHER_ITEMS.items():
                    ledger.append((hosp, m, code, item, "own", _r(cost * share)))
                if cls != "行政后勤类":
                    drivers.append((hosp, month, "headcount", "", code, heads[code]))
                    drivers.append((hosp, month, "floor_area", "", code, areas[code]))
                if code == "MT-OR":
                    drivers.append((hosp, month, "service_volume", "AX-CSSD", code, round(hosp_rev / 5000, 2)))
            ledger.append((hosp, m, "AD-OFFICE", "other_operating", "research_teaching", _r(hosp_rev * 0.005)))

    out = Path(out_dir) / "costing"
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "departments": (["hospital_id", "cost_center_code", "cost_center_name", "dept_class", "care_setting",
                         "allocation_driver", "service_kind"], dept_rows),
        "dept_mapping": (["hospital_id", "discharge_dept_code", "inpatient_cost_center_code",
                          "outpatient_cost_center_code"], map_rows),
        "cost_ledger": (["hospital_id", "month", "cost_center_code", "cost_item", "fund_source", "amount"],
                        [(h, m, *rest) for h, m, *rest in ledger]),
        "allocation_drivers": (["hospital_id", "month", "driver", "source_cost_center_code",
                                "target_cost_center_code", "quantity"], drivers),
        "dept_revenue": (["hospital_id", "month", "cost_center_code", "patient_type", "amount"], revenue),
    }
    paths = []
    for name, (header, rows) in files.items():
        p = out / f"{name}.csv"
        pd.DataFrame(rows, columns=header).to_csv(p, index=False, encoding="utf-8", lineterminator="\n")
        paths.append(p)
    return paths
