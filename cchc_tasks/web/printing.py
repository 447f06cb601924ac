"""Survey codes on paper: a CSV for a receipt printer or a mail merge, or an A4 PDF of
cut-out slips, each with the code as text and as a QR code that opens the questionnaire.

The QR codes are drawn by :mod:`segno` (its module matrix, drawn as PDF rectangles, so
they stay sharp at any size); the PDF by :mod:`fpdf` (fpdf2) with a Unicode TrueType font
for the Vietnamese text: the one passed as ``font``, else DejaVu Sans where Debian
(``fonts-dejavu-core``) or matplotlib put it.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import io
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import ValidationError
from ..labels import date_text

__all__ = ["find_font", "survey_url", "write_codes_csv", "write_codes_pdf"]

_FONT_PLACES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/local/share/fonts/DejaVuSans.ttf",
)
# Slips per A4 page: 2 columns × 5 rows of 105 × 59 mm.
_COLUMNS, _ROWS = 2, 5
_SLIP_W, _SLIP_H = 105.0, 59.4


def survey_url(base: str | None, code: str) -> str:
    """What the QR code holds: the questionnaire's address under ``base``
    (``https://khaosat.example.gov.vn`` → ``…/s/CODE``), or the code alone."""
    return f"{base.rstrip('/')}/s/{code}" if base else code


def find_font(font: str | os.PathLike[str] | None = None) -> Path:
    """The TrueType font for the PDF: ``font`` if given, else DejaVu Sans."""
    if font is not None:
        path = Path(font)
        if not path.is_file():
            raise ValidationError("font", "a TrueType font file (.ttf)", str(font))
        return path
    for place in _FONT_PLACES:
        if Path(place).is_file():
            return Path(place)
    spec = importlib.util.find_spec("matplotlib")
    if spec is not None and spec.origin is not None:
        bundled = Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"
        if bundled.is_file():
            return bundled
    raise ValidationError(
        "font",
        "a TrueType font with Vietnamese letters (pass --font, or install fonts-dejavu-core)",
        "none found",
    )


def write_codes_csv(
    out: str | os.PathLike[str] | io.StringIO,
    codes: Sequence[str],
    *,
    unit: str,
    service: str,
    expires: dt.date,
    base_url: str | None = None,
) -> None:
    """One row per code: code, unit, service, expiry (dd/mm/yyyy) and the URL the QR
    code would hold; UTF-8 with a BOM so that Excel reads the Vietnamese right."""
    rows = [["Mã khảo sát", "Đơn vị", "Dịch vụ", "Hạn sử dụng", "Địa chỉ khảo sát"]]
    rows += [
        [code, unit, service, date_text(expires), survey_url(base_url, code)] for code in codes
    ]
    if isinstance(out, io.StringIO):
        csv.writer(out, lineterminator="\n").writerows(rows)
        return
    with open(out, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def _draw_qr(pdf: Any, text: str, x: float, y: float, size: float) -> None:
    import segno

    qr = segno.make(text, error="m", micro=False)
    matrix = [list(row) for row in qr.matrix_iter(border=0)]
    cell = size / len(matrix)
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                pdf.rect(x + start * cell, y + r * cell, (c - start) * cell, cell, style="F")
            else:
                c += 1


def write_codes_pdf(
    out: str | os.PathLike[str],
    codes: Sequence[str],
    *,
    unit_name: str,
    service: str,
    expires: dt.date,
    base_url: str | None = None,
    font: str | os.PathLike[str] | None = None,
) -> None:
    """An A4 PDF of slips, ten a page: who asks, the service, the code in large type,
    its QR code, and until when it works."""
    from fpdf import FPDF

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margin(0)
    pdf.add_font("body", "", str(find_font(font)))
    pdf.set_title("Phiếu khảo sát sự hài lòng")
    pdf.set_creator("cchc_tasks")
    for i, code in enumerate(codes):
        slot = i % (_COLUMNS * _ROWS)
        if slot == 0:
            pdf.add_page()
        x = (slot % _COLUMNS) * _SLIP_W
        y = (slot // _COLUMNS) * _SLIP_H
        _draw_slip(pdf, code, x, y, unit_name, service, expires, base_url)
    pdf.output(str(out))


def _draw_slip(
    pdf: Any,
    code: str,
    x: float,
    y: float,
    unit_name: str,
    service: str,
    expires: dt.date,
    base_url: str | None,
) -> None:
    pdf.set_draw_color(170)
    pdf.set_dash_pattern(dash=1, gap=1)
    pdf.rect(x + 1, y + 1, _SLIP_W - 2, _SLIP_H - 2)
    pdf.set_dash_pattern()
    pdf.set_fill_color(0)
    qr = 34.0
    _draw_qr(pdf, survey_url(base_url, code), x + _SLIP_W - qr - 5, y + 6, qr)
    width = _SLIP_W - qr - 12
    left = x + 5

    def lines(size: float, height: float, text: str) -> None:
        pdf.set_font("body", size=size)
        pdf.set_x(left)
        pdf.multi_cell(width, height, text, align="L", new_x="LEFT", new_y="NEXT")

    pdf.set_xy(left, y + 5)
    lines(10, 5, "PHIẾU KHẢO SÁT SỰ HÀI LÒNG")
    lines(8.5, 4, unit_name + (f"\nDịch vụ: {service}" if service else ""))
    pdf.set_xy(left, pdf.get_y() + 2)
    lines(8, 3.8, "Quét mã QR hoặc nhập mã dưới đây:")
    pdf.set_font("body", size=11)
    pdf.set_x(left)
    pdf.cell(width, 7, code, new_x="LEFT", new_y="NEXT")
    if base_url:
        lines(7.5, 3.5, base_url)
    pdf.set_xy(left, y + _SLIP_H - 10)
    pdf.set_font("body", size=7.5)
    pdf.cell(_SLIP_W - 10, 4, f"Mã dùng một lần, có hiệu lực đến ngày {date_text(expires)}.")
