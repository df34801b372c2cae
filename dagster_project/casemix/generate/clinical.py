"""Clinical content of the synthetic cases, ADRG-first and vectorised.

For every case: an ADRG (by hospital level), a principal diagnosis and procedures satisfying one
alternative of the ADRG's conditions, the sex and age the codes allow, secondary diagnoses (the ADRG's
``any_dx_in`` codes, MCC/CC at the configured rates mostly from codes not excluded by the principal, then
plain comorbidities), and the resulting severity (MCC/CC/none, computed with the exclusion tables).

Loops run over ADRGs and over a fixed number of draw rounds, never over cases.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from casemix.generate import profiles
from casemix.generate.catalog import Catalog, adrg_weights

SEV_NONE, SEV_CC, SEV_MCC = 0, 1, 2
_EXCLUSIVE_GROUPS = {"K70": "LIVER", "K72": "LIVER", "B15": "LIVER", "B16": "LIVER", "B17": "LIVER",
                     "B18": "LIVER", "B19": "LIVER", "K80": "GALL", "K81": "GALL"}


@dataclass
class Clinical:
    adrg: np.ndarray          # index into cat.adrgs
    pdx: np.ndarray           # dx id
    dx: np.ndarray            # (n, dx_slots) dx ids, -1 empty
    px: np.ndarray            # (n, px_slots) px ids, -1 empty
    sex: np.ndarray           # 1/2
    age_years: np.ndarray     # NL
    age_days: np.ndarray      # days for NL = 0 else -1
    birth_weight: np.ndarray  # g for newborns (<= 28 d) and mothers with Z37, else -1
    admit_weight: np.ndarray  # g for newborns (<= 28 d), else -1
    severity: np.ndarray      # 0/1/2 (non-excluded CC/MCC)
    delivery: np.ndarray      # bool: mother with a delivery outcome (Z37)


def _cat_ids(cat: Catalog) -> np.ndarray:
    if "cat_id" not in cat.arrays:
        cats = cat.dx["category"].astype(str).map(lambda c: _EXCLUSIVE_GROUPS.get(c, c))
        _, inv = np.unique(cats.to_numpy(), return_inverse=True)
        cat.arrays["cat_id"] = np.append(inv, -1).astype(np.int64)   # id -1 -> sentinel -1
    return cat.arrays["cat_id"]


def excluded(cat: Catalog, sec: np.ndarray, pdx: np.ndarray) -> np.ndarray:
    """True where secondary ``sec`` does not count as CC/MCC because its exclusion table holds ``pdx``."""
    n_dx = len(cat.dx)
    if "excl_table" not in cat.arrays:
        cat.arrays["excl_table"] = cat.dx["excl_table"].to_numpy()
    t = cat.arrays["excl_table"][np.maximum(sec, 0)]
    key = t * n_dx + pdx
    pos = np.searchsorted(cat.excl_keys, key)
    pos = np.minimum(pos, max(len(cat.excl_keys) - 1, 0))
    hit = (cat.excl_keys[pos] == key) if len(cat.excl_keys) else np.zeros(len(key), bool)
    return (sec >= 0) & (t >= 0) & hit


def severity_of(cat: Catalog, dx: np.ndarray, pdx: np.ndarray) -> np.ndarray:
    lvl = np.append(cat.dx["cc_level"].to_numpy(), 0)[dx]          # -1 -> appended 0
    exc = np.stack([excluded(cat, dx[:, j], pdx) for j in range(dx.shape[1])], axis=1)
    lvl = np.where(exc, 0, lvl)
    return lvl.max(axis=1) if lvl.shape[1] else np.zeros(len(pdx), np.int8)


def _pick(rng, arr: np.ndarray, m: int) -> np.ndarray:
    return arr[rng.integers(0, len(arr), m)] if m else np.zeros(0, np.int64)


def sample_clinical(cat: Catalog, level: np.ndarray, rng: np.random.Generator,
                    dx_slots: int, px_slots: int) -> Clinical:
    n = len(level)
    adrg = np.zeros(n, dtype=np.int64)
    for lv in np.unique(level):
        sel = level == lv
        adrg[sel] = rng.choice(len(cat.adrgs), size=int(sel.sum()), p=adrg_weights(cat, int(lv)))

    d_sex = np.append(cat.dx["sex"].to_numpy(), 0)
    p_sex = np.append(cat.px["sex"].to_numpy(), 0)
    pdx = np.full(n, -1, np.int64)
    px = np.full((n, px_slots), -1, np.int64)
    forced = np.full((n, 3), -1, np.int64)   # any_dx_in picks and the second trauma region
    sex_req = np.zeros(n, np.int64)
    order = np.argsort(adrg, kind="stable")
    bounds = np.searchsorted(adrg[order], np.arange(len(cat.adrgs) + 1))
    mdc_sex = {}
    for r in cat.mdcs.itertuples():
        s = r.sex_restriction
        mdc_sex[r.mdc_code] = int(s) if isinstance(s, str) and s.isdigit() else 0

    for a_i, spec in enumerate(cat.adrgs):
        rows = order[bounds[a_i]:bounds[a_i + 1]]
        if not len(rows):
            continue
        todo = rows
        for _round in range(12):
            m = len(todo)
            p = _pick(rng, spec.pdx, m)
            pp = np.full((m, px_slots), -1, np.int64)
            col = 0
            if spec.ppx is not None:
                pp[:, 0] = _pick(rng, spec.ppx, m)
                col = 1
            for lst in spec.any_px:
                if col < px_slots:
                    pp[:, col] = _pick(rng, lst, m)
                    col += 1
            if spec.kind in ("surgical", "non_or") and spec.ppx is not None and col < px_slots:
                k = rng.choice(3, size=m, p=[0.55, 0.30, 0.15])
                for j in range(2):
                    if col + j >= px_slots:
                        break
                    c = _pick(rng, spec.ppx, m)
                    dup = (pp == c[:, None]).any(axis=1)
                    pp[:, col + j] = np.where((k > j) & ~dup, c, -1)
            f = np.full((m, 3), -1, np.int64)
            fc = 0
            for lst in spec.any_dx[:2]:
                f[:, fc] = _pick(rng, lst, m)
                fc += 1
            if spec.trauma_regions:
                reg = cat.trauma_region
                second = np.full(m, -1, np.int64)
                for _ in range(10):
                    need = second < 0
                    if not need.any():
                        break
                    c = _pick(rng, spec.pdx, int(need.sum()))
                    okr = reg[c] != reg[p[need]]
                    idx = np.flatnonzero(need)[okr]
                    second[idx] = c[okr]
                f[:, 2] = second
            sx = np.maximum.reduce([d_sex[p], p_sex[pp].max(axis=1), d_sex[f].max(axis=1),
                                    np.full(m, mdc_sex.get(spec.mdc, 0))])
            lo = np.minimum.reduce([np.where(d_sex[p] > 0, d_sex[p], 9),
                                    np.where(p_sex[pp] > 0, p_sex[pp], 9).min(axis=1),
                                    np.where(d_sex[f] > 0, d_sex[f], 9).min(axis=1)])
            conflict = (lo < 9) & (sx > 0) & (lo != sx)
            if spec.trauma_regions:
                conflict |= f[:, 2] < 0
            keep = ~conflict
            pdx[todo[keep]] = p[keep]
            px[todo[keep]] = pp[keep]
            forced[todo[keep]] = f[keep]
            sex_req[todo[keep]] = sx[keep]
            todo = todo[conflict]
            if not len(todo):
                break
        if len(todo):   # give up on these rows: keep the last draw without the conflicting extras
            pdx[todo] = p[conflict]
            px[todo] = -1
            px[todo, 0] = pp[conflict][:, 0] if spec.ppx is not None else -1
            forced[todo] = -1
            sex_req[todo] = d_sex[p[conflict]]

    spec_mdc = np.array([a.mdc for a in cat.adrgs])[adrg]
    spec_newborn = np.array([a.newborn for a in cat.adrgs])[adrg]
    spec_infant = np.array([a.infant for a in cat.adrgs])[adrg]
    spec_obst = np.array([a.obstetric for a in cat.adrgs])[adrg]

    # ---- sex
    female_share = np.array([profiles.MDC_PROFILE.get(m, profiles.DEFAULT_MDC)["female"] for m in spec_mdc])
    sex = np.where(sex_req > 0, sex_req, np.where(rng.random(n) < female_share, 2, 1))

    # ---- age
    age_days = np.full(n, -1, np.int64)
    age_years = np.zeros(n, np.int64)
    ad_lo = np.array([a.age_days[0] if a.age_days else 0 for a in cat.adrgs])[adrg]
    ad_hi = np.array([a.age_days[1] if a.age_days else 0 for a in cat.adrgs])[adrg]
    nb = spec_newborn
    age_days[nb] = np.minimum(ad_hi[nb], ad_lo[nb] + rng.geometric(0.25, int(nb.sum())) - 1)
    age_days[spec_infant] = rng.integers(ad_lo[spec_infant], ad_hi[spec_infant] + 1)
    other = ~(spec_newborn | spec_infant)
    prof = [profiles.MDC_PROFILE.get(m, profiles.DEFAULT_MDC) for m in spec_mdc[other]]
    mean = np.array([p_["age"][0] for p_ in prof], float)
    sd = np.array([p_["age"][1] for p_ in prof], float)
    amin = np.array([p_["age"][2] for p_ in prof])
    amax = np.array([p_["age"][3] for p_ in prof])
    kids = np.array([p_["kids"] for p_ in prof])
    d_adult = np.append(cat.dx["adult_only"].to_numpy(), False)
    adult_forced = d_adult[pdx[other]] | d_adult[forced[other]].any(axis=1)
    ay = np.clip(np.rint(rng.normal(mean, sd)), amin, amax).astype(np.int64)
    is_kid = (rng.random(len(ay)) < kids) & ~adult_forced & ~spec_obst[other]
    ay = np.where(is_kid, rng.integers(1, 15, len(ay)), ay)
    age_years[other] = ay

    # ---- secondary diagnoses
    dx = np.full((n, dx_slots), -1, np.int64)
    nf = 0
    for j in range(forced.shape[1]):
        col = forced[:, j]
        has = col >= 0
        if has.any() and nf < dx_slots:
            dx[has, nf] = col[has]
        nf += int(has.any())
    # delivery outcome for mothers
    d_deliv = np.append(cat.dx["delivery"].to_numpy(), False)
    d_outc = np.append(cat.dx["outcome"].to_numpy(), False)
    p_obst = np.append(cat.px["obstetric"].to_numpy(), False)
    cats = cat.dx["category"].astype(str)
    d_labour = np.append(((cats >= "O60") & (cats <= "O84")).to_numpy(dtype=bool), False)
    labour = spec_obst & d_labour[pdx]
    delivery = spec_obst & (d_deliv[pdx] | labour | p_obst[px].any(axis=1) | d_outc[dx].any(axis=1))
    if len(cat.outcome_single):
        need = delivery & ~d_outc[dx].any(axis=1)
        twin = rng.random(n) < 0.03
        z = np.where(twin & (len(cat.outcome_twin) > 0),
                     _pick(rng, cat.outcome_twin if len(cat.outcome_twin) else cat.outcome_single, n),
                     _pick(rng, cat.outcome_single, n))
        _place(dx, need, z)
    else:
        delivery &= False

    ctx = _Ctx(cat, pdx, sex, age_years, age_days, spec_obst, spec_newborn)
    # severity targets
    lvl_f = np.where(level == 3, profiles.SEVERITY_LEVEL_FACTOR[3], profiles.SEVERITY_LEVEL_FACTOR[2])
    age_f = np.select([age_years >= 75, age_years >= 60, spec_newborn | spec_infant, spec_obst, age_years < 15],
                      [1.6, 1.2, 0.9, 0.3, 0.5], 1.0)
    p_mcc = np.clip(profiles.MCC_RATE * lvl_f * age_f, 0, 0.5)
    p_cc = np.clip(profiles.CC_RATE * lvl_f * age_f, 0, 0.7)
    u = rng.random(n)
    want = np.where(u < p_mcc, SEV_MCC, np.where(u < p_mcc + p_cc * (1 - p_mcc), SEV_CC, SEV_NONE))
    n_mcc = np.where(want == SEV_MCC, 1 + (rng.random(n) < 0.25), 0)
    n_cc = np.where(want == SEV_CC, 1 + (rng.random(n) < 0.3), np.where(want == SEV_MCC, rng.random(n) < 0.4, 0))
    _fill(ctx, dx, cat.mcc, n_mcc.astype(np.int64), rng, check_excl=True)
    _fill(ctx, dx, cat.cc, n_cc.astype(np.int64), rng, check_excl=True)

    # plain comorbidities
    lam = np.where(spec_newborn | spec_infant, 0.8,
                   np.where(spec_obst, 0.9, np.where(age_years < 15, 0.5, 0.6 + age_years / 28.0)))
    lam = lam * np.where(level == 3, 1.25, 1.0)
    n_plain = np.minimum(rng.poisson(lam), dx_slots)
    own = rng.random(n) < 0.55
    for m in np.unique(spec_mdc):
        pool = cat.plain_by_mdc.get(m)
        if pool is None or not len(pool):
            continue
        sel = (spec_mdc == m) & (own | spec_newborn | spec_infant | spec_obst | (age_years < 15))
        k = np.where(sel, n_plain, 0)
        _fill(ctx, dx, pool, k, rng, check_excl=False, rows_mask=sel)
    k = np.where(~(own | spec_newborn | spec_infant | spec_obst | (age_years < 15)), n_plain, 0)
    _fill(ctx, dx, cat.plain_general, k, rng, check_excl=False)

    sev = severity_of(cat, dx, pdx)

    # ---- newborn and mother weights
    bw = np.full(n, -1, np.int64)
    aw = np.full(n, -1, np.int64)
    bw_lo = np.array([a.birth_weight[0] if a.birth_weight else 2500 for a in cat.adrgs])[adrg]
    bw_hi = np.array([a.birth_weight[1] if a.birth_weight else 4500 for a in cat.adrgs])[adrg]
    term = rng.normal(3300, 420, n)
    banded = rng.uniform(bw_lo, bw_hi + 1)
    has_band = np.array([a.birth_weight is not None for a in cat.adrgs])[adrg]
    w = np.where(has_band, banded, np.clip(term, 2500, 4500))
    w = (np.rint(w / 10) * 10).astype(np.int64)
    w = np.clip(w, np.where(has_band, np.ceil(bw_lo / 10) * 10, 2500), np.where(has_band, bw_hi, 4500))
    bw[spec_newborn] = w[spec_newborn]
    growth = np.where(age_days < 5, 1 - 0.015 * np.maximum(age_days, 0), 1 + 0.006 * (age_days - 5))
    aw[spec_newborn] = (np.rint(w * growth / 10) * 10).astype(np.int64)[spec_newborn]
    mother_w = np.clip(np.rint(rng.normal(3250, 430, n) / 10) * 10, 1800, 4600).astype(np.int64)
    bw[delivery] = mother_w[delivery]

    age_days[~(spec_newborn | spec_infant)] = -1
    return Clinical(adrg, pdx, dx, px, sex.astype(np.int64), age_years, age_days, bw, aw,
                    sev.astype(np.int64), delivery)


def _place(dx: np.ndarray, mask: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Put ``codes`` into the first free slot of the masked rows (rows without room are skipped)."""
    free = dx < 0
    has_room = free.any(axis=1)
    slot = free.argmax(axis=1)
    rows = np.flatnonzero(mask & has_room)
    dx[rows, slot[rows]] = codes[rows]
    return rows


