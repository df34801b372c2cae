"""Assemble complete front-page records (the HQMS wide layout, every value a string) from the roster,
the schedule of discharges and the clinical sample.

``build_cases`` returns an Arrow table whose columns are ``layout.hqms_header(dx_slots, px_slots)`` in
order, all ``string`` (null = empty field), plus a ``truth`` DataFrame with what the generator knows but
the extract does not carry (ADRG, severity, hospital level, surgery flag) for tests and the summary.

Speed: categorical fields are integer indices into small vocabularies turned into strings by Arrow
``take``; free text (names, addresses) is joined by Arrow kernels; numbers and dates are formatted from
digit matrices. No Python object per case is created, so a million cases take seconds.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from casemix.generate import identity, profiles
from casemix.generate.catalog import EXTERNAL_CAUSES, MORPHOLOGY, Catalog
from casemix.generate.clinical import Clinical, sample_clinical
from casemix.generate.fees import fee_cents
from casemix.generate.identity import digits, fixed_ascii, vocab, ymd
from casemix.generate.roster import Roster, ward_department
from casemix.layout import FEE_ITEMS, FEE_SUB_ITEMS, PX_SLOT_FIELDS, hqms_header

DAY = np.timedelta64(1, "D")
SEC = np.timedelta64(1, "s")
AREA_CODES = {"杭州市": "0571", "南京市": "025", "成都市": "028", "郑州市": "0371", "武汉市": "027", "广州市": "020"}
_TIMING = os.environ.get("CASEMIX_GEN_TIMING") == "1"
_T0 = [0.0]


def _tick(label: str) -> None:
    """Section timings on stderr when CASEMIX_GEN_TIMING=1 (profiling aid)."""
    if _TIMING:
        now = time.perf_counter()
        print(f"  {label:<28} {now - _T0[0]:7.2f}s", file=sys.stderr)
        _T0[0] = now


@dataclass
class Schedule:
    hospital: np.ndarray      # index into roster.hospitals
    month: np.ndarray         # datetime64[M] discharge month


def make_schedule(roster: Roster, start: str, months: int, cases_per_month: float, total: int | None,
                  rng: np.random.Generator) -> Schedule:
    """Discharges per hospital × month: Poisson around the level volume × season, or exactly ``total``."""
    h = roster.hospitals
    m0 = np.datetime64(start[:7], "M")
    ms = m0 + np.arange(months)
    moy = ms.astype(int) % 12
    vol = np.array([profiles.LEVEL_VOLUME[int(lv)] for lv in h["level"]])
    season = np.array(profiles.SEASON)[moy]
    mean = cases_per_month * vol[:, None] * season[None, :]
    if total is None:
        counts = rng.poisson(mean)
    else:
        exact = total * mean / mean.sum()
        counts = np.floor(exact).astype(np.int64)
        rest = int(total - counts.sum())
        if rest:
            frac = (exact - counts).ravel()
            top = np.argsort(-frac, kind="stable")[:rest]
            counts.ravel()[top] += 1
    hosp = np.repeat(np.repeat(np.arange(len(h)), months), counts.ravel())
    mon = np.repeat(np.tile(ms, len(h)), counts.ravel())
    return Schedule(hosp, mon)


# ---------------------------------------------------------------------------------------------------
# column helpers (all return Arrow string arrays)

def _choice(rng, mapping: dict, n: int) -> tuple[list[str], np.ndarray]:
    keys = list(mapping)
    p = np.array(list(mapping.values()), float)
    return keys, rng.choice(len(keys), size=n, p=p / p.sum())


def _take(values, idx: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    """``values[idx]`` as strings; ``idx < 0`` or ``mask`` True -> null."""
    voc = values if isinstance(values, pa.Array) else vocab(values)
    m = idx < 0 if mask is None else (mask | (idx < 0))
    return voc.take(pa.array(np.maximum(idx, 0), mask=m))


def _null_where(arr: pa.Array, mask: np.ndarray) -> pa.Array:
    if not mask.any():
        return arr
    return pc.if_else(pa.array(mask), pa.scalar(None, pa.string()), arr)


def _int(values: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    return pc.cast(pa.array(np.asarray(values, dtype=np.int64), mask=mask), pa.string())


def _date(d: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    y, m, dd = ymd(np.where(np.isnat(d), np.datetime64("2000-01-01"), d).astype("datetime64[D]"))
    mat = np.empty((len(d), 10), np.uint8)
    mat[:, 0:4] = identity.digit_matrix(y, 4)
    mat[:, 4] = mat[:, 7] = ord("-")
    mat[:, 5:7] = identity.digit_matrix(m, 2)
    mat[:, 8:10] = identity.digit_matrix(dd, 2)
    out = fixed_ascii(mat)
    return out if mask is None else _null_where(out, mask)


def _datetime(ts: np.ndarray) -> pa.Array:
    day = ts.astype("datetime64[D]")
    secs = (ts - day.astype("datetime64[s]")).astype(np.int64)
    y, m, dd = ymd(day)
    mat = np.empty((len(ts), 19), np.uint8)
    mat[:, 0:4] = identity.digit_matrix(y, 4)
    mat[:, 4] = mat[:, 7] = ord("-")
    mat[:, 5:7] = identity.digit_matrix(m, 2)
    mat[:, 8:10] = identity.digit_matrix(dd, 2)
    mat[:, 10] = ord(" ")
    mat[:, 11:13] = identity.digit_matrix(secs // 3600, 2)
    mat[:, 13] = mat[:, 16] = ord(":")
    mat[:, 14:16] = identity.digit_matrix(secs // 60 % 60, 2)
    mat[:, 17:19] = identity.digit_matrix(secs % 60, 2)
    return fixed_ascii(mat)


def _cents(c: np.ndarray) -> pa.Array:
    buf = np.stack([c, np.where(c < 0, -1, 0)], axis=1).astype(np.int64)
    dec = pa.Array.from_buffers(pa.decimal128(18, 2), len(c), [None, pa.py_buffer(buf.tobytes())])
    return pc.cast(dec, pa.string())


def _join(*parts) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def _completed_years(birth: np.ndarray, ref: np.ndarray) -> np.ndarray:
    by, bm, bd = ymd(birth)
    ry, rm, rd = ymd(ref)
    return ry - by - ((rm < bm) | ((rm == bm) & (rd < bd)))


def _minus_years(d: np.ndarray, k: np.ndarray) -> np.ndarray:
    """The same month/day ``k`` years earlier (29 Feb -> 28 Feb in a common year)."""
    y, m, dd = ymd(d)
    ty = y - k
    leap = (ty % 4 == 0) & ((ty % 100 != 0) | (ty % 400 == 0))
    dd = np.where((m == 2) & (dd == 29) & ~leap, 28, dd)
    months = ((ty - 1970) * 12 + (m - 1)).astype("datetime64[M]")
    return months.astype("datetime64[D]") + (dd - 1) * DAY


def _pick_grouped(rng, keys: np.ndarray, table_keys: np.ndarray) -> np.ndarray:
    """For each case key, the position of a random table row with that key (-1 if none)."""
    order = np.argsort(table_keys, kind="stable")
    tk = table_keys[order]
    lo = np.searchsorted(tk, keys, "left")
    hi = np.searchsorted(tk, keys, "right")
    cnt = hi - lo
    off = np.floor(rng.random(len(keys)) * np.maximum(cnt, 1)).astype(np.int64)
    return np.where(cnt > 0, order[np.minimum(lo + off, len(order) - 1)], -1)


# ---------------------------------------------------------------------------------------------------

def build_cases(cat: Catalog, roster: Roster, sched: Schedule, seed: int, dx_slots: int, px_slots: int
                ) -> tuple[pa.Table, pd.DataFrame]:
    _T0[0] = time.perf_counter()
    ss = np.random.SeedSequence([int(seed), 202])
    r_clin, r_time, r_demo, r_fee, r_ident, r_misc = (np.random.default_rng(s) for s in ss.spawn(6))
    hosp = roster.hospitals
    n = len(sched.hospital)
    h = sched.hospital
    level = hosp["level"].to_numpy()[h]
    tertiary = level == 3

    cl: Clinical = sample_clinical(cat, level, r_clin, dx_slots, px_slots)
    _tick("clinical sample")
    specs = cat.adrgs
    mdc_list = sorted({a.mdc for a in specs})
    mdc_of_spec = np.array([mdc_list.index(a.mdc) for a in specs])
    mdc_i = mdc_of_spec[cl.adrg]
    mdc = np.array(mdc_list)[mdc_i]
    kind = np.array([a.kind for a in specs])[cl.adrg]
    surgical = kind == "surgical"
    newborn = cl.age_days >= 0
    nb28 = newborn & (cl.age_days <= 28)
    obst = np.array([a.obstetric for a in specs])[cl.adrg]
    d_neo = np.append(cat.dx["neoplasm"].to_numpy(), False)
    d_ext = np.append(cat.dx["needs_external"].to_numpy(), False)
    p_or = np.append(cat.px["is_or"].to_numpy(), False)
    p_int = np.append(cat.px["interventional"].to_numpy(), False)
    px = cl.px
    has_px = px >= 0
    slot_or = p_or[px] & has_px
    slot_interv = p_int[px] & has_px & ~slot_or
    has_or = slot_or.any(axis=1)
    has_interv = slot_interv.any(axis=1)
    n_px = has_px.sum(axis=1)
    prof = [profiles.MDC_PROFILE.get(m, profiles.DEFAULT_MDC) for m in mdc_list]

    # ---- outcome and length of stay
    age = cl.age_years
    bw = cl.birth_weight
    p_death = 0.0015 + 0.004 * (cl.severity == 1) + 0.07 * (cl.severity == 2)
    p_death *= np.select([age >= 75, age >= 60, age >= 15], [2.2, 1.2, 0.6], 0.3)
    p_death = np.where(obst, p_death * 0.02, p_death)
    p_death = np.where(nb28, np.where(bw < 1500, 0.06, 0.002), p_death)
    death = r_misc.random(n) < p_death
    base = np.select([obst & surgical, obst, newborn, surgical, kind == "non_or"],
                     [5.0, 3.0, 6.0, 9.0, 5.0], 6.5)
    base = base * np.where(nb28 & (bw < 1500), 2.5, np.where(nb28 & (bw < 2500), 1.6, 1.0))
    med = base * np.array([a.los_factor for a in specs])[cl.adrg]
    med *= np.select([cl.severity == 2, cl.severity == 1], [1.6, 1.2], 1.0)
    med *= np.select([age >= 75, (age < 15) & ~newborn], [1.15, 0.7], 1.0) * np.where(tertiary, 1.0, 0.92)
    los = np.floor(med * np.exp(0.5 * r_misc.standard_normal(n))).astype(np.int64)
    los = np.where(death, np.floor(los * r_misc.uniform(0.2, 1.0, n)).astype(np.int64), los)
    los = np.clip(los, np.where(has_px.any(axis=1), 1, 0), 60)
    sjzyts = np.maximum(1, los)

    # ---- times: discharge in the scheduled month, admission LOS days earlier
    month = sched.month
    days_in = ((month + 1).astype("datetime64[D]") - month.astype("datetime64[D]")).astype(np.int64)
    dis_date = month.astype("datetime64[D]") + np.floor(r_time.random(n) * days_in).astype(np.int64) * DAY
    dis_sec = np.where(death, r_time.integers(0, 86400, n), r_time.integers(9 * 3600, 17 * 3600, n))
    rytj_k, rytj = _choice(r_misc, profiles.VALUES["RYTJ"], n)
    emergency = np.array(rytj_k)[rytj] == "1"
    adm_sec = np.where(emergency, r_time.integers(0, 86400, n), r_time.integers(8 * 3600, 18 * 3600, n))
    same_day = los == 0
    dis_sec = np.where(same_day, np.maximum(dis_sec, 10 * 3600), dis_sec)
    adm_sec = np.where(same_day, np.floor(r_time.random(n) * (dis_sec - 600)).astype(np.int64), adm_sec)
    adm_date = dis_date - los * DAY
    cysj = dis_date.astype("datetime64[s]") + dis_sec * SEC
    rysj = adm_date.astype("datetime64[s]") + adm_sec * SEC

    # ---- birth date consistent with NL (completed years at RYSJ) and BZYZS_NL (days)
    csrq = np.empty(n, "datetime64[D]")
    csrq[newborn] = adm_date[newborn] - cl.age_days[newborn] * DAY
    old = ~newborn
    lower = _minus_years(adm_date[old], age[old] + 1)
    upper = _minus_years(adm_date[old], age[old])
    span = (upper - lower).astype(np.int64)
    csrq[old] = lower + (1 + np.floor(r_demo.random(int(old.sum())) * span).astype(np.int64)) * DAY
    nl = _completed_years(csrq, adm_date)
    assert (nl == age).all(), "birth date construction broke NL"
    bzyzs = np.where(newborn, (adm_date - csrq).astype(np.int64), -1)
    _tick("stay, dates")

    # ---- departments and staff (integer keys: hospital × department)
    dept = roster.departments
    dcodes = sorted(set(dept["dept_code"]) | set(profiles.DEPARTMENTS))
    d_ix = {c: i for i, c in enumerate(dcodes)}
    nd = len(dcodes)
    hz = hosp["zzjgdm"].tolist()
    resolve = np.zeros((len(hz), nd, 2), np.int64)          # [hospital, wanted dept, surgical] -> ward
    for hi, z in enumerate(hz):
        wards = [c for c in dept.loc[dept["zzjgdm"] == z, "dept_code"] if c not in profiles.NON_WARD_DEPARTMENTS]
        for c in dcodes:
            resolve[hi, d_ix[c], 0] = d_ix[ward_department(wards, c, "medical")]
            resolve[hi, d_ix[c], 1] = d_ix[ward_department(wards, c, "surgical")]
    med_d = np.array([d_ix[p["med"]] for p in prof])[mdc_i]
    surg_d = np.array([d_ix[p["surg"]] for p in prof])[mdc_i]
    wanted = np.where(surgical, surg_d, med_d)
    wanted = np.where(newborn, d_ix["07.01"], wanted)
    wanted = np.where(~newborn & (age < 15) & ~surgical, d_ix[profiles.PEDIATRIC_DEPT], wanted)
    cykb = resolve[h, wanted, surgical.astype(int)]
    has_er = np.array([((dept["zzjgdm"] == z) & (dept["dept_code"] == "20")).any() for z in hz])
    via_er = emergency & (r_misc.random(n) < 0.08) & has_er[h] & (cykb != d_ix["20"])
    rykb = np.where(via_er, d_ix["20"], cykb)
    ward_by_key = dict(zip(zip(dept["zzjgdm"].map(hz.index), dept["dept_code"].map(d_ix)), dept["ward_name"]))
    ward_names = [""] * (len(hz) * nd)
    for (hi, di_), wn in ward_by_key.items():
        ward_names[hi * nd + di_] = wn
    ward_voc = vocab(ward_names)
    st = roster.staff
    st_h = st["zzjgdm"].map(hz.index).to_numpy()
    st_d = st["dept_code"].map(lambda c: d_ix.get(c, nd)).to_numpy()   # '' -> nd (hospital level)
    st_key = st_h * (nd + 1) + st_d
    st_names = vocab(st["staff_name"])
    case_key = h * (nd + 1) + cykb
    hosp_key = h * (nd + 1) + nd
    anaes_key = h * (nd + 1) + d_ix["26"]
    roles = st["role"].to_numpy()

    def staff(role: str, keys: np.ndarray) -> np.ndarray:
        rows = np.flatnonzero(roles == role)
        pos = _pick_grouped(r_ident, keys, st_key[rows])
        return np.where(pos >= 0, rows[np.maximum(pos, 0)], -1)

    zzys, zrys, zyys = staff("ZZYS", case_key), staff("ZRYS", case_key), staff("ZYYS", case_key)
    mzys = staff("MZYS", anaes_key)
    _tick("departments, staff")

    # ---- payer, identity
    ylf_k, ylf = _choice(r_ident, profiles.VALUES["YLFKFS"], n)
    self_pay = np.array(ylf_k)[ylf] == "07"
    hrow = hosp.iloc[0]
    prov_name, city_name = hrow["province"], hrow["city"]
    cities = [c for c in identity.CITIES if c[0] == prov_name and c[1] == city_name]
    districts = cities[0][4] if cities else [(hrow["district"], hrow["district_code"])]
    post_prefix = int(cities[0][3]) if cities else 100
    di = r_ident.integers(0, len(districts), n)
    dist_voc = vocab([d[0] for d in districts])
    dist_code = np.array([int(d[1]) for d in districts], dtype=np.int64)[di]
    prefix = prov_name + city_name
    street_i = r_ident.integers(0, len(identity.STREETS), n)
    house = _int(r_ident.integers(1, 400, n))
    xzz = _join(prefix, dist_voc.take(pa.array(di)), vocab(identity.STREETS).take(pa.array(street_i)), house, "号")
    yb1_num = post_prefix * 1000 + dist_code % 1000
    same_hk = r_ident.random(n) < 0.8
    di2 = np.where(same_hk, di, r_ident.integers(0, len(districts), n))
    st2 = np.where(same_hk, street_i, r_ident.integers(0, len(identity.STREETS), n))
    hkdz = _join(prefix, dist_voc.take(pa.array(di2)), vocab(identity.STREETS).take(pa.array(st2)), house, "号")
    yb2_num = post_prefix * 1000 + np.array([int(d[1]) for d in districts])[di2] % 1000
    mother = identity.names(r_ident, n)
    xm = pc.if_else(pa.array(nb28), _join(mother, vocab(["之子", "之女"]).take(pa.array(cl.sex - 1))),
                    identity.names(r_ident, n))
    sfzh = identity.id_numbers(r_ident, dist_code, csrq, cl.sex)
    dh = identity.mobile_phones(r_ident, n)
    occ = list(profiles.OCCUPATION_EMPLOYED) + list(profiles.OCCUPATION_OTHER) + \
        [profiles.OCCUPATION_STUDENT, profiles.OCCUPATION_RETIRED, profiles.OCCUPATION_PRESCHOOL]
    n_emp, n_oth = len(profiles.OCCUPATION_EMPLOYED), len(profiles.OCCUPATION_OTHER)
    zy_i = np.where(age < 6, n_emp + n_oth + 2, np.where(age < 19, n_emp + n_oth, np.where(
        age >= 62, n_emp + n_oth + 1, np.where(r_ident.random(n) < 0.7, r_ident.integers(0, n_emp, n),
                                               n_emp + r_ident.integers(0, n_oth, n)))))
    employed = zy_i < n_emp
    student = zy_i == n_emp + n_oth
    u = r_ident.random(n)
    hy = np.where(age < 20, "1", np.where(age < 26, np.where(u < 0.5, "1", "2"), np.where(
        u < 0.84, "2", np.where(u < 0.90, "1", np.where((u < 0.95) & (age >= 60), "3", "4")))))
    hy = np.where(obst, np.where(u < 0.97, "2", "1"), hy)
    hy_voc = ["1", "2", "3", "4", "9"]
    hy_i = np.searchsorted(np.array(hy_voc), hy)
    employer = vocab(identity.EMPLOYERS).take(pa.array(r_ident.integers(0, len(identity.EMPLOYERS), n)))
    school = vocab(identity.SCHOOLS).take(pa.array(r_ident.integers(0, len(identity.SCHOOLS), n)))
    gzdw = pc.if_else(pa.array(employed), _join(city_name, employer),
                      pc.if_else(pa.array(student), _join(city_name, school), xzz))
    landline = _join(AREA_CODES.get(city_name, "010") + "-8", digits(r_ident.integers(0, 10**7, n), 7))
    dwdh = pc.if_else(pa.array(employed), landline, dh)
    yb3_num = np.where(employed, np.roll(yb1_num, 3), yb1_num)
    married = hy == "2"
    gx_voc = [profiles.GX_CODES[k] for k in ("spouse", "son", "daughter", "parent", "sibling")]
    gx_i = np.where(age < 18, 3, np.where(married & (r_ident.random(n) < 0.65), 0, np.where(
        age >= 55, np.where(r_ident.random(n) < 0.5, 1, 2), np.where(r_ident.random(n) < 0.6, 3, 4))))
    lxrxm = pc.if_else(pa.array(nb28), mother, identity.names(r_ident, n))
    dh1 = identity.mobile_phones(r_ident, n)
    mz_k, mz_i = _choice(r_ident, {"01": 0.915, "03": 0.02, "08": 0.02, "06": 0.012, "02": 0.008, "10": 0.007,
                                   "05": 0.008, "99": 0.01}, n)
    jkkh = _null_where(digits(r_ident.integers(10**17, 10**18, n), 18), np.zeros(n, bool))
    jkkh = pc.if_else(pa.array(r_ident.random(n) < 0.55), jkkh, pa.scalar("-"))
    _tick("identity")

    # ---- BAH / ZYCS: unique per hospital, numbered in admission order
    order = np.lexsort((rysj, h))
    rank = np.empty(n, np.int64)
    hs = h[order]
    starts = np.searchsorted(hs, np.arange(len(hosp)))
    rank[order] = np.arange(n) - starts[hs]
    base_no = 10_000_000 + (np.arange(len(hosp)) * 3_731_071 + int(seed) * 7) % 5_000_000
    bah_num = base_no[h] + rank * 3 + (rank * 7919 % 3)
    zycs = np.minimum(r_misc.geometric(0.72, n), 20)

    # ---- diagnoses: external cause, morphology
    dx_code = vocab(cat.dx["code"].astype(str))
    dx_name = vocab(cat.dx["name"].astype(str))
    px_code = vocab(cat.px["code"].astype(str))
    px_name = vocab(cat.px["name"].astype(str))
    rybq_k, rybq = _choice(r_misc, profiles.VALUES["RYBQ_PDX"], n)
    ext = d_ext[cl.pdx]
    ei = r_misc.integers(0, len(EXTERNAL_CAUSES), n)
    neo = d_neo[cl.pdx]
    cat3 = cat.dx["category"].astype(str).to_numpy()
    morph_of_dx = np.full(len(cat.dx), -1, np.int64)
    for mi, (rng_, _, _) in reversed(list(enumerate(MORPHOLOGY))):
        lo, hi_ = rng_.split("-")
        morph_of_dx[(cat3 >= lo) & (cat3 <= hi_) & cat.dx["neoplasm"].to_numpy()] = mi
    morph = np.where(neo, morph_of_dx[cl.pdx], -1)
    blh = _join(vocab(["P", "B"]).take(pa.array(tertiary.astype(int))), digits(r_misc.integers(10**6, 10**7, n), 7))

    # ---- discharge
    ly_k, ly_i = _choice(r_misc, profiles.LYFS_SHARE, n)
    lyfs_voc = ly_k + ["5"]
    ly_i = np.where(death, len(ly_k), ly_i)
    lyfs = np.array(lyfs_voc)[ly_i]
    other_h = hosp["jgmc"].tolist() + [f"{prov_name}人民医院"]
    yzzy = _take(other_h, r_misc.integers(0, len(other_h), n), mask=lyfs != "2")
    wsy = _join(dist_voc.take(pa.array(di)), vocab(["社区卫生服务中心", "街道卫生院"]).take(
        pa.array(r_misc.integers(0, 2, n))))
    wsy = _null_where(wsy, lyfs != "3")
    onc = (mdc == "R") | neo
    plan = ~death & (r_misc.random(n) < np.where(onc, 0.45, 0.04))
    md_voc = ["按计划化疗", "复查", "二期手术", "拆除内固定"]
    md_i = np.where(onc, 0, r_misc.integers(1, 4, n))
    sw_k, sw_i = _choice(r_misc, profiles.VALUES["SWHZSJ"], n)
    ywgm_yes = r_misc.random(n) < profiles.VALUES["YWGM_YES"]
    xx_k, xx_i = _choice(r_misc, profiles.VALUES["XX"], n)
    _tick("diagnoses, discharge")

    # ---- procedures: dates, levels, team, wound, anaesthesia
    first = np.minimum(los, r_misc.geometric(0.5, n))
    anaes = slot_or | slot_interv
    mz_voc = list(profiles.VALUES["MZFS_GENERAL"]) + list(profiles.VALUES["MZFS_NEURAXIAL"]) + \
        list(profiles.VALUES["MZFS_LOCAL"])
    general_anaes = np.zeros(n, bool)
    ssjb_k, _ = _choice(r_misc, profiles.VALUES["SSJB_OR"], 0)
    ssjb_voc = ["1", "2", "3", "4"]
    qk_k = list(profiles.VALUES["QKDJ"])
    yh_k = list(profiles.VALUES["QKYHLB"])
    slot_cols: dict[str, list] = {f: [] for f in PX_SLOT_FIELDS}
    ssjb_or = np.array([ssjb_voc.index(k) for k in ssjb_k])
    for j in range(px_slots):
        rows = np.flatnonzero(has_px[:, j])       # draw only for the cases with a procedure here
        m = len(rows)
        pos = np.full(n, -1, np.int64)
        pos[rows] = np.arange(m)
        orj, ivj = slot_or[rows, j], slot_interv[rows, j]
        lr = los[rows]
        off = first[rows] if j == 0 else 1 + np.floor(r_misc.random(m) * np.maximum(lr, 1)).astype(np.int64)
        off = np.clip(off, np.minimum(1, lr), lr)
        pdate = adm_date[rows] + off * DAY
        _, s_or = _choice(r_misc, profiles.VALUES["SSJB_OR"], m)
        ssjb = np.where(orj, ssjb_or[s_or], np.where(ivj, 1 + (r_misc.random(m) < 0.5), 0))
        u = r_misc.random(m)
        g3 = r_misc.integers(0, 3, m)
        mzf = np.where(orj, np.where(obst[rows], np.where(u < 0.85, 3 + g3, g3),
                                     np.where(u < 0.75, g3, np.where(u < 0.9, 3 + g3, 6 + g3))), 6 + g3)
        an = orj | ivj
        general_anaes[rows] |= an & (mzf < 3)
        _, qk = _choice(r_misc, profiles.VALUES["QKDJ"], m)
        _, yh = _choice(r_misc, profiles.VALUES["QKYHLB"], m)
        qk = np.where(orj, qk, qk_k.index("1"))
        yh = np.where(orj, yh, yh_k.index("1"))
        sz = np.where(r_misc.random(m) < 0.6, zrys[rows], zzys[rows])
        yz = np.where(an, np.where(r_misc.random(m) < 0.5, zzys[rows], zyys[rows]), -1)
        ez = np.where(orj & (r_misc.random(m) < 0.6), zyys[rows], -1)

        def expand(sub: pa.Array) -> pa.Array:
            return _take(sub, pos)

        slot_cols["SSJCZBM"].append(_take(px_code, px[:, j]))
        slot_cols["SSJCZMC"].append(_take(px_name, px[:, j]))
        slot_cols["SSJCZRQ"].append(expand(_date(pdate)))
        slot_cols["SSJB"].append(expand(_take(ssjb_voc, ssjb)))
        slot_cols["SZ"].append(expand(_take(st_names, sz)))
        slot_cols["YZ"].append(expand(_take(st_names, yz)))
        slot_cols["EZ"].append(expand(_take(st_names, ez)))
        slot_cols["QKDJ"].append(expand(_take(qk_k, qk, mask=~an)))
        slot_cols["QKYHLB"].append(expand(_take(yh_k, yh, mask=~an)))
        slot_cols["MZFS"].append(expand(_take(mz_voc, mzf, mask=~an)))
        slot_cols["MZYS"].append(expand(_take(st_names, mzys[rows], mask=~an)))
    has_anaes = anaes.any(axis=1)
    _tick("procedures")

    # ---- fees
    cents = fee_cents(
        r_fee, los=sjzyts, tertiary=tertiary, day_intensity=np.array([p["day"] for p in prof], float)[mdc_i],
        severity=cl.severity, cost_factor=np.array([a.cost_factor for a in specs])[cl.adrg],
        surg_cost=np.array([p["surg_cost"] for p in prof], float)[mdc_i], has_or=has_or, has_interv=has_interv,
        has_anaes=has_anaes, general_anaes=general_anaes, n_px=n_px, neoplasm=neo, newborn=newborn,
        death=death, mdc=mdc, self_pay=self_pay)
    rh_i = np.where((cents["XF"] > 0) | (r_misc.random(n) < 0.85), np.where(r_misc.random(n) < 0.996, 1, 0), 2)
    _tick("fees")

    # ---- assemble in header order
    header = hqms_header(dx_slots, px_slots)
    hosp_codes = hosp["zzjgdm"].to_numpy()[h]
    zkrq = dis_date + r_misc.integers(1, 8, n) * DAY
    mz_names = [m[2] for m in MORPHOLOGY]
    fixed: dict[str, pa.Array] = {
        "ZZJGDM": _take(hz, h), "JGMC": _take(hosp["jgmc"].tolist(), h), "YLFKFS": _take(ylf_k, ylf),
        "JKKH": jkkh, "ZYCS": _int(zycs), "BAH": digits(bah_num, 8), "XM": xm, "XB": _int(cl.sex),
        "CSRQ": _date(csrq), "NL": _int(nl), "BZYZS_NL": _int(bzyzs, mask=bzyzs < 0),
        "GJ": _take(["CHN"], np.zeros(n, np.int64)),
        "XSECSTZ": _int(bw, mask=bw < 0), "XSERYTZ": _int(cl.admit_weight, mask=cl.admit_weight < 0),
        "CSD": _take([prefix], np.zeros(n, np.int64)), "GG": _take([prefix], np.zeros(n, np.int64)),
        "MZ": _take(mz_k, mz_i), "SFZH": sfzh, "ZY": _take(occ, zy_i), "HY": _take(hy_voc, hy_i),
        "XZZ": xzz, "DH": dh, "YB1": digits(yb1_num, 6), "HKDZ": hkdz, "YB2": digits(yb2_num, 6),
        "GZDWJDZ": gzdw, "DWDH": dwdh, "YB3": digits(yb3_num, 6), "LXRXM": lxrxm, "GX": _take(gx_voc, gx_i),
        "DZ": xzz, "DH1": dh1,
        "RYTJ": _take(rytj_k, rytj), "RYSJ": _datetime(rysj), "RYSJ_S": _int(adm_sec // 3600),
        "RYKB": _take(dcodes, rykb), "RYBF": ward_voc.take(pa.array(h * nd + rykb)),
        "ZKKB": _take(dcodes, cykb, mask=~via_er), "CYSJ": _datetime(cysj), "CYSJ_S": _int(dis_sec // 3600),
        "CYKB": _take(dcodes, cykb), "CYBF": ward_voc.take(pa.array(h * nd + cykb)), "SJZYTS": _int(sjzyts),
        "MZZD": _take(dx_name, cl.pdx), "JBBM": _take(dx_code, cl.pdx),
        "ZYZD": _take(dx_name, cl.pdx), "JBDM": _take(dx_code, cl.pdx), "RYBQ": _take(rybq_k, rybq),
        "WBYY": _take([nm for _, nm in EXTERNAL_CAUSES], ei, mask=~ext),
        "H23": _take([c for c, _ in EXTERNAL_CAUSES], ei, mask=~ext),
        "BLZD": _take(mz_names, morph), "JBMM": _take([m[1] for m in MORPHOLOGY], morph),
        "BLH": _null_where(blh, morph < 0),
        "YWGM": _take(["1", "2"], ywgm_yes.astype(np.int64)),
        "GMYW": _take(identity.ALLERGY_DRUGS, r_misc.integers(0, len(identity.ALLERGY_DRUGS), n), mask=~ywgm_yes),
        "SWHZSJ": _take(sw_k, sw_i, mask=~death), "XX": _take(xx_k, xx_i), "RH": _take(["1", "2", "4"], rh_i),
        "KZR": _take(st_names, staff("KZR", case_key)), "ZRYS": _take(st_names, zrys),
        "ZZYS": _take(st_names, zzys), "ZYYS": _take(st_names, zyys),
        "ZRHS": _take(st_names, staff("ZRHS", case_key)), "BMY": _take(st_names, staff("BMY", hosp_key)),
        "BAZL": _take(*_choice(r_misc, profiles.VALUES["BAZL"], n)),
        "ZKYS": _take(st_names, staff("ZKYS", hosp_key)), "ZKHS": _take(st_names, staff("ZKHS", hosp_key)),
        "ZKRQ": _date(zkrq),
        "LYFS": _take(lyfs_voc, ly_i), "YZZY_JGMC": yzzy, "WSY_JGMC": wsy,
        "SFZZYJH": _take(["1", "2"], plan.astype(np.int64)), "MD": _take(md_voc, md_i, mask=~plan),
    }
    for k in ("ZFY", "ZFJE", *FEE_ITEMS, *FEE_SUB_ITEMS):
        fixed[k] = _cents(cents[k])
    filled = cl.dx >= 0
    ro_k, ro_f = _choice(r_misc, profiles.VALUES["RYBQ_OTHER"], int(filled.sum()))
    ro = np.full((n, dx_slots), -1, np.int64)
    ro[filled] = ro_f
    for j in range(dx_slots):
        dj = cl.dx[:, j]
        fixed[f"QTZD{j + 1}"] = _take(dx_name, dj)
        fixed[f"JBDM{j + 1}"] = _take(dx_code, dj)
        fixed[f"RYBQ{j + 1}"] = _take(ro_k, ro[:, j], mask=dj < 0)
    for f_, arrs in slot_cols.items():
        for j, a in enumerate(arrs):
            fixed[f"{f_}{j + 1}"] = a
    null = pa.nulls(n, pa.string())
    table = pa.table({c: fixed.get(c, null) for c in header})
    _tick("assemble")

    truth = pd.DataFrame({
        "ZZJGDM": hosp_codes, "BAH": digits(bah_num, 8).to_numpy(zero_copy_only=False), "ZYCS": zycs,
        "level": level, "adrg": np.array([a.code for a in specs])[cl.adrg], "mdc": mdc, "kind": kind,
        "severity": cl.severity, "has_or": has_or, "death": death, "los": sjzyts,
        "zfy": cents["ZFY"] / 100.0, "newborn": nb28, "delivery": cl.delivery,
        "month": sched.month.astype("datetime64[M]").astype(str),
    })
    return table, truth
