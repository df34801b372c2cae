"""The versioned column map: pinyin and Chinese headers resolve to the same canonical codes."""

from casemix.layout import chinese_header, hqms_header, load_column_map, resolve_header


def test_hqms_header_round_trips_through_chinese_names():
    cols = hqms_header()
    assert len(cols) == 225  # 87 fixed + 15 × 3 diagnosis + 7 × 11 procedure slot fields
    assert cols[:5] == ["ZZJGDM", "JGMC", "YLFKFS", "JKKH", "ZYCS"]
    pinyin = resolve_header(cols)
    chinese = resolve_header(chinese_header(cols))
    assert (pinyin.dx_slots, pinyin.px_slots) == (15, 7)
    assert chinese.canonical == pinyin.canonical
    assert not pinyin.unknown and not chinese.unknown


def test_slot_counts_come_from_the_header_up_to_the_guokao_interface():
    cols = hqms_header(dx_slots=40, px_slots=41)
    r = resolve_header(cols)
    assert (r.dx_slots, r.px_slots) == (40, 41)
    assert r.canonical[cols.index("JBDM40")] == "JBDM40"


def test_principal_and_other_diagnosis_codes_are_told_apart():
    r = resolve_header(["主要诊断编码", "其他诊断编码1", "JBDM", "病案号", "（其他）", " BAH "])
    assert r.canonical == ("JBDM", "JBDM1", None, "BAH", None, None)
    assert r.duplicates == ("JBDM", "BAH")
    assert r.unknown == ("（其他）",)


def test_map_is_versioned_and_lists_identifiers():
    cmap = load_column_map()
    assert cmap.version == "1"
    assert set(cmap.identifiers) == {"XM", "SFZH", "DH", "XZZ", "HKDZ", "GZDWJDZ", "DWDH", "LXRXM",
                                     "DZ", "DH1", "JKKH"}
    assert cmap.required == ["ZZJGDM", "ZYCS", "BAH", "XB", "NL", "RYSJ", "CYSJ", "JBDM", "ZFY"]
