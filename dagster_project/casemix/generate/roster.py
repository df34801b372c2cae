"""Hospitals, departments and staff of the synthetic region: ``roster(seed, n_hospitals)``.

Deterministic in (seed, n_hospitals) and independent of the grouping scheme, so the costing generator
can rebuild the same departments. Written beside the data as ``reference/hospitals.csv``,
``reference/departments.csv`` and ``reference/staff.csv``.

Hospitals alternate tertiary (三级, even index) and secondary (二级, odd index), all in one city (one
统筹区, so regional benchmarks make sense). Tertiary hospitals have the specialty departments of
``profiles.DEPARTMENTS``; secondary hospitals the general ones of ``SECONDARY_DEPARTMENTS``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from casemix.generate import identity, profiles

STAFF_PER_DEPT = {"KZR": (1, 1), "ZRYS": (1, 3), "ZZYS": (3, 6), "ZYYS": (3, 6), "ZRHS": (3, 6)}
HOSPITAL_STAFF = {"BMY": 3, "ZKYS": 2, "ZKHS": 2}
_TERTIARY_NAMES = ["第一人民医院", "中心医院", "第二人民医院", "人民医院", "第三人民医院", "中医院"]


@dataclass(frozen=True)
class Roster:
    hospitals: pd.DataFrame     # zzjgdm, jgmc, level, level_name, province, city, city_code, postcode, district, district_code
    departments: pd.DataFrame   # zzjgdm, dept_code, dept_name, dept_class, is_ward, beds, ward_name
    staff: pd.DataFrame         # zzjgdm, dept_code, role, staff_code, staff_name

    def write(self, folder: Path) -> list[Path]:
        folder.mkdir(parents=True, exist_ok=True)
        out = []
        for name, df in (("hospitals", self.hospitals), ("departments", self.departments),
                         ("staff", self.staff)):
            p = folder / f"{name}.csv"
            df.to_csv(p, index=False, encoding="utf-8", lineterminator="\n")
            out.append(p)
        return out


def hospital_level(i: int) -> int:
    return 3 if i % 2 == 0 else 2


def roster(seed: int, n_hospitals: int) -> Roster:
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 101]))
    prov, city, city_code, post, districts = identity.CITIES[int(seed) % len(identity.CITIES)]
    hosp_rows, dept_rows, staff_rows = [], [], []
    n_tert = n_sec = 0
    for i in range(n_hospitals):
        level = hospital_level(i)
        dname, dcode = districts[i % len(districts)]
        if level == 3:
            name = city + _TERTIARY_NAMES[n_tert % len(_TERTIARY_NAMES)]
            if n_tert >= len(_TERTIARY_NAMES):
                name = f"{city}第{n_tert + 1}医院"
            n_tert += 1
        else:
            name = f"{city}{dname}人民医院" if n_sec < len(districts) else f"{city}{dname}第{n_sec + 1}医院"
            n_sec += 1
        zzjgdm = identity.credit_code(dcode, int(seed) * 1000 + i + 1)
        hosp_rows.append(dict(zzjgdm=zzjgdm, jgmc=name, level=level, level_name="三级" if level == 3 else "二级",
                              province=prov, city=city, city_code=city_code, postcode=post + "000",
                              district=dname, district_code=dcode))
        codes = list(profiles.DEPARTMENTS) if level == 3 else list(profiles.SECONDARY_DEPARTMENTS)
        if level == 3:   # a tertiary hospital has specialty wards instead of general 内科/外科/妇产科
            codes = [c for c in codes if c not in ("03", "04", "05")]
        for code in codes:
            is_ward = code not in profiles.NON_WARD_DEPARTMENTS
            dept_class = "临床服务类" if is_ward else "医疗技术类"
            beds = int(rng.integers(30, 90) if level == 3 else rng.integers(20, 50)) if is_ward else 0
            dept_name = profiles.DEPARTMENTS[code]
            ward = (dept_name.replace("专业", "") + "病区") if is_ward else ""
            dept_rows.append(dict(zzjgdm=zzjgdm, dept_code=code, dept_name=dept_name, dept_class=dept_class,
                                  is_ward=is_ward, beds=beds, ward_name=ward))
            roles = STAFF_PER_DEPT if is_ward else {"KZR": (1, 1), "MZYS": (4, 8) if level == 3 else (2, 4)}
            for role, (lo, hi) in roles.items():
                k = int(rng.integers(lo, hi + 1))
                for nm in identity.names(rng, k).to_pylist():
                    staff_rows.append(dict(zzjgdm=zzjgdm, dept_code=code, role=role, staff_name=nm))
        for role, k in HOSPITAL_STAFF.items():
            for nm in identity.names(rng, k).to_pylist():
                staff_rows.append(dict(zzjgdm=zzjgdm, dept_code="", role=role, staff_name=nm))
    staff = pd.DataFrame(staff_rows)
    staff.insert(3, "staff_code", [f"{r.zzjgdm[-6:]}-{j:04d}" for j, r in enumerate(staff.itertuples())])
    return Roster(pd.DataFrame(hosp_rows), pd.DataFrame(dept_rows), staff)


def ward_department(dept_codes: list[str], wanted: str, kind: str) -> str:
    """The department of a hospital that receives a case wanted in ``wanted`` (parent fallback)."""
    if wanted in dept_codes:
        return wanted
    parent = wanted.split(".")[0]
    if parent in dept_codes:
        return parent
    if parent == "05" and "05" in dept_codes:
        return "05"
    return "04" if kind == "surgical" and "04" in dept_codes else ("03" if "03" in dept_codes else dept_codes[0])
