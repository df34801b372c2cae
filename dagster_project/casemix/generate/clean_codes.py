"""Clean-case code flags for the generator: what the coding-quality rules restrict per code.

One home: the flags come from the quality rules' own versioned code lists
(``casemix.quality.codelists.dx_flags`` / ``px_flags``, reading ``expectations/code_lists/``), so a
code the rules would flag is never sampled for a clean case, and a list changed there changes both.
"""

from __future__ import annotations

import pandas as pd

from casemix.quality.codelists import SEX_ANY, SEX_FEMALE, SEX_MALE, dx_flags, px_flags  # noqa: F401


def diagnosis_flags(codes) -> pd.DataFrame:
    return dx_flags(codes)


def procedure_flags(codes) -> pd.DataFrame:
    return px_flags(codes)
