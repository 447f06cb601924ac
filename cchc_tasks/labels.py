"""Bilingual labels for what the library shows people: Vietnamese and English.

Tables, charts and reports are read by two audiences: officials, who read the labels of
the regulations in Vietnamese ("Hoàn thành tốt nhiệm vụ", "Quá hạn"), and analysts or
donors, who read English. Every label shown by the tables (:mod:`cchc_tasks.tables`, which
the reports, the notebook and the workbooks of :mod:`cchc_tasks.exports` render), the
charts and the notebook comes from here, so an output never words a thing differently
from another, the two languages stay in step and a new label is added once. Vietnamese is
the default wherever officials are the readers.

The data themselves (unit names, task titles, the reasons the rules give) are shown as
recorded; only the frame around them is translated.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, TypeGuard

from .errors import ValidationError
from .plans import Field, Indicator
from .ratings import Band, Rating
from .targets import Outcome
from .tasks import TaskOutcome, TaskStatus

__all__ = [
    "LANGS",
    "OUTCOME_COLOURS",
    "OUTCOME_MARKERS",
    "RATING_COLOURS",
    "TASK_OUTCOME_COLOURS",
    "Lang",
    "band_label",
    "change_label",
    "check_lang",
    "date_text",
    "field_label",
    "field_name_label",
    "indicator_label",
    "number_text",
    "outcome_label",
    "rating_label",
    "recommendation_label",
    "status_label",
    "t",
    "table_label",
    "task_outcome_label",
]

Lang = Literal["vi", "en"]
LANGS: tuple[Lang, ...] = ("vi", "en")


def _is_lang(value: object) -> TypeGuard[Lang]:
    return value in LANGS


def check_lang(lang: object) -> Lang:
    """``lang`` if it is ``"vi"`` or ``"en"``; else a :class:`ValidationError`."""
    if not _is_lang(lang):
        raise ValidationError("lang", "'vi' or 'en'", lang)
    return lang


# --- the scales --------------------------------------------------------------------------

_RATING_EN = {
    Rating.EXCELLENT: "Excellently completed duties",
    Rating.GOOD: "Well completed duties",
    Rating.COMPLETED: "Completed duties",
    Rating.NOT_COMPLETED: "Did not complete duties",
}
_BAND_EN = {
    Band.EXCELLENT: "Excellent",
    Band.GOOD: "Good",
    Band.FAIR: "Fair",
    Band.AVERAGE: "Average",
    Band.WEAK: "Weak",
}
_OUTCOME_EN = {
    Outcome.PASS: "Achieved",
    Outcome.FAIL: "Not achieved",
    Outcome.NOT_MEASURED: "No data yet",
    Outcome.NOT_APPLICABLE: "Not applicable",
}
_TASK_OUTCOME_EN = {
    TaskOutcome.ON_TIME: "Done on time",
    TaskOutcome.LATE: "Done late",
    TaskOutcome.OVERDUE: "Overdue",
    TaskOutcome.PENDING: "Not yet due",
    TaskOutcome.CANCELLED: "Cancelled",
}
_STATUS = {
    TaskStatus.OPEN: ("Đang thực hiện", "Open"),
    TaskStatus.DONE: ("Đã hoàn thành", "Done"),
    TaskStatus.CANCELLED: ("Đã hủy", "Cancelled"),
}
_FIELD_EN = {
    Field.DIRECTION: "Direction and management of reform",
    Field.INSTITUTIONS: "Institutional reform",
    Field.PROCEDURES: "Administrative procedures",
    Field.APPARATUS: "Organisational apparatus",
    Field.CIVIL_SERVICE: "Civil service",
    Field.PUBLIC_FINANCE: "Public finance",
    Field.DIGITAL_GOVERNMENT: "E-government and digital government",
}
_INDICATOR_EN = {
    Indicator.PAR_INDEX: "Public administration reform index (PAR INDEX)",
    Indicator.PAPI: "Provincial governance and public administration performance index (PAPI)",
    Indicator.SIPAS: "Satisfaction index of public administrative services (SIPAS)",
    Indicator.DTI: "Digital transformation index (DTI)",
}
_CHANGES = {
    "add": ("Thêm mới", "Added"),
    "update": ("Sửa đổi", "Updated"),
    "delete": ("Xóa", "Deleted"),
}
_RECOMMENDATIONS = {
    "commendation": ("Đề nghị khen thưởng", "Commendation"),
    "discipline-review": ("Xem xét trách nhiệm", "Review of responsibility"),
    "urge": ("Kiểm tra, đôn đốc", "Inspect and urge"),
    "decide": ("Đề nghị cấp có thẩm quyền quyết định", "For the evaluating authority to decide"),
    "quota": ("Vượt tỷ lệ hoàn thành xuất sắc", "Over the HTXSNV quota"),
}

#: Background and text colour of each rating: HTXSNV green, HTTNV light green, HTNV
#: amber, KHTNV red, not rated (``None``) grey. Text colours keep the contrast readable.
RATING_COLOURS: dict[Rating | None, tuple[str, str]] = {
    Rating.EXCELLENT: ("#2e7d32", "#ffffff"),
    Rating.GOOD: ("#a5d6a7", "#1b3d1f"),
    Rating.COMPLETED: ("#ffc107", "#3d2e00"),
    Rating.NOT_COMPLETED: ("#c62828", "#ffffff"),
    None: ("#d6d6d6", "#333333"),
}
#: Background and text colour of each target outcome.
OUTCOME_COLOURS: dict[Outcome, tuple[str, str]] = {
    Outcome.PASS: ("#a5d6a7", "#1b3d1f"),
    Outcome.FAIL: ("#ef9a9a", "#4a0f0f"),
    Outcome.NOT_MEASURED: ("#d6d6d6", "#333333"),
    Outcome.NOT_APPLICABLE: ("#eeeeee", "#555555"),
}
#: Marker colour of each target outcome in charts (``None``: not evaluated).
OUTCOME_MARKERS: dict[Outcome | None, str] = {
    Outcome.PASS: "#2e7d32",
    Outcome.FAIL: "#c62828",
    Outcome.NOT_MEASURED: "#9e9e9e",
    Outcome.NOT_APPLICABLE: "#bdbdbd",
    None: "#bdbdbd",
}
#: Colour of each task outcome in charts.
TASK_OUTCOME_COLOURS: dict[TaskOutcome, str] = {
    TaskOutcome.ON_TIME: "#2e7d32",
    TaskOutcome.LATE: "#ffb300",
    TaskOutcome.OVERDUE: "#c62828",
    TaskOutcome.PENDING: "#9e9e9e",
    TaskOutcome.CANCELLED: "#e0e0e0",
}


def rating_label(rating: Rating | None, lang: Lang = "vi") -> str:
    """The rating spelt out; ``None`` is "not rated" (under six months in the post, or
    no rule set in force)."""
    if rating is None:
        return "Không xếp loại" if lang == "vi" else "Not rated"
    return rating.label_vi if lang == "vi" else _RATING_EN[rating]


def band_label(band: Band | None, lang: Lang = "vi") -> str:
    """The unit's CCHC band; ``None`` (no score) is a dash."""
    if band is None:
        return "—"
    return band.label_vi if lang == "vi" else _BAND_EN[band]


