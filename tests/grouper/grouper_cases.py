"""Hand-written front-page cases for the hand scheme of conftest.py, with the result worked out by hand.

EXPECT[bah] = (grouping_status, mdc, adrg, drg_code, severity_level) under qy_mode 'principal' and scheme
T-1 (discharges in 2023). QY_EXPECT[bah] = {mode: (status, adrg, drg)} for the cases whose result depends
on qy_mode.
"""

from grouper_fixtures import UNMAPPABLE, case

EDGE_CASES = [
    # -- non-OR before medical; 36.0601 is an OR procedure (it is in FB1's 同时包含 list) but also in F's
    #    non-OR list FM1, so it is no QY trigger in MDCF
    case("PCI", "I21.001", px=("36.0601",)),
    # -- 同时包含: FB1 needs 36.1000 and (39.6100 or 36.0601) in any slots
    case("CABG", "I25.100", px=("39.6100", "36.1000")),
    # -- QY: principal OR procedure (appendectomy) that fits no surgical ADRG of MDCE
    case("QY-PRINCIPAL", "J18.900", px=("47.0100",)),
    # -- QY only under 'any': principal is a non-OR procedure (EK1), the OR procedure is in slot 2
    case("QY-ANY", "J18.900", px=("96.0401", "47.0100")),
    # -- 0000: principal dx in no MDC table
    case("0000", "Q99.999"),
    # -- fall-through: R50.900 is in the MDCE and MDCX tables; MDCE has no ADRG for it -> MDCX XR1
    case("FALL", "R50.900"),
    # -- exclusions (grouped for reference): LOS 70 > 60, cost 3 < 5
    case("LOS70", "J18.900", los="70"),
    case("COST3", "J18.900", cost="3"),
    # -- invalid
    case("SEX9", "J18.900", sex="9"),
    case("NOAGE", "J18.900", age=""),
    case("AGE0-NODAYS", "P59.900", age="0"),
    case("NEWBORN-NOBW", "P59.900", age="0", age_days="10"),
    case("NODX", ""),
    case("NOPDX-SDX", "", sdx=("E87.100",)),                  # secondaries but no principal diagnosis
    case("INVALID-AND-LOS", "J18.900", sex="0", los="90"),
    # -- severity
    case("MCC-EXCLUDED", "J18.900", sdx=("J96.000",)),          # J96.000 MCC, table T-E holds J18.900
    case("MCC-COUNTS", "J18.900", sdx=("I50.900",)),            # I50.900 MCC, table T-F lacks J18.900 -> ES11
    case("CC", "J18.900", sdx=("E87.100",)),                    # E87.100 CC 无 -> ES13
    case("MCC-NO1", "K35.800", sdx=("J96.000",)),               # GZ1 has 3/5: MCC takes 3
    case("CC-NO3", "I63.900", sdx=("E87.100",)),                # BR1 has 1/5: CC takes 5
    case("UNSPLIT", "I21.001", sdx=("I50.900",)),               # FR1 unsplit -> 9 (and the MCC is excluded)
    case("PDX-REPEATED", "I63.900", sdx=("I63.900",)),          # I63.900 is an MCC (无) but it is the pdx
    case("PDX-REPEATED-PLUS", "I63.900", sdx=("I63.900", "J96.000")),  # J96.000 counts (T-E lacks I63.900)
    # -- MDCP: age < 1 year; PS1-4 by birth weight, PU1 <= 28 d, PV1 29 d - 1 y
    case("PS1", "P07.300", age="0", age_days="5", bw="1200"),
    case("PS2", "P07.300", age="0", age_days="5", bw="1700"),
    case("PS3", "P07.300", age="0", age_days="5", bw="2200"),
    case("PS4", "P07.300", age="0", age_days="5", bw="3000"),
    case("PS1-SECONDARY", "P59.900", sdx=("P07.300",), age="0", age_days="5", bw="1499"),
    case("PU1", "P59.900", age="0", age_days="28", bw="3200"),
    case("PV1", "P59.900", age="0", age_days="29"),
    case("P-OVER-1Y", "P59.900", age="1"),                       # not MDCP: P59.900 is in no other table
    case("PB1", "P22.000", age="0", age_days="3", bw="2800", px=("39.9000",)),
    # -- AH1: 96.7201 in any slot (ventilation hours are not on the front page: null passes)
    case("AH1", "J18.900", px=("96.0401", "96.7201")),
    # -- MDCZ: two body regions enter Z; one region does not (S06.000 then goes to MDCB)
    case("Z-TWO-REGIONS", "S06.000", sdx=("S27.000",)),
    case("Z-TWO-REGIONS-SURG", "S06.000", sdx=("S36.000",), px=("01.2400",)),
    case("Z-ONE-REGION", "S06.000"),
    # -- burns: WB1 grafting, WJ1 any OR procedure except WB1's
    case("WB1", "T20.300", px=("86.6100",)),
    case("WJ1", "T21.300", px=("47.0100",)),
    case("W-GRAFT-NO-WB1", "T21.300", px=("86.6100",)),          # WB1 needs pdx T20.300, WJ1 forbids 86.6100
    # -- 全部手术: SB1 takes any OR procedure in any slot
    case("SB1", "A41.900", px=("96.0401", "47.0100")),
    # -- dagger/asterisk: whole string first, then the dagger part
    case("DAGGER-WHOLE", "A17.000+G01*"),
    case("DAGGER-PART", "A39.000+G01*"),
    # -- sex-restricted MDCs
    case("MDCM-MALE", "N40.x00", sex="1"),
    case("MDCM-FEMALE", "N40.x00", sex="2"),
    case("MDCN-FEMALE", "N80.000", sex="2"),
    # -- code map (dx from 临床版2.0): a clinical code mapped to the scheme's code; an unmappable one
    case("MAPPED", "I21.000x901"),
    case("UNMAPPABLE", "J18.900", sdx=(UNMAPPABLE,)),
    # -- effective dates: 2024 discharges use T-2 (ES1 unsplit); 2019 has no scheme in force
    case("IN-2024", "J18.900", sdx=("I50.900",), cysj="2024-03-01"),
    case("IN-2019", "J18.900", cysj="2019-06-30"),
]

