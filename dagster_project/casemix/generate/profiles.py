"""Parameters of the synthetic front-page generator: case-mix shape, ages, departments, value sets.

These are *generator* parameters (how the fake hospital behaves), not reference data the pipeline reads;
the numbers they produce are documented in ``docs/generator.md`` and asserted in ``tests/generate``.
Every MDC of CHS-DRG (A…Z) has a row, so the real 1.1 scheme and the demo scheme use the same table.
"""

from __future__ import annotations

# ---------------------------------------------------------------------------------------------------
# MDC profile: relative share of discharges, age model, departments (诊疗科目 codes, RC023) for
# medical/non-OR and surgical ADRGs, relative daily intensity and surgical cost level.
#   share      relative weight of the MDC among discharges (renormalised over the MDCs a scheme has)
#   age        (mean, sd, min, max) in years for adults; kids = share of patients aged 1-14
#   female     share of women when no code forces the sex
#   med, surg  discharge department codes in a tertiary hospital
#   day        daily resource intensity (1 = average ward)
#   surg_cost  level of the operation cost (元, median of SSZLF+YCXYYCLF for the MDC's operations)
MDC_PROFILE: dict[str, dict] = {
    "A": dict(share=0.004, age=(55, 15, 18, 85), kids=0.00, female=0.40, med="28", surg="28", day=3.0, surg_cost=90000),
    "B": dict(share=0.100, age=(64, 13, 18, 95), kids=0.02, female=0.45, med="03.03", surg="04.02", day=1.1, surg_cost=28000),
    "C": dict(share=0.025, age=(62, 14, 18, 95), kids=0.03, female=0.55, med="10", surg="10", day=0.9, surg_cost=6000),
    "D": dict(share=0.030, age=(45, 18, 18, 90), kids=0.10, female=0.50, med="11", surg="11", day=0.9, surg_cost=7000),
    "E": dict(share=0.130, age=(66, 15, 18, 98), kids=0.12, female=0.42, med="03.01", surg="04.05", day=1.0, surg_cost=30000),
    "F": dict(share=0.160, age=(67, 12, 18, 98), kids=0.01, female=0.44, med="03.04", surg="04.06", day=1.2, surg_cost=45000),
    "G": dict(share=0.120, age=(55, 16, 18, 95), kids=0.06, female=0.48, med="03.02", surg="04.01", day=1.0, surg_cost=14000),
    "H": dict(share=0.045, age=(58, 14, 18, 95), kids=0.01, female=0.50, med="03.02", surg="04.01", day=1.0, surg_cost=18000),
    "I": dict(share=0.090, age=(58, 16, 18, 98), kids=0.03, female=0.55, med="04.03", surg="04.03", day=0.9, surg_cost=32000),
    "J": dict(share=0.030, age=(50, 16, 18, 95), kids=0.03, female=0.65, med="13", surg="04.01", day=0.8, surg_cost=9000),
    "K": dict(share=0.040, age=(58, 14, 18, 95), kids=0.02, female=0.50, med="03.07", surg="04.01", day=0.9, surg_cost=15000),
    "L": dict(share=0.045, age=(58, 15, 18, 95), kids=0.02, female=0.40, med="03.06", surg="04.04", day=1.0, surg_cost=16000),
    "M": dict(share=0.015, age=(66, 12, 18, 95), kids=0.00, female=0.00, med="04.04", surg="04.04", day=0.9, surg_cost=12000),
    "N": dict(share=0.035, age=(44, 12, 18, 85), kids=0.00, female=1.00, med="05.01", surg="05.01", day=0.9, surg_cost=11000),
    "O": dict(share=0.080, age=(29, 5, 18, 45), kids=0.00, female=1.00, med="05.02", surg="05.02", day=0.7, surg_cost=5000),
    "P": dict(share=0.035, age=(0, 0, 0, 0), kids=0.00, female=0.45, med="07.01", surg="07.01", day=1.3, surg_cost=20000),
    "Q": dict(share=0.012, age=(55, 18, 18, 95), kids=0.05, female=0.50, med="03.05", surg="04.01", day=1.0, surg_cost=12000),
    "R": dict(share=0.030, age=(58, 13, 18, 90), kids=0.02, female=0.45, med="19", surg="19", day=1.3, surg_cost=15000),
    "S": dict(share=0.012, age=(50, 20, 18, 95), kids=0.10, female=0.45, med="16", surg="04.01", day=1.0, surg_cost=12000),
    "T": dict(share=0.008, age=(42, 16, 18, 90), kids=0.00, female=0.50, med="15", surg="15", day=0.5, surg_cost=5000),
    "U": dict(share=0.003, age=(48, 12, 18, 85), kids=0.00, female=0.15, med="15", surg="15", day=0.6, surg_cost=5000),
    "V": dict(share=0.015, age=(45, 20, 18, 95), kids=0.08, female=0.40, med="20", surg="04.01", day=1.0, surg_cost=10000),
    "W": dict(share=0.003, age=(40, 18, 18, 90), kids=0.10, female=0.35, med="04.07", surg="04.07", day=1.5, surg_cost=20000),
    "X": dict(share=0.008, age=(55, 18, 18, 95), kids=0.02, female=0.50, med="21", surg="04.01", day=0.6, surg_cost=8000),
    "Y": dict(share=0.001, age=(45, 12, 18, 85), kids=0.00, female=0.25, med="16", surg="16", day=1.2, surg_cost=15000),
    "Z": dict(share=0.004, age=(45, 17, 18, 90), kids=0.00, female=0.30, med="20", surg="04.03", day=1.8, surg_cost=40000),
}
DEFAULT_MDC = dict(share=0.01, age=(55, 16, 18, 95), kids=0.02, female=0.5, med="03", surg="04", day=1.0, surg_cost=12000)

