"""Plausible fake identifiers, vectorised: names, 身份证号 with birth date and sex digit, phones,
addresses, postcodes, 统一社会信用代码 (ZZJGDM) with a valid check character.

Nothing here is real: names are drawn from common surname/given-name characters, places from a short list
of provincial capitals with invented streets.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = list("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华志强玉兰海燕春梅文俊晓东红梅丽娟建平")
GIVEN = sorted(set(GIVEN), key=GIVEN.index)

# (province, city, city region code, postcode prefix, districts (name, code))
CITIES = [
    ("浙江省", "杭州市", "330100", "310", [("上城区", "330102"), ("拱墅区", "330105"), ("西湖区", "330106"), ("滨江区", "330108"), ("萧山区", "330109")]),
    ("江苏省", "南京市", "320100", "210", [("玄武区", "320102"), ("秦淮区", "320104"), ("鼓楼区", "320106"), ("江宁区", "320115")]),
    ("四川省", "成都市", "510100", "610", [("锦江区", "510104"), ("青羊区", "510105"), ("金牛区", "510106"), ("武侯区", "510107")]),
    ("河南省", "郑州市", "410100", "450", [("中原区", "410102"), ("二七区", "410103"), ("金水区", "410105"), ("惠济区", "410108")]),
    ("湖北省", "武汉市", "420100", "430", [("江岸区", "420102"), ("江汉区", "420103"), ("武昌区", "420106"), ("洪山区", "420111")]),
    ("广东省", "广州市", "440100", "510", [("越秀区", "440104"), ("海珠区", "440105"), ("天河区", "440106"), ("白云区", "440111")]),
]
STREETS = ["人民路", "解放路", "建设路", "中山路", "和平路", "文化路", "新华路", "胜利路", "朝阳路", "青年路",
           "光明路", "长江路", "黄河路", "东风路", "延安路", "幸福路", "健康路", "学院路"]
EMPLOYERS = ["市供电公司", "市第一中学", "区人民政府", "市建设集团", "市商业银行", "市自来水公司", "市机械厂",
             "区实验小学", "市物流有限公司", "市科技有限公司", "市百货公司", "市农业技术推广站"]
SCHOOLS = ["市第一中学", "区实验小学", "市第二中学", "市外国语学校", "区中心小学", "市职业技术学院"]
ALLERGY_DRUGS = ["青霉素", "头孢类", "磺胺类", "阿司匹林", "链霉素", "碘造影剂"]


def fixed_ascii(mat: np.ndarray) -> pa.Array:
    """An Arrow string array from an (n, w) uint8 matrix of ASCII bytes (zero-copy, every value w long)."""
    n, w = mat.shape
    offsets = np.arange(0, (n + 1) * w, w, dtype=np.int32)
    data = np.ascontiguousarray(mat, dtype=np.uint8)
    return pa.Array.from_buffers(pa.string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(data)])


def digit_matrix(values: np.ndarray, width: int) -> np.ndarray:
    v = np.asarray(values, dtype=np.int64).copy()
    out = np.empty((len(v), width), dtype=np.uint8)
    for i in range(width - 1, -1, -1):
        out[:, i] = 48 + (v % 10)
        v //= 10
    return out


def digits(values: np.ndarray, width: int) -> pa.Array:
    """Zero-padded decimal strings of non-negative integers."""
    return fixed_ascii(digit_matrix(values, width))


def vocab(values) -> pa.Array:
    return pa.array(list(values), type=pa.string())


def names(rng: np.random.Generator, n: int) -> pa.Array:
    """Surname + one or two given-name characters."""
    sur = vocab(SURNAMES).take(pa.array(rng.integers(0, len(SURNAMES), n)))
    g1 = vocab(GIVEN).take(pa.array(rng.integers(0, len(GIVEN), n)))
    g2 = vocab(GIVEN + [""]).take(pa.array(np.where(rng.random(n) < 0.7, rng.integers(0, len(GIVEN), n),
                                                    len(GIVEN))))
    return pc.binary_join_element_wise(sur, g1, g2, "")


_ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_ID_CHECK = np.frombuffer(b"10X98765432", dtype=np.uint8)


def ymd(d: np.ndarray):
    y = d.astype("datetime64[Y]").astype(np.int64) + 1970
    m = d.astype("datetime64[M]").astype(np.int64) % 12 + 1
    dd = (d.astype("datetime64[D]") - d.astype("datetime64[M]")).astype(np.int64) + 1
    return y, m, dd


def id_numbers(rng: np.random.Generator, region: np.ndarray, birth: np.ndarray, sex: np.ndarray) -> pa.Array:
    """18-digit 身份证号: region(6) + birth date(8) + sequence(2) + sex digit (odd = male) + check.

    ``region`` are 6-digit integer region codes, ``birth`` datetime64[D], ``sex`` 1/2.
    """
    n = len(region)
    y, m, d = ymd(birth)
    regn = np.asarray(region, dtype=np.int64)
    seq = rng.integers(0, 100, n)
    sexd = rng.integers(0, 5, n) * 2 + np.where(np.asarray(sex) == 1, 1, 0)
    num17 = ((regn * 10**8 + y * 10**4 + m * 100 + d) * 100 + seq) * 10 + sexd
    dig = np.empty((n, 18), dtype=np.uint8)
    dig[:, :17] = digit_matrix(num17, 17) - 48
    check = (dig[:, :17].astype(np.int64) * _ID_WEIGHTS).sum(axis=1) % 11
    dig[:, :17] += 48
    dig[:, 17] = _ID_CHECK[check]
    return fixed_ascii(dig)


def mobile_phones(rng: np.random.Generator, n: int) -> pa.Array:
    prefix = np.array([130, 131, 132, 135, 136, 137, 138, 139, 150, 151, 152, 155, 157, 158, 159, 176, 177,
                       180, 181, 186, 187, 188, 189, 199])
    p = prefix[rng.integers(0, len(prefix), n)].astype(np.int64)
    return digits(p * 10**8 + rng.integers(10**7, 10**8, n), 11)


def credit_code(region: str, org_seq: int) -> str:
    """18-char 统一社会信用代码 (GB 32100): 1 2 (事业单位 / 其他) + region(6) + org code(9) + check."""
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    org8 = f"{4700000 + org_seq * 7919 % 9999999:08d}"
    ow = [3, 7, 9, 10, 5, 8, 4, 2]
    c9 = 11 - sum(int(ch) * w for ch, w in zip(org8, ow)) % 11
    org9 = org8 + ("X" if c9 == 10 else "0" if c9 == 11 else str(c9))
    body = "12" + region + org9
    s = sum(chars.index(ch) * w for ch, w in zip(body, weights))
    return body + chars[(31 - s % 31) % 31]
