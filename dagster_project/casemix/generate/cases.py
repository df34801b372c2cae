"""Assemble complete front-page records (the HQMS wide layout, every value a string) from the roster,
the schedule of discharges and the clinical sample.

``build_cases`` returns an Arrow table whose columns are ``layout.hqms_header(dx_slots, px_slots)`` in
order, all ``string`` (null = empty field), plus a ``truth`` DataFrame with what the generator knows but
the extract does not carry (ADRG, severity, hospital level, surgery flag) for tests and the summary.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from casemix.generate import identity, profiles
from casemix.generate.catalog import EXTERNAL_CAUSES, MORPHOLOGY, Catalog
from casemix.generate.clinical import Clinical, sample_clinical
from casemix.generate.fees import fee_cents
from casemix.generate.roster import Roster, ward_department
from casemix.layout import DX_SLOT_FIELDS, FEE_ITEMS, FEE_SUB_ITEMS, PX_SLOT_FIELDS, hqms_header

DAY = np.timedelta64(1, "D")
AREA_CODES = {"杭州市": "0571", "南京市": "025", "成都市": "028", "郑州市": "0371", "武汉市": "027", "广州市": "020"}
SEC = np.timedelta64(1, "s")


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
    moy = (ms.astype(int) % 12)
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


def _choice(rng, mapping: dict, n: int) -> np.ndarray:
    keys = np.array(list(mapping), dtype=object)
    p = np.array(list(mapping.values()), float)
    return keys[rng.choice(len(keys), size=n, p=p / p.sum())]


def _str(values, mask=None) -> pa.Array:
    """An Arrow string array from an object/str/number numpy array; ``mask`` True = null."""
    arr = np.asarray(values)
    if arr.dtype.kind in "iu":
        out = pc.cast(pa.array(arr, mask=mask), pa.string())
    elif arr.dtype.kind == "M":
        a = pa.array(arr, mask=mask)
        if arr.dtype == np.dtype("datetime64[D]"):
            out = pc.cast(a, pa.string())
        else:
            out = pc.strftime(a.cast(pa.timestamp("s")), format="%Y-%m-%d %H:%M:%S")
    else:
        out = pa.array(arr.astype(object), type=pa.string(), mask=mask, from_pandas=True)
    return out


def _cents_str(c: np.ndarray) -> pa.Array:
    buf = np.stack([c, np.where(c < 0, -1, 0)], axis=1).astype(np.int64)
    dec = pa.Array.from_buffers(pa.decimal128(18, 2), len(c), [None, pa.py_buffer(buf.tobytes())])
    return pc.cast(dec, pa.string())


def _take(vocab: pa.Array, ids: np.ndarray) -> pa.Array:
    return vocab.take(pa.array(ids, mask=ids < 0))


def _completed_years(birth: np.ndarray, ref: np.ndarray) -> np.ndarray:
    by, bm, bd = _ymd(birth)
    ry, rm, rd = _ymd(ref)
    return ry - by - ((rm < bm) | ((rm == bm) & (rd < bd)))


def _ymd(d: np.ndarray):
    y = d.astype("datetime64[Y]").astype(np.int64) + 1970
    m = d.astype("datetime64[M]").astype(np.int64) % 12 + 1
    dd = (d - d.astype("datetime64[M]")).astype(np.int64) + 1
    return y, m, dd


def _minus_years(d: np.ndarray, k: np.ndarray) -> np.ndarray:
    """The same month/day ``k`` years earlier (29 Feb -> 28 Feb in a common year)."""
    y, m, dd = _ymd(d)
    ty = y - k
    leap = (ty % 4 == 0) & ((ty % 100 != 0) | (ty % 400 == 0))
    dd = np.where((m == 2) & (dd == 29) & ~leap, 28, dd)
    months = ((ty - 1970) * 12 + (m - 1)).astype("datetime64[M]")
    return months.astype("datetime64[D]") + (dd - 1) * DAY


def _pick_grouped(rng, keys: np.ndarray, table_keys: np.ndarray, table_values: np.ndarray) -> np.ndarray:
    """For each case key, a random value among the table rows with that key (None if none)."""
    order = np.argsort(table_keys, kind="stable")
    tk, tv = table_keys[order], table_values[order]
    lo = np.searchsorted(tk, keys, "left")
    hi = np.searchsorted(tk, keys, "right")
    cnt = hi - lo
    off = np.floor(rng.random(len(keys)) * np.maximum(cnt, 1)).astype(np.int64)
    out = np.empty(len(keys), dtype=object)
    ok = cnt > 0
    out[ok] = tv[lo[ok] + off[ok]]
    out[~ok] = None
    return out


def build_cases(cat: Catalog, roster: Roster, sched: Schedule, seed: int, dx_slots: int, px_slots: int
                ) -> tuple[pa.Table, pd.DataFrame]:
    ss = np.random.SeedSequence([int(seed), 202])
    r_clin, r_time, r_demo, r_fee, r_ident, r_misc = (np.random.default_rng(s) for s in ss.spawn(6))
    hosp = roster.hospitals
    n = len(sched.hospital)
    h = sched.hospital
    level = hosp["level"].to_numpy()[h]
    tertiary = level == 3

    cl: Clinical = sample_clinical(cat, level, r_clin, dx_slots, px_slots)
    specs = cat.adrgs
    mdc = np.array([a.mdc for a in specs])[cl.adrg]
    kind = np.array([a.kind for a in specs])[cl.adrg]
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

    # ---- outcome and length of stay
    age = cl.age_years
    bw = cl.birth_weight
    p_death = 0.0015 + 0.004 * (cl.severity == 1) + 0.07 * (cl.severity == 2)
    p_death *= np.select([age >= 75, age >= 60, age >= 15], [2.2, 1.2, 0.6], 0.3)
    p_death = np.where(obst, p_death * 0.02, p_death)
    p_death = np.where(nb28, np.where(bw < 1500, 0.06, 0.002), p_death)
    death = r_misc.random(n) < p_death
    base = np.select([obst & (kind == "surgical"), obst, newborn, kind == "surgical", kind == "non_or"],
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
    rytj = _choice(r_misc, profiles.VALUES["RYTJ"], n)
    adm_sec = np.where(rytj == "1", r_time.integers(0, 86400, n), r_time.integers(8 * 3600, 18 * 3600, n))
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

    # ---- departments and staff
    dept_codes_by_h = roster.departments.groupby("zzjgdm", sort=False)["dept_code"].apply(list).to_dict()
    prof_med = {m: profiles.MDC_PROFILE.get(m, profiles.DEFAULT_MDC)["med"] for m in np.unique(mdc)}
    prof_surg = {m: profiles.MDC_PROFILE.get(m, profiles.DEFAULT_MDC)["surg"] for m in np.unique(mdc)}
    wanted = np.where(kind == "surgical", pd.Series(mdc).map(prof_surg).to_numpy(),
                      pd.Series(mdc).map(prof_med).to_numpy()).astype(object)
    wanted = np.where(newborn, "07.01", wanted)
    wanted = np.where(~newborn & (age < 15) & (kind != "surgical"), profiles.PEDIATRIC_DEPT, wanted)
    cykb = np.empty(n, dtype=object)
    codes_h = hosp["zzjgdm"].to_numpy()
    for hi, z in enumerate(codes_h):
        sel = h == hi
        wards = [c for c in dept_codes_by_h[z] if c not in profiles.NON_WARD_DEPARTMENTS]
        for w_ in np.unique(wanted[sel].astype(str)):
            for kd in ("surgical", "medical"):
                s2 = sel & (wanted == w_) & ((kind == "surgical") == (kd == "surgical"))
                if s2.any():
                    cykb[s2] = ward_department(wards, w_, kd)
    rykb = cykb.copy()
    zkkb = np.full(n, None, dtype=object)
    via_er = (rytj == "1") & (r_misc.random(n) < 0.08)
    for hi, z in enumerate(codes_h):
        if "20" in dept_codes_by_h[z]:
            s2 = via_er & (h == hi) & (cykb != "20")
            rykb[s2] = "20"
            zkkb[s2] = cykb[s2]
    dept = roster.departments
    dname = dict(zip(zip(dept["zzjgdm"], dept["dept_code"]), dept["ward_name"]))
    key_case = pd.Series(codes_h[h]) + "|" + pd.Series(cykb.astype(str))
    key_rykb = pd.Series(codes_h[h]) + "|" + pd.Series(rykb.astype(str))
    ward_map = {f"{z}|{c}": wn for (z, c), wn in dname.items()}
    cybf = key_case.map(ward_map).to_numpy()
    rybf = key_rykb.map(ward_map).to_numpy()
    st = roster.staff
    skey = (st["zzjgdm"] + "|" + st["dept_code"]).to_numpy()

    def staff(role: str, keys: np.ndarray) -> np.ndarray:
        m = (st["role"] == role).to_numpy()
        return _pick_grouped(r_ident, keys, skey[m], st["staff_name"].to_numpy()[m])

    kc = key_case.to_numpy()
    hkey = (pd.Series(codes_h[h]) + "|").to_numpy()
    anaes_key = (pd.Series(codes_h[h]) + "|26").to_numpy()
    zzys = staff("ZZYS", kc)
    zrys = staff("ZRYS", kc)
    zyys = staff("ZYYS", kc)

    # ---- payer, identity
    ylfkfs = _choice(r_ident, profiles.VALUES["YLFKFS"], n)
    self_pay = ylfkfs == "07"
    city = hosp.iloc[0]
    prov_name, city_name = city["province"], city["city"]
    cities = [c for c in identity.CITIES if c[0] == prov_name and c[1] == city_name]
    districts = cities[0][4] if cities else [(city["district"], city["district_code"])]
    post_prefix = cities[0][3] if cities else "100"
    di = r_ident.integers(0, len(districts), n)
    dist_name = np.array([d[0] for d in districts], dtype=object)[di]
    dist_code = np.array([int(d[1]) for d in districts], dtype=np.int64)[di]
    street = np.array(identity.STREETS, dtype=object)[r_ident.integers(0, len(identity.STREETS), n)]
    house = r_ident.integers(1, 400, n).astype(str).astype(object)
    prefix = prov_name + city_name
    xzz = prefix + dist_name + street + house + "号"
    yb1 = np.char.add(post_prefix, identity.digits_str(dist_code % 1000, 3).astype(str)).astype(object)
    same_hk = r_ident.random(n) < 0.8
    hkdz = np.where(same_hk, xzz, prefix + np.roll(dist_name, 7) + np.roll(street, 3) + house + "号")
    yb2 = np.where(same_hk, yb1, np.roll(yb1, 7))
    names_ = identity.names(r_ident, n)
    mother = identity.names(r_ident, n)
    xm = np.where(nb28, mother + np.where(cl.sex == 1, "之子", "之女"), names_)
    sfzh = identity.id_numbers(r_ident, dist_code, csrq, cl.sex)
    dh = identity.mobile_phones(r_ident, n)
    # occupation / marriage
    zy = np.where(age < 6, profiles.OCCUPATION_PRESCHOOL,
                  np.where(age < 19, profiles.OCCUPATION_STUDENT,
                           np.where(age >= 62, profiles.OCCUPATION_RETIRED,
                                    np.where(r_ident.random(n) < 0.7,
                                             np.array(profiles.OCCUPATION_EMPLOYED, dtype=object)[
                                                 r_ident.integers(0, len(profiles.OCCUPATION_EMPLOYED), n)],
                                             np.array(profiles.OCCUPATION_OTHER, dtype=object)[
                                                 r_ident.integers(0, len(profiles.OCCUPATION_OTHER), n)])))
                  ).astype(object)
    employed = np.isin(zy, profiles.OCCUPATION_EMPLOYED)
    u = r_ident.random(n)
    hy = np.where(age < 20, "1", np.where(age < 26, np.where(u < 0.5, "1", "2"),
                                         np.where(u < 0.84, "2", np.where(u < 0.90, "1",
                                                  np.where(u < 0.95, np.where(age >= 60, "3", "4"), "4"))))).astype(object)
    hy = np.where(obst, np.where(u < 0.97, "2", "1"), hy)
    employer = np.array(identity.EMPLOYERS, dtype=object)[r_ident.integers(0, len(identity.EMPLOYERS), n)]
    school = np.array(identity.SCHOOLS, dtype=object)[r_ident.integers(0, len(identity.SCHOOLS), n)]
    gzdw = np.where(employed, city_name + employer, np.where(zy == profiles.OCCUPATION_STUDENT,
                                                             city_name + school, xzz))
    landline = np.char.add(AREA_CODES.get(city_name, "010") + "-8", identity.digits_str(r_ident.integers(0, 10**7, n), 7).astype(str)).astype(object)
    dwdh = np.where(employed, landline, dh)
    yb3 = np.where(employed, np.roll(yb1, 3), yb1)
    married = hy == "2"
    rel = np.where(age < 18, profiles.GX_CODES["parent"],
                   np.where(married & (r_ident.random(n) < 0.65), profiles.GX_CODES["spouse"],
                            np.where(age >= 55, np.where(r_ident.random(n) < 0.5, profiles.GX_CODES["son"],
                                                         profiles.GX_CODES["daughter"]),
                                     np.where(r_ident.random(n) < 0.6, profiles.GX_CODES["parent"],
                                              profiles.GX_CODES["sibling"])))).astype(object)
    lxrxm = np.where(nb28, mother, identity.names(r_ident, n))
    dh1 = identity.mobile_phones(r_ident, n)
    mz = _choice(r_ident, {"01": 0.915, "03": 0.02, "08": 0.02, "06": 0.012, "02": 0.008, "10": 0.007,
                           "05": 0.008, "99": 0.01}, n)
    jkkh = np.where(r_ident.random(n) < 0.55, identity.digits_str(r_ident.integers(10**17, 10**18, n), 18), "-")

    # ---- BAH / ZYCS: unique per hospital, numbered in admission order
    bah = np.empty(n, dtype=object)
    order = np.lexsort((rysj, h))
    rank = np.empty(n, np.int64)
    hs = h[order]
    starts = np.searchsorted(hs, np.arange(len(hosp)))
    rank[order] = np.arange(n) - starts[hs]
    base = 10_000_000 + (np.arange(len(hosp)) * 3_731_071 + int(seed) * 7) % 5_000_000
    bah = identity.digits_str(base[h] + rank * 3 + (rank * 7919 % 3), 8)
    zycs = np.minimum(r_misc.geometric(0.72, n), 20)

    # ---- diagnoses
    dx_code = pa.array(cat.dx["code"].astype(str).to_numpy(), pa.string())
    dx_name = pa.array(cat.dx["name"].astype(str).to_numpy(), pa.string())
    px_code = pa.array(cat.px["code"].astype(str).to_numpy(), pa.string())
    px_name = pa.array(cat.px["name"].astype(str).to_numpy(), pa.string())
    rybq = _choice(r_misc, profiles.VALUES["RYBQ_PDX"], n)
    pdx_codes = cat.dx["code"].astype(str).to_numpy()[cl.pdx]
    cols: dict[str, pa.Array] = {}

    # external cause for S/T principal; morphology for neoplasm principal
    ext = d_ext[cl.pdx]
    ei = r_misc.integers(0, len(EXTERNAL_CAUSES), n)
    h23 = np.array([c for c, _ in EXTERNAL_CAUSES], dtype=object)[ei]
    wbyy = np.array([nm for _, nm in EXTERNAL_CAUSES], dtype=object)[ei]
    neo = d_neo[cl.pdx]
    jbmm = np.full(n, None, dtype=object)
    blzd = np.full(n, None, dtype=object)
    cat3 = pd.Series(pdx_codes).str.slice(0, 3).to_numpy().astype(str)
    for rng_, code, name in MORPHOLOGY:
        lo, hi_ = rng_.split("-")
        s2 = neo & (cat3 >= lo) & (cat3 <= hi_) & pd.isna(jbmm)
        jbmm[s2] = code
        blzd[s2] = name
    blh = np.char.add(np.where(tertiary, "B", "P").astype(str),
                      identity.digits_str(r_misc.integers(10**6, 10**7, n), 7).astype(str)).astype(object)

    # discharge
    lyfs = _choice(r_misc, profiles.LYFS_SHARE, n)
    lyfs = np.where(death, "5", lyfs)
    other_h = [nm for nm in hosp["jgmc"]]
    yzzy = np.where(lyfs == "2", np.array(other_h + [f"{prov_name}人民医院"], dtype=object)[
        r_misc.integers(0, len(other_h) + 1, n)], None)
    wsy = np.where(lyfs == "3", dist_name + np.where(r_misc.random(n) < 0.5, "社区卫生服务中心", "街道卫生院"), None)
    onc = np.isin(mdc, ["R"]) | neo
    plan = ~death & (r_misc.random(n) < np.where(onc, 0.45, 0.04))
    sfzzyjh = np.where(plan, "2", "1")
    md = np.where(plan, np.where(onc, "按计划化疗", np.array(["复查", "二期手术", "拆除内固定"], dtype=object)[
        r_misc.integers(0, 3, n)]), None)
    swhzsj = np.where(death, _choice(r_misc, profiles.VALUES["SWHZSJ"], n), None)
    ywgm_yes = r_misc.random(n) < profiles.VALUES["YWGM_YES"]
    gmyw = np.where(ywgm_yes, np.array(identity.ALLERGY_DRUGS, dtype=object)[
        r_misc.integers(0, len(identity.ALLERGY_DRUGS), n)], None)
    xx = _choice(r_misc, profiles.VALUES["XX"], n)

    # ---- procedures: dates, levels, team, wound, anaesthesia
    pdate = np.full(px.shape, np.datetime64("NaT"), "datetime64[D]")
    first = np.minimum(los, r_misc.geometric(0.5, n))
    for j in range(px_slots):
        off = first if j == 0 else 1 + np.floor(r_misc.random(n) * np.maximum(los, 1)).astype(np.int64)
        off = np.clip(off, np.minimum(1, los), los)
        pdate[:, j] = np.where(has_px[:, j], adm_date + off * DAY, np.datetime64("NaT"))
    obst_case = obst
    anaes = slot_or | slot_interv
    mz_general = np.array(profiles.VALUES["MZFS_GENERAL"], dtype=object)
    mz_neur = np.array(profiles.VALUES["MZFS_NEURAXIAL"], dtype=object)
    mz_local = np.array(profiles.VALUES["MZFS_LOCAL"], dtype=object)
    general_anaes = np.zeros(n, bool)
    slot_cols: dict[str, list] = {f: [] for f in PX_SLOT_FIELDS}
    for j in range(px_slots):
        pj = px[:, j]
        on = has_px[:, j]
        orj, ivj = slot_or[:, j], slot_interv[:, j]
        ssjb = np.where(orj, _choice(r_misc, profiles.VALUES["SSJB_OR"], n),
                        np.where(ivj, np.where(r_misc.random(n) < 0.5, "2", "3"), "1"))
        u = r_misc.random(n)
        mzfs = np.where(orj, np.where(obst_case, np.where(u < 0.85, mz_neur[r_misc.integers(0, 3, n)],
                                                           mz_general[r_misc.integers(0, 3, n)]),
                                      np.where(u < 0.75, mz_general[r_misc.integers(0, 3, n)],
                                               np.where(u < 0.9, mz_neur[r_misc.integers(0, 3, n)],
                                                        mz_local[r_misc.integers(0, 3, n)]))),
                        mz_local[r_misc.integers(0, 3, n)])
        general_anaes |= anaes[:, j] & np.isin(mzfs, mz_general)
        qkdj = np.where(orj, _choice(r_misc, profiles.VALUES["QKDJ"], n), "1")
        qkyh = np.where(orj, _choice(r_misc, profiles.VALUES["QKYHLB"], n), "1")
        sz = np.where(r_misc.random(n) < 0.6, zrys, zzys)
        yz = np.where(r_misc.random(n) < 0.5, zzys, zyys)
        ez = np.where(orj & (r_misc.random(n) < 0.6), zyys, None)
        mzys = staff("MZYS", anaes_key)
        slot_cols["SSJCZBM"].append(_take(px_code, pj))
        slot_cols["SSJCZMC"].append(_take(px_name, pj))
        slot_cols["SSJCZRQ"].append(_str(pdate[:, j], mask=~on))
        slot_cols["SSJB"].append(_str(ssjb, mask=~on))
        slot_cols["SZ"].append(_str(sz, mask=~on))
        slot_cols["YZ"].append(_str(yz, mask=~(orj | ivj)))
        slot_cols["EZ"].append(_str(ez, mask=~(orj | ivj) | pd.isna(ez)))
        slot_cols["QKDJ"].append(_str(qkdj, mask=~anaes[:, j]))
        slot_cols["QKYHLB"].append(_str(qkyh, mask=~anaes[:, j]))
        slot_cols["MZFS"].append(_str(mzfs, mask=~anaes[:, j]))
        slot_cols["MZYS"].append(_str(mzys, mask=~anaes[:, j]))
    has_anaes = anaes.any(axis=1)

    # ---- fees
    day_int = np.array([profiles.MDC_PROFILE.get(m, profiles.DEFAULT_MDC)["day"] for m in np.unique(mdc)])
    day_map = dict(zip(np.unique(mdc), day_int))
    surg_map = {m: profiles.MDC_PROFILE.get(m, profiles.DEFAULT_MDC)["surg_cost"] for m in np.unique(mdc)}
    cents = fee_cents(
        r_fee, los=sjzyts, tertiary=tertiary, day_intensity=pd.Series(mdc).map(day_map).to_numpy(float),
        severity=cl.severity, cost_factor=np.array([a.cost_factor for a in specs])[cl.adrg],
        surg_cost=pd.Series(mdc).map(surg_map).to_numpy(float), has_or=has_or, has_interv=has_interv,
        has_anaes=has_anaes, general_anaes=general_anaes, n_px=n_px, neoplasm=neo, newborn=newborn,
        death=death, mdc=mdc, self_pay=self_pay)
    rh = np.where((cents["XF"] > 0) | (r_misc.random(n) < 0.85), np.where(r_misc.random(n) < 0.996, "2", "1"), "4")

    # ---- assemble in header order
    header = hqms_header(dx_slots, px_slots)
    hosp_codes = hosp["zzjgdm"].to_numpy()[h]
    zkrq = dis_date + r_misc.integers(1, 8, n) * DAY
    fixed: dict[str, pa.Array] = {
        "ZZJGDM": _str(hosp_codes), "JGMC": _str(hosp["jgmc"].to_numpy()[h]), "YLFKFS": _str(ylfkfs),
        "JKKH": _str(jkkh), "ZYCS": _str(zycs), "BAH": _str(bah), "XM": _str(xm), "XB": _str(cl.sex),
        "CSRQ": _str(csrq), "NL": _str(nl), "BZYZS_NL": _str(bzyzs, mask=bzyzs < 0), "GJ": _str(np.full(n, "CHN")),
        "XSECSTZ": _str(bw, mask=bw < 0), "XSERYTZ": _str(cl.admit_weight, mask=cl.admit_weight < 0),
        "CSD": _str(np.full(n, prefix, dtype=object)), "GG": _str(np.full(n, prefix, dtype=object)),
        "MZ": _str(mz), "SFZH": _str(sfzh), "ZY": _str(zy), "HY": _str(hy), "XZZ": _str(xzz), "DH": _str(dh),
        "YB1": _str(yb1), "HKDZ": _str(hkdz), "YB2": _str(yb2), "GZDWJDZ": _str(gzdw), "DWDH": _str(dwdh),
        "YB3": _str(yb3), "LXRXM": _str(lxrxm), "GX": _str(rel), "DZ": _str(xzz), "DH1": _str(dh1),
        "RYTJ": _str(rytj), "RYSJ": _str(rysj), "RYSJ_S": _str(adm_sec // 3600), "RYKB": _str(rykb),
        "RYBF": _str(rybf), "ZKKB": _str(zkkb, mask=pd.isna(zkkb)), "CYSJ": _str(cysj),
        "CYSJ_S": _str(dis_sec // 3600), "CYKB": _str(cykb), "CYBF": _str(cybf), "SJZYTS": _str(sjzyts),
        "MZZD": _take(dx_name, cl.pdx), "JBBM": _take(dx_code, cl.pdx),
        "ZYZD": _take(dx_name, cl.pdx), "JBDM": _take(dx_code, cl.pdx), "RYBQ": _str(rybq),
        "WBYY": _str(wbyy, mask=~ext), "H23": _str(h23, mask=~ext),
        "BLZD": _str(blzd, mask=pd.isna(blzd)), "JBMM": _str(jbmm, mask=pd.isna(jbmm)), "BLH": _str(blh, mask=pd.isna(jbmm)),
        "YWGM": _str(np.where(ywgm_yes, "2", "1")), "GMYW": _str(gmyw, mask=~ywgm_yes),
        "SWHZSJ": _str(swhzsj, mask=~death), "XX": _str(xx), "RH": _str(rh),
        "KZR": _str(staff("KZR", kc)), "ZRYS": _str(zrys), "ZZYS": _str(zzys), "ZYYS": _str(zyys),
        "ZRHS": _str(staff("ZRHS", kc)), "BMY": _str(staff("BMY", hkey)),
        "BAZL": _str(_choice(r_misc, profiles.VALUES["BAZL"], n)), "ZKYS": _str(staff("ZKYS", hkey)),
        "ZKHS": _str(staff("ZKHS", hkey)), "ZKRQ": _str(zkrq),
        "LYFS": _str(lyfs), "YZZY_JGMC": _str(yzzy, mask=pd.isna(yzzy)), "WSY_JGMC": _str(wsy, mask=pd.isna(wsy)),
        "SFZZYJH": _str(sfzzyjh), "MD": _str(md, mask=pd.isna(md)),
    }
    for k in ("ZFY", "ZFJE", *FEE_ITEMS, *FEE_SUB_ITEMS):
        fixed[k] = _cents_str(cents[k])
    rybq_o = _choice(r_misc, profiles.VALUES["RYBQ_OTHER"], n * dx_slots).reshape(n, dx_slots)
    for j in range(dx_slots):
        dj = cl.dx[:, j]
        fixed[f"QTZD{j + 1}"] = _take(dx_name, dj)
        fixed[f"JBDM{j + 1}"] = _take(dx_code, dj)
        fixed[f"RYBQ{j + 1}"] = _str(rybq_o[:, j], mask=dj < 0)
    for f_, arrs in slot_cols.items():
        for j, a in enumerate(arrs):
            fixed[f"{f_}{j + 1}"] = a
    null = pa.nulls(n, pa.string())
    table = pa.table({c: fixed.get(c, null) for c in header})

    truth = pd.DataFrame({
        "ZZJGDM": hosp_codes, "BAH": bah, "ZYCS": zycs, "level": level,
        "adrg": np.array([a.code for a in specs])[cl.adrg], "mdc": mdc, "kind": kind,
        "severity": cl.severity, "has_or": has_or, "death": death, "los": sjzyts,
        "zfy": cents["ZFY"] / 100.0, "newborn": nb28, "delivery": cl.delivery,
        "month": sched.month.astype("datetime64[M]").astype(str),
    })
    return table, truth