# Share of ADRG kinds by hospital level (3 = 三级 tertiary, 2 = 二级 secondary): tertiary hospitals
# operate more. The realised surgery share is asserted in tests.
KIND_SHARE = {
    3: {"medical": 0.56, "surgical": 0.34, "non_or": 0.10},
    2: {"medical": 0.72, "surgical": 0.22, "non_or": 0.06},
}

# Cases per month relative to --cases-per-month, by level.
LEVEL_VOLUME = {3: 1.0, 2: 0.5}

# Seasonality of monthly volume (Jan..Dec; Chinese New Year dip in Feb, winter respiratory peak).
SEASON = (1.05, 0.80, 1.00, 1.00, 1.00, 0.97, 1.00, 1.00, 1.00, 0.97, 1.05, 1.10)

# ---------------------------------------------------------------------------------------------------
# Severity (secondary diagnoses) and outcome
MCC_RATE = 0.08          # share of cases given a non-excluded MCC
CC_RATE = 0.25           # share of the remaining cases given a non-excluded CC (→ ≈ 23 % of all)
UNCHECKED_CC_SHARE = 0.10  # share of MCC/CC picks drawn without the exclusion check (some are excluded)
SEVERITY_LEVEL_FACTOR = {3: 1.15, 2: 0.75}

# 离院方式 (RC019) shares among survivors; death probability is modelled separately.
LYFS_SHARE = {"1": 0.900, "2": 0.022, "3": 0.013, "4": 0.065}

# ---------------------------------------------------------------------------------------------------
# Departments (RC023 《医疗机构诊疗科目名录》 codes). Tertiary hospitals have the specialties; secondary
# hospitals the general departments. A specialty missing in a hospital maps to its parent (first two
# digits), else to 内科 03 / 外科 04.
DEPARTMENTS = {
    "03": "内科", "03.01": "呼吸内科", "03.02": "消化内科", "03.03": "神经内科", "03.04": "心血管内科",
    "03.05": "血液内科", "03.06": "肾病学专业", "03.07": "内分泌专业",
    "04": "外科", "04.01": "普通外科", "04.02": "神经外科", "04.03": "骨科", "04.04": "泌尿外科",
    "04.05": "胸外科", "04.06": "心脏大血管外科", "04.07": "烧伤科",
    "05": "妇产科", "05.01": "妇科", "05.02": "产科", "07": "儿科", "07.01": "新生儿科",
    "10": "眼科", "11": "耳鼻咽喉科", "13": "皮肤科", "15": "精神科", "16": "感染科", "19": "肿瘤科",
    "20": "急诊医学科", "21": "康复医学科", "26": "麻醉科", "28": "重症医学科",
}
SECONDARY_DEPARTMENTS = ("03", "04", "04.03", "05", "07", "10", "11", "20", "26")
NON_WARD_DEPARTMENTS = ("26",)   # 麻醉科: no discharges, supplies 麻醉医师
PEDIATRIC_DEPT = "07"

# ---------------------------------------------------------------------------------------------------
# Value sets written by the generator (standards §1.2). Interface conventions are a choice: listed here
# so the quality rules and the generator can be compared in one place.
VALUES = {
    "XB": ("1", "2"),
    "RYTJ": {"1": 0.35, "2": 0.60, "3": 0.03, "9": 0.02},        # RC026
    "RYBQ_PDX": {"1": 0.90, "2": 0.07, "3": 0.03},               # RC027, never 4 for the principal
    "RYBQ_OTHER": {"1": 0.72, "2": 0.07, "3": 0.03, "4": 0.18},
    "YLFKFS": {"01": 0.42, "02": 0.33, "03": 0.08, "07": 0.10, "05": 0.02, "99": 0.05},  # RC032 (2-digit)
    "HY": ("1", "2", "3", "4", "9"),                             # RC002 interface codes
    "XX": {"1": 0.28, "2": 0.25, "3": 0.32, "4": 0.09, "5": 0.04, "6": 0.02},  # RC030 A B O AB 不详 未查
    "SSJB_OR": {"2": 0.30, "3": 0.42, "4": 0.28},                # RC029
    "QKDJ": {"1": 0.15, "2": 0.55, "3": 0.26, "4": 0.04},        # CV05.10.022: 1=0类 2=Ⅰ类 3=Ⅱ类 4=Ⅲ类
    "QKYHLB": {"1": 0.95, "2": 0.04, "3": 0.01},                 # RC014-2: 1 甲 2 乙 3 丙 (9 其他)
    "MZFS_GENERAL": ("12", "41", "11"),                          # CV06.00.103
    "MZFS_NEURAXIAL": ("22", "21", "43"),
    "MZFS_LOCAL": ("35", "31", "33"),
    "SWHZSJ": {"2": 0.9, "1": 0.1},                              # RC016 1 是 2 否
    "YWGM_YES": 0.12,                                            # RC028 1 无 2 有
    "BAZL": {"1": 0.96, "2": 0.04},                              # RC011 甲 乙
}

# Occupation (RC003, GB/T 2261.4 interface codes) by age band.
OCCUPATION_EMPLOYED = ("11", "13", "17", "21", "24", "37", "51", "54")
OCCUPATION_OTHER = ("27", "70", "90")
OCCUPATION_STUDENT = "31"
OCCUPATION_RETIRED = "80"
OCCUPATION_PRESCHOOL = "90"

GX_CODES = {"spouse": "1", "son": "2", "daughter": "3", "parent": "5", "sibling": "7", "other": "9"}