def outcome_label(outcome: Outcome, lang: Lang = "vi") -> str:
    """A target's outcome as officials write it ("Đạt", "Không đạt"…)."""
    return outcome.label_vi if lang == "vi" else _OUTCOME_EN[outcome]


def task_outcome_label(outcome: TaskOutcome, lang: Lang = "vi") -> str:
    """How a task counts in its year ("Hoàn thành đúng hạn", "Quá hạn"…)."""
    return outcome.label_vi if lang == "vi" else _TASK_OUTCOME_EN[outcome]


def status_label(status: TaskStatus, lang: Lang = "vi") -> str:
    """What is recorded about a task: open, done or cancelled."""
    vi, en = _STATUS[status]
    return vi if lang == "vi" else en


def field_label(field: str | None, lang: Lang = "vi") -> str:
    """A field of reform; a custom field is shown as written, no field as a dash."""
    if field is None:
        return "—"
    if isinstance(field, Field):
        return field.label_vi if lang == "vi" else _FIELD_EN[field]
    return field


def indicator_label(indicator: str, lang: Lang = "vi") -> str:
    """An indicator's full name; a custom indicator is shown as written."""
    if isinstance(indicator, Indicator):
        return indicator.label_vi if lang == "vi" else _INDICATOR_EN[indicator]
    return indicator


def change_label(op: str, lang: Lang = "vi") -> str:
    """A journal change: ``add``, ``update`` or ``delete``."""
    pair = _CHANGES.get(op)
    if pair is None:
        return op
    return pair[0] if lang == "vi" else pair[1]


def recommendation_label(kind: str, lang: Lang = "vi") -> str:
    """A recommendation kind; a plugin's own kind is shown as written."""
    pair = _RECOMMENDATIONS.get(kind)
    if pair is None:
        return kind
    return pair[0] if lang == "vi" else pair[1]


