"""The sampling catalogue: a grouping scheme turned into integer arrays the case sampler draws from.

One pass over the scheme tables (not over cases): every diagnosis and procedure code the scheme names
gets an integer id in a vocabulary with its name and its clean-case flags (``clean_codes``); every ADRG
gets the candidate ids for each of its conditions (one alternative), already filtered so that a clean
case drawn from them trips no quality rule. The sampler then works with ``rng.integers`` and fancy
indexing only, which is what makes a million cases take seconds with the 60 k-code 1.1 scheme.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from statistics import NormalDist

import numpy as np
import pandas as pd

from casemix.generate import clean_codes, profiles

# Local external-cause codes for the 损伤、中毒外部原因 field (H23): the scheme has no V–Y list.
EXTERNAL_CAUSES = [
    ("W19.x00", "跌倒"), ("W01.x00", "同一平面上滑倒、绊倒和摔倒"), ("W10.x00", "在楼梯和台阶上跌倒"),
    ("V89.200", "机动车交通事故中受伤的人员"), ("W20.x00", "被抛掷、投掷或坠落物体击中"),
    ("W23.x00", "在物体内或物体之间被夹住、压住或挤压"), ("X59.x00", "暴露于未特指的因素"),
    ("W54.x00", "被狗咬或抓伤"), ("X40.x00", "非阿片类镇痛药、解热药和抗风湿药的意外中毒"),
]
# ICD-O morphology for neoplasm principals (PDX-012): by code range -> (code, name).
MORPHOLOGY = [
    ("C77-C79", "M8000/6", "转移性肿瘤"),
    ("C81-C88", "M9590/3", "恶性淋巴瘤"),
    ("C90-C96", "M9800/3", "白血病"),
    ("C00-C76", "M8140/3", "腺癌"),
    ("C80-C80", "M8000/3", "恶性肿瘤"),
    ("C97-C97", "M8000/3", "恶性肿瘤"),
    ("D00-D09", "M8140/2", "原位腺癌"),
    ("D10-D36", "M8140/0", "腺瘤"),
    ("D37-D48", "M8000/1", "肿瘤，良性或恶性未肯定"),
]


def stable_uniform(text: str, salt: str) -> float:
    """A number in (0, 1) fixed by the text (the same ADRG has the same profile in every run/seed)."""
    h = hashlib.sha256(f"{salt}|{text}".encode()).hexdigest()
    return (int(h[:12], 16) + 0.5) / 16**12


def stable_lognormal(text: str, salt: str, sigma: float) -> float:
    return float(np.exp(sigma * NormalDist().inv_cdf(stable_uniform(text, salt))))


@dataclass
class AdrgSpec:
    code: str
    mdc: str
    kind: str
    pdx: np.ndarray                       # dx ids
    ppx: np.ndarray | None                # px ids for slot 1 (None: no principal-procedure condition)
    any_px: list[np.ndarray]              # each: one more procedure from this list
    any_dx: list[np.ndarray]              # each: one secondary diagnosis from this list
    age_days: tuple[int, int] | None      # inclusive range for MDC P
    birth_weight: tuple[int, int] | None  # inclusive range (g)
    no_or: bool
    trauma_regions: bool                  # MDCZ: pdx + a secondary from another body region
    newborn: bool                         # age <= 28 days
    infant: bool                          # 29..364 days
    obstetric: bool
    popularity: float
    cost_factor: float
    los_factor: float


@dataclass
class Catalog:
    scheme_version: str
    dx: pd.DataFrame                      # id-ordered vocabulary with flags
    px: pd.DataFrame
    adrgs: list[AdrgSpec]
    excl_keys: np.ndarray                 # sorted int64: table_id * n_dx + pdx id
    mcc: np.ndarray                       # dx ids
    cc: np.ndarray
    plain_by_mdc: dict[str, np.ndarray]   # secondary pools (non-CC codes) per MDC
    plain_general: np.ndarray             # adult pool for comorbidities from other MDCs
    outcome_single: np.ndarray            # Z37 single live birth ids
    outcome_twin: np.ndarray
    trauma_region: np.ndarray             # per dx id: MDCZ body region id (-1 none)
    mdcs: pd.DataFrame
    arrays: dict = field(default_factory=dict)

    def kind_of(self) -> np.ndarray:
        return np.array([a.kind for a in self.adrgs])


def _ids(vocab_index: pd.Index, codes) -> np.ndarray:
    if codes is None or len(codes) == 0:
        return np.zeros(0, dtype=np.int64)
    idx = vocab_index.get_indexer(pd.Index(list(codes)))
    return np.unique(idx[idx >= 0]).astype(np.int64)


def build_catalog(tables: dict[str, pd.DataFrame]) -> Catalog:
    sv = tables["scheme_versions"]["scheme_version"].iloc[0] if len(tables["scheme_versions"]) else "?"
    cl = tables["code_lists"]
    mpd = tables["mdc_principal_dx"]
    ccs = tables["cc_codes"]
    exc = tables["cc_exclusions"]

    # ---- vocabularies (first name seen wins; sorted codes for a stable id order)
    dx_names = pd.concat([
        cl.loc[cl["code_type"] == "dx", ["code", "code_name"]].rename(columns={"code_name": "name"}),
        mpd[["dx_code", "dx_name"]].rename(columns={"dx_code": "code", "dx_name": "name"}),
        ccs[["dx_code", "dx_name"]].rename(columns={"dx_code": "code", "dx_name": "name"}),
        exc[["pdx_code", "pdx_name"]].rename(columns={"pdx_code": "code", "pdx_name": "name"}),
    ]).dropna(subset=["code"])
    dx_names = dx_names[dx_names["name"].notna() & (dx_names["name"].astype(str).str.len() > 0)]
    dx_names = dx_names.drop_duplicates("code").sort_values("code", kind="stable").reset_index(drop=True)
    dx = clean_codes.diagnosis_flags(dx_names["code"].astype(str).to_numpy())
    dx.insert(1, "name", dx_names["name"].astype(str).to_numpy())
    dx_index = pd.Index(dx["code"])
    n_dx = len(dx)

    px_names = cl.loc[cl["code_type"] == "px", ["code", "code_name"]].rename(columns={"code_name": "name"})
    px_names = px_names.dropna().drop_duplicates("code").sort_values("code", kind="stable").reset_index(drop=True)
    px = clean_codes.procedure_flags(px_names["code"].astype(str).to_numpy())
    px.insert(1, "name", px_names["name"].astype(str).to_numpy())
    px_index = pd.Index(px["code"])
    px["is_or"] = px_index.isin(pd.Index(tables["or_procedures"]["px_code"].astype(str)))

    # ---- CC / MCC and exclusions
    cc_level = np.zeros(n_dx, dtype=np.int8)
    excl_table = np.full(n_dx, -1, dtype=np.int64)
    tables_ids = {t: i for i, t in enumerate(sorted(set(exc["exclusion_table"].dropna().astype(str))
                                                     | set(ccs["exclusion_table"].dropna().astype(str))))}
    ci = dx_index.get_indexer(pd.Index(ccs["dx_code"].astype(str)))
    ok = ci >= 0
    cc_level[ci[ok]] = np.where(ccs["cc_level"].astype(str).to_numpy()[ok] == "MCC", 2, 1)
    et = ccs["exclusion_table"].astype("object").to_numpy()[ok]
    excl_table[ci[ok]] = [tables_ids.get(str(t), -1) if isinstance(t, str) else -1 for t in et]
    dx["cc_level"] = cc_level
    dx["excl_table"] = excl_table
    ei = dx_index.get_indexer(pd.Index(exc["pdx_code"].astype(str)))
    et_ids = np.array([tables_ids[str(t)] for t in exc["exclusion_table"].astype(str)], dtype=np.int64)
    keys = et_ids[ei >= 0] * n_dx + ei[ei >= 0]
    excl_keys = np.unique(keys)

    usable_dx = ~dx["not_any"].to_numpy()
    mcc = np.flatnonzero((cc_level == 2) & usable_dx & ~dx["obstetric"].to_numpy())
    cc = np.flatnonzero((cc_level == 1) & usable_dx & ~dx["obstetric"].to_numpy())

    # ---- per-MDC principal tables and plain secondary pools
    mdcs = tables["mdcs"].copy()
    mdc_dx: dict[str, np.ndarray] = {}
    for m, g in mpd.groupby("mdc_code", sort=True):
        mdc_dx[str(m)] = _ids(dx_index, g["dx_code"].astype(str))
    plain = usable_dx & (cc_level == 0) & ~dx["outcome"].to_numpy() & ~dx["delivery"].to_numpy()
    plain_by_mdc = {m: ids[plain[ids]] for m, ids in mdc_dx.items()}
    general_mask = plain & ~dx["perinatal"].to_numpy() & ~dx["obstetric"].to_numpy() & \
        ~dx["needs_external"].to_numpy() & ~dx["neoplasm"].to_numpy()
    chronic_mdcs = [m for m in ("F", "E", "G", "K", "L", "B", "H", "I") if m in plain_by_mdc]
    general = np.unique(np.concatenate([plain_by_mdc[m] for m in chronic_mdcs])) if chronic_mdcs else \
        np.flatnonzero(general_mask)
    general = general[general_mask[general]]

    trauma_region = np.full(n_dx, -1, dtype=np.int64)
    zr = mpd[mpd["body_region"].notna()]
    if len(zr):
        regions = {r: i for i, r in enumerate(sorted(zr["body_region"].astype(str).unique()))}
        zi = dx_index.get_indexer(pd.Index(zr["dx_code"].astype(str)))
        trauma_region[zi[zi >= 0]] = [regions[r] for r in zr["body_region"].astype(str).to_numpy()[zi >= 0]]

    codes = dx["code"].astype(str)
    outcome = dx["outcome"].to_numpy() & usable_dx
    outcome_single = np.flatnonzero(outcome & codes.str.startswith("Z37.0").to_numpy())
    outcome_twin = np.flatnonzero(outcome & codes.str.startswith("Z37.2").to_numpy())

    cat = Catalog(sv, dx, px, [], excl_keys, mcc, cc, plain_by_mdc, general, outcome_single, outcome_twin,
                  trauma_region, mdcs)
    cat.adrgs = _adrg_specs(tables, cat, dx_index, px_index, mdc_dx)
    return cat


def _adrg_specs(tables, cat: Catalog, dx_index, px_index, mdc_dx) -> list[AdrgSpec]:
    dx, px = cat.dx, cat.px
    cl = tables["code_lists"]
    lists = {k: g["code"].astype(str).to_numpy() for k, g in cl.groupby("list_id", sort=True)}
    conds = tables["adrg_conditions"]
    mdcs = tables["mdcs"].set_index("mdc_code")
    d_sex = dx["sex"].to_numpy()
    d_notp = dx["not_principal"].to_numpy()
    d_nota = dx["not_any"].to_numpy()
    d_peri = dx["perinatal"].to_numpy()
    d_obs = dx["obstetric"].to_numpy()
    d_deliv = dx["delivery"].to_numpy()
    codes = dx["code"].astype(str)
    p_sex = px["sex"].to_numpy()
    p_nota = px["not_any"].to_numpy()
    p_notp = px["not_principal"].to_numpy()
    p_obs = px["obstetric"].to_numpy()
    or_ids = np.flatnonzero(px["is_or"].to_numpy())
    has_outcome = len(cat.outcome_single) > 0
    principal_general = np.unique(np.concatenate(
        [v for m, v in mdc_dx.items() if m not in ("P", "O", "Z", "A")] or [np.zeros(0, np.int64)]))

    specs = []
    for a in tables["adrgs"].sort_values(["mdc_code", "file_order", "adrg_code"]).itertuples():
        c = conds[conds["adrg_code"] == a.adrg_code]
        alts = sorted(c["alt_no"].dropna().unique())
        chosen = None
        for alt in alts:   # first alternative we can represent (vent_hours has no front-page field)
            ca = c[c["alt_no"] == alt]
            if not (ca["attr"].astype(str) == "vent_hours").any():
                chosen = ca.sort_values("cond_no")
                break
        if chosen is None:
            continue
        mdc = str(a.mdc_code)
        sex_r = mdcs.loc[mdc, "sex_restriction"] if mdc in mdcs.index else None
        sex_r = int(sex_r) if isinstance(sex_r, str) and sex_r.isdigit() else 0
        entry = mdcs.loc[mdc, "entry_rule"] if mdc in mdcs.index else "pdx_table"
        age_days = bw = None
        ppx = None
        any_px, any_dx = [], []
        pdx_codes = None
        no_or = trauma = False
        exclude_px = np.zeros(0, dtype=np.int64)
        ok = True
        for r in chosen.itertuples():
            t = r.cond_type
            lst = lists.get(r.list_id) if isinstance(r.list_id, str) else None
            if t == "pdx_in":
                pdx_codes = _ids(dx_index, lst)
            elif t == "ppx_in":
                ppx = _ids(px_index, lst)
            elif t == "any_px_in":
                any_px.append(_ids(px_index, lst))
            elif t == "any_dx_in":
                any_dx.append(_ids(dx_index, lst))
            elif t == "or_proc_any":
                ppx = or_ids
            elif t == "not_any_px_in":
                exclude_px = _ids(px_index, lst)
            elif t == "no_or_proc":
                no_or = True
            elif t == "mdc_pdx":
                pdx_codes = mdc_dx.get(mdc, np.zeros(0, np.int64))
            elif t == "min_body_regions":
                trauma = True
            elif t == "attr_range":
                lo = 0 if pd.isna(r.min_value) else int(r.min_value)
                if r.attr == "age_days":
                    age_days = (lo, 364 if pd.isna(r.max_value) else int(r.max_value) - 1)
                elif r.attr == "birth_weight_g":
                    bw = (max(lo, 500), 4800 if pd.isna(r.max_value) else int(r.max_value) - 10)
            else:
                ok = False
        if not ok:
            continue
        if pdx_codes is None:
            if entry == "adrg_rules":
                pdx_codes = principal_general
            else:
                pdx_codes = mdc_dx.get(mdc, np.zeros(0, np.int64))
        newborn = infant = False
        if mdc == "P" or entry == "age_lt_1y":
            if age_days is None:
                age_days = (0, 28)
            newborn = age_days[1] <= 28
            infant = not newborn
        obstetric = mdc == "O"
        # ---- filter principal diagnoses
        m = ~d_notp[pdx_codes]
        if sex_r:
            m &= np.isin(d_sex[pdx_codes], [0, sex_r])
        m &= d_peri[pdx_codes] == newborn if not newborn else np.ones(len(pdx_codes), bool)
        m &= d_obs[pdx_codes] == obstetric
        if not has_outcome:
            m &= ~d_deliv[pdx_codes]
        if obstetric and a.kind == "surgical":   # operative deliveries: an indication, not a 顺产 code
            cd = codes.to_numpy()[pdx_codes]
            m &= ~(d_deliv[pdx_codes] & ~pd.Series(cd).str.startswith("O82").to_numpy())
        if trauma:
            m &= cat.trauma_region[pdx_codes] >= 0
        pdx_ids = pdx_codes[m]
        if len(pdx_ids) == 0:
            continue

        def px_ok(ids: np.ndarray, principal: bool) -> np.ndarray:
            mm = ~p_nota[ids]
            if principal:
                mm &= ~p_notp[ids]
            if sex_r:
                mm &= np.isin(p_sex[ids], [0, sex_r])
            if not obstetric:
                mm &= ~p_obs[ids]
            if len(exclude_px):
                mm &= ~np.isin(ids, exclude_px)
            return ids[mm]

        if ppx is not None:
            ppx = px_ok(ppx, True)
            if len(ppx) == 0:
                continue
        any_px = [px_ok(ids, ppx is None and i == 0) for i, ids in enumerate(any_px)]
        if any(len(x) == 0 for x in any_px):
            continue
        any_dx = [ids[~d_nota[ids] & (d_peri[ids] <= newborn) & (d_obs[ids] <= obstetric)
                      & (np.isin(d_sex[ids], [0, sex_r]) if sex_r else True)] for ids in any_dx]
        if any(len(x) == 0 for x in any_dx):
            continue
        if any_dx:   # the principal must not repeat (or share a category with) a required secondary
            req_cats = np.unique(np.concatenate([dx["category"].to_numpy()[ids] for ids in any_dx]))
            keep = ~np.isin(dx["category"].to_numpy()[pdx_ids], req_cats)
            if keep.any():
                pdx_ids = pdx_ids[keep]
        if obstetric and any(dx["outcome"].to_numpy()[ids].any() for ids in any_dx):
            any_dx = [ids[dx["outcome"].to_numpy()[ids]] if dx["outcome"].to_numpy()[ids].any() else ids
                      for ids in any_dx]
        specs.append(AdrgSpec(
            code=str(a.adrg_code), mdc=mdc, kind=str(a.kind), pdx=pdx_ids, ppx=ppx, any_px=any_px,
            any_dx=any_dx, age_days=age_days, birth_weight=bw, no_or=no_or, trauma_regions=trauma,
            newborn=newborn, infant=infant, obstetric=obstetric,
            popularity=stable_lognormal(str(a.adrg_code), "popularity", 0.8),
            cost_factor=stable_lognormal(str(a.adrg_code), "cost", 0.35),
            los_factor=stable_lognormal(str(a.adrg_code), "los", 0.2),
        ))
    return specs


def adrg_weights(cat: Catalog, level: int) -> np.ndarray:
    """Probability of each ADRG at a hospital of ``level``: MDC share × kind share × popularity."""
    kinds = profiles.KIND_SHARE[level]
    mdc = np.array([a.mdc for a in cat.adrgs])
    kind = np.array([a.kind for a in cat.adrgs])
    w = np.zeros(len(cat.adrgs))
    pops = np.array([a.popularity for a in cat.adrgs])
    for m in np.unique(mdc):
        share = profiles.MDC_PROFILE.get(m, profiles.DEFAULT_MDC)["share"]
        in_m = mdc == m
        present = {k: (in_m & (kind == k)) for k in kinds}
        tot_kind = sum(kinds[k] for k in kinds if present[k].any())
        for k, sel in present.items():
            if sel.any():
                w[sel] = share * kinds[k] / tot_kind * pops[sel] / pops[sel].sum()
    if level == 3:   # tertiary hospitals carry the pre-MDC transplant/ECMO work
        w[mdc == "A"] *= 1.0
    else:
        w[mdc == "A"] *= 0.1
    return w / w.sum()