@dataclass
class _Ctx:
    cat: Catalog
    pdx: np.ndarray
    sex: np.ndarray
    age_years: np.ndarray
    age_days: np.ndarray
    obstetric: np.ndarray
    newborn: np.ndarray


def _fill(ctx: _Ctx, dx: np.ndarray, pool: np.ndarray, need: np.ndarray, rng: np.random.Generator,
          check_excl: bool, rows_mask: np.ndarray | None = None, rounds: int = 8) -> None:
    """Add up to ``need[i]`` codes from ``pool`` to row i, each valid for the case.

    Slots fill left to right, so a row's next free slot is its count of filled slots. Each round draws one
    candidate for every row still needing codes and keeps the valid ones; the active set shrinks.
    """
    if not len(pool):
        return
    cat = ctx.cat
    cat_id = _cat_ids(cat)
    d_sex = cat.dx["sex"].to_numpy()
    d_peri = cat.dx["perinatal"].to_numpy()
    d_obs = cat.dx["obstetric"].to_numpy()
    d_adult = cat.dx["adult_only"].to_numpy()
    slots = dx.shape[1]
    filled = (dx >= 0).sum(axis=1)
    active = np.flatnonzero((need > 0) & (filled < slots))
    left = need[active].astype(np.int64)
    max_rounds = rounds * int(max(need.max(initial=0), 1))
    for _ in range(max_rounds):
        if not len(active):
            break
        c = pool[rng.integers(0, len(pool), len(active))]
        ok = (d_sex[c] == 0) | (d_sex[c] == ctx.sex[active])
        ok &= ~d_peri[c] | ctx.newborn[active]
        ok &= ~d_obs[c] | ctx.obstetric[active]
        ok &= ~d_adult[c] | (ctx.age_years[active] >= 18)
        cc = cat_id[c]
        ok &= cc != cat_id[ctx.pdx[active]]
        ok &= ~(cat_id[dx[active]] == cc[:, None]).any(axis=1)
        if check_excl:
            strict = rng.random(len(active)) >= profiles.UNCHECKED_CC_SHARE
            ok &= ~(strict & excluded(cat, c, ctx.pdx[active]))
        rows = active[ok]
        dx[rows, filled[rows]] = c[ok]
        filled[rows] += 1
        left[ok] -= 1
        keep = (left > 0) & (filled[active] < slots)
        active, left = active[keep], left[keep]