# --- numbers and dates -------------------------------------------------------------------


def number_text(x: float | None, lang: Lang = "vi", digits: int = 1) -> str:
    """``x`` with ``digits`` decimals; Vietnamese writes a decimal comma ("92,5")."""
    if x is None:
        return "—"
    text = f"{x:.{digits}f}"
    return text.replace(".", ",") if lang == "vi" else text


def date_text(day: dt.date | None, lang: Lang = "vi") -> str:
    """A date as each audience writes it: ``31/12/2025`` or ``2025-12-31``."""
    if day is None:
        return "—"
    return day.strftime("%d/%m/%Y") if lang == "vi" else day.isoformat()


# --- the words around the data -----------------------------------------------------------

_TEXT: dict[str, tuple[str, str]] = {
    # headings
    "report.title": (
        "Báo cáo kết quả thực hiện nhiệm vụ CCHC năm {year}",
        "Report on the CCHC tasks of year {year}",
    ),
    "report.as_of": ("Số liệu tính đến ngày {date}", "Figures as of {date}"),
    "report.ruleset": ("Quy định đánh giá áp dụng: {ruleset}", "Rating rules applied: {ruleset}"),
    "report.no_ruleset": ("không có quy định nào có hiệu lực", "none in force"),
    "report.provenance": ("Căn cứ tính kết quả: {line}", "What produced these results: {line}"),
    "report.summary": (
        "{units} đơn vị, {tasks} nhiệm vụ đến hạn trong năm: {on_time} hoàn thành đúng hạn, "
        "{late} trễ hạn, {overdue} quá hạn.",
        "{units} units, {tasks} tasks due in the year: {on_time} done on time, {late} late, "
        "{overdue} overdue.",
    ),
    "section.targets": ("Kết quả thực hiện các mục tiêu", "Targets"),
    "section.units": ("Kết quả thực hiện nhiệm vụ của các đơn vị", "Units"),
    "section.heads": ("Xếp loại người đứng đầu", "Ratings of the heads of units"),
    "section.ratings": ("Tổng hợp xếp loại", "Ratings at a glance"),
    "section.overdue": ("Danh sách nhiệm vụ quá hạn", "Overdue tasks"),
    "section.recommendations": ("Kiến nghị, đề xuất", "Recommendations"),
    "section.charts": ("Biểu đồ", "Charts"),
    "section.tasks": ("Nhiệm vụ", "Tasks"),
    "section.info": ("Thông tin đánh giá", "About the evaluation"),
    "none.overdue": ("Không có nhiệm vụ quá hạn.", "No task is overdue."),
    "none.recommendations": ("Không có kiến nghị.", "No recommendation."),
    "none.targets": ("Không có mục tiêu.", "No target."),
    "none.heads": ("Không có người đứng đầu được đánh giá.", "No head of unit to rate."),
    # columns
    "col.target": ("Mục tiêu", "Target"),
    "col.indicator": ("Chỉ số", "Indicator"),
    "col.outcome": ("Kết quả", "Outcome"),
    "col.reason": ("Lý do", "Reason"),
    "col.unit": ("Đơn vị", "Unit"),
    "col.tasks": ("Số nhiệm vụ", "Tasks"),
    "col.on_time": ("Đúng hạn", "On time"),
    "col.late": ("Trễ hạn", "Late"),
    "col.overdue": ("Quá hạn", "Overdue"),
    "col.pending": ("Chưa đến hạn", "Not yet due"),
    "col.exceeded": ("Vượt mức", "Exceeded"),
    "col.score": ("Điểm", "Score"),
    "col.band": ("Xếp loại", "Band"),
    "col.rank": ("Thứ hạng", "Rank"),
    "col.head": ("Người đứng đầu", "Head"),
    "col.months": ("Số tháng giữ chức vụ", "Months in post"),
    "col.rating": ("Xếp loại", "Rating"),
    "col.count": ("Số người", "People"),
    "col.task": ("Nhiệm vụ", "Task"),
    "col.person": ("Người thực hiện", "Person"),
    "col.due": ("Hạn", "Due"),
    "col.days_overdue": ("Số ngày quá hạn", "Days overdue"),
    "col.kind": ("Loại", "Kind"),
    "col.subject": ("Đối tượng", "Subject"),
    "col.id": ("Mã", "Id"),
    "col.title": ("Tên nhiệm vụ", "Title"),
    "col.field": ("Lĩnh vực", "Field"),
    "col.status": ("Trạng thái", "Status"),
    "col.completed_on": ("Ngày hoàn thành", "Completed on"),
    "col.partners": ("Cơ quan phối hợp", "Partner units"),
    "col.plan": ("Kế hoạch", "Plan"),
    "col.output": ("Sản phẩm", "Output"),
    "col.value": ("Giá trị", "Value"),
    "col.required": ("Yêu cầu", "Required"),
    "col.year": ("Năm", "Year"),
    "col.rule": ("Quy tắc", "Rule"),
    "col.unit_id": ("Mã đơn vị", "Unit id"),
    "col.person_id": ("Mã người", "Person id"),
    "col.unit_kind": ("Loại đơn vị", "Unit kind"),
    "col.parent": ("Đơn vị cấp trên", "Parent unit"),
    "col.cancelled": ("Đã hủy", "Cancelled"),
    "col.of": ("Trong số", "Of"),
    "col.start": ("Từ ngày", "From"),
    "col.end": ("Đến ngày", "To"),
    "col.ruleset": ("Quy định đánh giá", "Rule set"),
    "col.base": ("Xếp loại ban đầu", "Base rating"),
    "col.caps": ("Giới hạn xếp loại", "Caps"),
    "col.previous": ("Năm trước", "Previous year"),
    "col.subject_kind": ("Loại đối tượng", "Subject kind"),
    "col.name": ("Tên", "Name"),
    "col.source": ("Căn cứ", "Source"),
    "col.weight": ("Trọng số", "Weight"),
    "col.budget": ("Kinh phí (đồng)", "Budget (VND)"),
    "col.errors": ("Số lỗi", "Errors"),
    "col.criterion": ("Tiêu chí", "Criterion"),
    "col.points": ("Điểm đạt", "Points"),
    "col.maximum": ("Điểm tối đa", "Maximum"),
    "col.seq": ("Số thứ tự", "Seq"),
    "col.at": ("Thời điểm", "At"),
    "col.actor": ("Người ghi", "Actor"),
    "col.note": ("Ghi chú", "Note"),
    "col.op": ("Thao tác", "Change"),
    "col.table": ("Loại dữ liệu", "Table"),
    "col.changed": ("Trường thay đổi", "Fields changed"),
    "col.before": ("Trước", "Before"),
    "col.after": ("Sau", "After"),
    "col.progress": ("Tiến độ", "Progress"),
    "col.outcome_code": ("Mã kết quả", "Outcome code"),
    "col.item": ("Mục", "Item"),
    # the facts of an evaluation (a workbook's first sheet)
    "info.year": ("Năm đánh giá", "Year evaluated"),
    "info.as_of": ("Tính đến ngày", "As of"),
    "info.store_seq": ("Số hiệu nhật ký (store seq)", "Journal line of the store (seq)"),
    "info.plugins": ("Plugin", "Plugins"),
    "info.provenance": ("Căn cứ tính kết quả", "What produced it"),
    # the sheets of a workbook (Excel allows 31 characters)
    "sheet.info": ("Thông tin", "About"),
    "sheet.units": ("Đơn vị", "Units"),
    "sheet.heads": ("Người đứng đầu", "Heads"),
    "sheet.targets": ("Mục tiêu", "Targets"),
    "sheet.recommendations": ("Kiến nghị", "Recommendations"),
    # charts
    "chart.completion": (
        "Tiến độ thực hiện nhiệm vụ năm {year}",
        "Completion of the tasks of {year}",
    ),
    "chart.ratings": (
        "Xếp loại người đứng đầu năm {year}",
        "Ratings of the heads of units, {year}",
    ),
    "chart.indicator": ("{indicator}: kết quả và mục tiêu", "{indicator}: results and target"),
    "chart.value": ("Giá trị", "Value"),
    "chart.rank": ("Thứ hạng (1 là cao nhất)", "Rank (1 is best)"),
    "chart.required_value": ("Mức yêu cầu", "Required value"),
    "chart.required_rank": ("Thứ hạng yêu cầu", "Required rank"),
    "chart.no_data": ("Chưa có số liệu", "No data"),
    "chart.tasks": ("Số nhiệm vụ", "Tasks"),
    "chart.people": ("Số người", "People"),
    # misc
    "misc.not_rated": ("Không xếp loại", "Not rated"),
    "misc.cap": ("giới hạn ở {code}", "capped at {code}"),
    "misc.charts_alt": ("Biểu đồ: {title}", "Chart: {title}"),
    "misc.rank_of": ("{rank}/{of}", "{rank} of {of}"),
    "misc.more": ("… và {n} nhiệm vụ khác", "… and {n} more tasks"),
    "misc.yes": ("Có", "Yes"),
    "misc.no": ("Không", "No"),
    # what the write commands of ``cchc`` print
    "cli.written": ("Đã ghi dòng nhật ký số {seq}", "Wrote journal line {seq}"),
    "cli.by": ("người ghi: {actor}", "by {actor}"),
    "cli.note": ("ghi chú: {note}", "note: {note}"),
    "cli.nothing": ("Không có thay đổi nào.", "Nothing changed."),
    "cli.no_field": ("không trường nào thay đổi", "no field changed"),
    # the tables a change is in
    "table.units": ("đơn vị", "unit"),
    "table.persons": ("cán bộ", "person"),
    "table.headships": ("chức vụ người đứng đầu", "headship"),
    "table.plans": ("kế hoạch", "plan"),
    "table.targets": ("mục tiêu", "target"),
    "table.tasks": ("nhiệm vụ", "task"),
    "table.results": ("kết quả chỉ số", "result"),
    "table.assessments": ("điểm tiêu chí chung", "assessment"),
    "table.disciplines": ("kỷ luật", "discipline"),
    "table.absences": ("thời gian vắng mặt", "absence"),
    # the fields a change moves, besides the columns above
    "col.assignee": ("Người thực hiện", "Assignee"),
    "col.cancel_reason": ("Lý do hủy", "Reason for cancelling"),
    "col.quality_note": ("Nhận xét chất lượng", "Quality note"),
    "col.valid_from": ("Hiệu lực từ", "Valid from"),
    "col.valid_to": ("Hiệu lực đến", "Valid to"),
    "col.category": ("Đối tượng", "Category"),
    "col.general_points": ("Điểm tiêu chí chung", "General points"),
    "col.level": ("Hình thức kỷ luật", "Sanction"),
    "col.duty_related": ("Liên quan đến nhiệm vụ", "Duty related"),
    "col.on": ("Ngày", "On"),
    "col.deadline": ("Thời hạn", "Deadline"),
    # the weekly questions
    "urge.overdue": ("Quá hạn", "Overdue"),
    "urge.due_soon": ("Sắp đến hạn", "Due soon"),
    "urge.stale": ("Chưa báo cáo tiến độ", "No progress report"),
    "urge.none_overdue": (
        "Không có nhiệm vụ quá hạn tính đến ngày {date}.",
        "No task is overdue as of {date}.",
    ),
    "urge.none_due": (
        "Không có nhiệm vụ đến hạn trong {days} ngày kể từ ngày {date}.",
        "No task falls due within {days} days of {date}.",
    ),
    "urge.none_reminders": (
        "Không có việc cần nhắc tính đến ngày {date}.",
        "Nothing to remind anyone of as of {date}.",
    ),
    "urge.overdue_title": (
        "Nhiệm vụ quá hạn tính đến ngày {date}: {count}",
        "Tasks overdue as of {date}: {count}",
    ),
    "urge.due_title": (
        "Nhiệm vụ đến hạn trong {days} ngày kể từ ngày {date}: {count}",
        "Tasks falling due within {days} days of {date}: {count}",
    ),
    "urge.task_line": (
        "{title} (mã {id}): hạn {due}; người thực hiện: {person}; người đôn đốc: {head}",
        "{title} (id {id}): due {due}; responsible: {person}; urged by: {head}",
    ),
    "urge.late_by": ("quá hạn {days} ngày", "{days} days overdue"),
    "urge.dear": ("Kính gửi: {person}", "To: {person}"),
    "urge.from": ("Người đôn đốc: {head}", "Urged by: {head}"),
    "urge.as_of": ("Tình hình tính đến ngày {date}:", "As of {date}:"),
    "urge.nobody": ("(chưa phân công)", "(nobody assigned)"),
    "urge.no_head": ("(chưa có người đứng đầu)", "(no head)"),
}


def field_name_label(name: str, lang: Lang = "vi") -> str:
    """A field of a stored object as people call it (``status`` → "Trạng thái"); a field
    without a label is shown as named."""
    pair = _TEXT.get(f"col.{name}")
    if pair is None:
        return name
    return pair[0] if lang == "vi" else pair[1]


def table_label(table: str, lang: Lang = "vi") -> str:
    """What one object of a store table is called ("nhiệm vụ", "task"); a table without a
    label is shown as named."""
    pair = _TEXT.get(f"table.{table}")
    if pair is None:
        return table
    return pair[0] if lang == "vi" else pair[1]


def t(key: str, lang: Lang = "vi", /, **values: object) -> str:
    """The text of ``key`` in ``lang``, with ``values`` filled in."""
    vi, en = _TEXT[key]
    template = vi if lang == "vi" else en
    return template.format(**values) if values else template