G = "grouped"
EXPECT = {
    "PCI": (G, "F", "FM1", "FM19", "none"),
    "CABG": (G, "F", "FB1", "FB15", "none"),
    "QY-PRINCIPAL": ("qy", "E", "EQY", "EQY", None),
    "QY-ANY": (G, "E", "EK1", "EK19", "none"),
    "0000": ("0000", None, None, "0000", None),
    "FALL": (G, "X", "XR1", "XR19", "none"),
    "LOS70": ("excluded", "E", "ES1", "ES15", "none"),
    "COST3": ("excluded", "E", "ES1", "ES15", "none"),
    "SEX9": ("invalid", None, None, None, None),
    "NOAGE": ("invalid", None, None, None, None),
    "AGE0-NODAYS": ("invalid", None, None, None, None),
    "NEWBORN-NOBW": ("invalid", None, None, None, None),
    "NODX": ("invalid", None, None, None, None),
    "NOPDX-SDX": ("invalid", None, None, None, None),
    "INVALID-AND-LOS": ("invalid", None, None, None, None),
    "MCC-EXCLUDED": (G, "E", "ES1", "ES15", "none"),
    "MCC-COUNTS": (G, "E", "ES1", "ES11", "MCC"),
    "CC": (G, "E", "ES1", "ES13", "CC"),
    "MCC-NO1": (G, "G", "GZ1", "GZ13", "MCC"),
    "CC-NO3": (G, "B", "BR1", "BR15", "CC"),
    "UNSPLIT": (G, "F", "FR1", "FR19", "none"),
    "PDX-REPEATED": (G, "B", "BR1", "BR15", "none"),
    "PDX-REPEATED-PLUS": (G, "B", "BR1", "BR11", "MCC"),
    "PS1": (G, "P", "PS1", "PS15", "none"),
    "PS2": (G, "P", "PS2", "PS29", "none"),
    "PS3": (G, "P", "PS3", "PS39", "none"),
    "PS4": (G, "P", "PS4", "PS49", "none"),
    "PS1-SECONDARY": (G, "P", "PS1", "PS15", "none"),
    "PU1": (G, "P", "PU1", "PU19", "none"),
    "PV1": (G, "P", "PV1", "PV19", "none"),
    "P-OVER-1Y": ("0000", None, None, "0000", None),
    "PB1": (G, "P", "PB1", "PB19", "none"),
    "AH1": (G, "A", "AH1", "AH19", "none"),
    "Z-TWO-REGIONS": (G, "Z", "ZZ1", "ZZ15", "none"),
    "Z-TWO-REGIONS-SURG": (G, "Z", "ZB1", "ZB19", "none"),
    "Z-ONE-REGION": (G, "B", "BR1", "BR15", "none"),
    "WB1": (G, "W", "WB1", "WB19", "none"),
    "WJ1": (G, "W", "WJ1", "WJ19", "none"),
    "W-GRAFT-NO-WB1": ("qy", "W", "WQY", "WQY", None),
    "SB1": (G, "S", "SB1", "SB19", "none"),
    "DAGGER-WHOLE": (G, "B", "BZ1", "BZ19", "none"),
    "DAGGER-PART": (G, "S", "SR1", "SR15", "none"),
    "MDCM-MALE": (G, "M", "MZ1", "MZ19", "none"),
    "MDCM-FEMALE": ("0000", None, None, "0000", None),
    "MDCN-FEMALE": (G, "N", "NZ1", "NZ19", "none"),
    "MAPPED": (G, "F", "FR1", "FR19", "none"),
    "UNMAPPABLE": ("cannot_map", None, None, None, None),
    "IN-2024": (G, "E", "ES1", "ES19", "MCC"),
    "IN-2019": ("invalid", None, None, None, None),
}

QY_EXPECT = {
    "QY-PRINCIPAL": {"any": ("qy", "EQY", "EQY"), "off": (G, "ES1", "ES15")},
    "QY-ANY": {"any": ("qy", "EQY", "EQY"), "off": (G, "EK1", "EK19")},
    "W-GRAFT-NO-WB1": {"any": ("qy", "WQY", "WQY"), "off": (G, "WR1", "WR19")},
    "PCI": {"any": (G, "FM1", "FM19"), "off": (G, "FM1", "FM19")},
    "SB1": {"any": (G, "SB1", "SB19"), "off": (G, "SB1", "SB19")},
}
