"""Article text shown in the terminal and in CSV cannot carry escape sequences or formulas."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cloudintel.render import cell, plain


def test_terminal_text_loses_escape_sequences() -> None:
    assert plain("Deal\x1b[31m signed\x07\r\nnow") == "Deal[31m signednow"


def test_formula_like_cells_are_quoted_and_numbers_are_not() -> None:
    for formula in ('=HYPERLINK("http://evil","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1"):
        assert cell(formula).startswith("'"), formula
    assert cell(-45.0) == "-45.0" and cell(38000000000) == "38000000000" and cell(None) == ""


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@given(st.text())
def test_any_text_becomes_a_safe_cell(text: str) -> None:
    out = cell(text)
    # a number stays a number (like -45.0 above): "+0" is a value to a spreadsheet, not a formula
    assert out.isprintable() and (
        not out.startswith(("=", "+", "-", "@")) or out.startswith("'") or _number(out)
    )
