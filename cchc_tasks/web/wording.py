"""Every word the web pages show, in Vietnamese and English (Vietnamese by default).

The words of the data (ratings, bands, outcomes, dates, numbers) come from
:mod:`cchc_tasks.labels`, as in the reports; this catalog holds the words around them.
"""

from __future__ import annotations

from ..labels import Lang

__all__ = ["TEXT", "t"]

TEXT: dict[str, tuple[str, str]] = {
    # the public survey
    "survey.title": ("Khảo sát sự hài lòng", "Satisfaction survey"),
    "survey.intro": (
        "Ông/Bà vui lòng cho biết mức độ hài lòng về dịch vụ hành chính công vừa nhận. "
        "Phiếu không ghi tên người trả lời.",
        "Please tell us how satisfied you are with the public service you just received. "
        "The questionnaire does not record your name.",
    ),
    "survey.enter_code": ("Nhập mã khảo sát in trên phiếu hẹn", "Enter the code on your receipt"),
    "survey.code": ("Mã khảo sát", "Survey code"),
    "survey.open": ("Mở phiếu khảo sát", "Open the questionnaire"),
    "survey.unit": ("Cơ quan", "Office"),
    "survey.service": ("Dịch vụ", "Service"),
    "survey.who": ("Ông/Bà trả lời với tư cách", "You answer as"),
    "survey.citizen": ("Người dân", "A citizen"),
    "survey.organisation": ("Tổ chức, doanh nghiệp", "An organisation"),
    "survey.no_opinion": ("Không ý kiến", "No opinion"),
    "survey.comment": ("Góp ý thêm (không bắt buộc)", "Comment (optional)"),
    "survey.send": ("Gửi phiếu", "Send"),
    "survey.thanks": ("Cảm ơn Ông/Bà!", "Thank you!"),
    "survey.thanks_text": (
        "Phiếu khảo sát đã được ghi nhận. Mã khảo sát này không dùng lại được.",
        "Your answers have been recorded. This code cannot be used again.",
    ),
    "survey.unknown": (
        "Mã khảo sát không đúng. Vui lòng kiểm tra lại mã in trên phiếu hẹn.",
        "This survey code is not valid. Please check the code on your receipt.",
    ),
    "survey.used": ("Mã khảo sát này đã được sử dụng.", "This survey code has been used."),
    "survey.expired": ("Mã khảo sát này đã hết hạn.", "This survey code has expired."),
    "survey.not-yet-valid": ("Mã khảo sát này chưa có hiệu lực.", "This code is not valid yet."),
    "survey.invalid": ("Phiếu chưa hợp lệ: {problem}", "The answers are not valid: {problem}"),
    # the staff pages
    "staff.login": ("Đăng nhập", "Sign in"),
    "staff.logout": ("Đăng xuất", "Sign out"),
    "staff.user": ("Tên đăng nhập", "Login"),
    "staff.password": ("Mật khẩu", "Password"),
    "staff.bad_login": ("Sai tên đăng nhập hoặc mật khẩu.", "Wrong login or password."),
    "staff.slow_down": (
        "Quá nhiều lần thử. Vui lòng thử lại sau {seconds} giây.",
        "Too many attempts. Please try again in {seconds} seconds.",
    ),
    "staff.forbidden": ("Không được phép: {reason}", "Not allowed: {reason}"),
    "staff.csrf": (
        "Biểu mẫu đã hết hạn hoặc không hợp lệ. Vui lòng tải lại trang.",
        "The form has expired or is not valid. Please reload the page.",
    ),
    "dash.title": ("Bảng theo dõi CCHC năm {year}", "CCHC dashboard, {year}"),
    "dash.as_of": ("Số liệu tính đến ngày {date}", "Figures as of {date}"),
    "dash.sipas": ("Chỉ số hài lòng (SIPAS) từ đầu năm", "Satisfaction (SIPAS) this year"),
    "dash.unit": ("Đơn vị", "Unit"),
    "dash.n": ("Số phiếu", "Responses"),
    "dash.margin": ("Sai số (±)", "Margin (±)"),
    "dash.reliable": ("Độ tin cậy", "Reliability"),
    "dash.unreliable": ("Chưa đủ tin cậy", "Not reliable"),
    "dash.reliable_yes": ("Đủ tin cậy", "Reliable"),
    "dash.no_responses": ("Chưa có phiếu khảo sát.", "No responses yet."),
    "dash.overdue": ("Nhiệm vụ quá hạn", "Overdue tasks"),
    "dash.due_soon": ("Nhiệm vụ sắp đến hạn ({days} ngày)", "Due within {days} days"),
    "dash.task": ("Nhiệm vụ", "Task"),
    "dash.due": ("Hạn", "Due"),
    "dash.assignee": ("Người phụ trách", "Responsible"),
    "dash.urger": ("Người đứng đầu đôn đốc", "Head who urges"),
    "dash.none": ("Không có.", "None."),
    "dash.complete": ("Hoàn thành", "Mark done"),
    "dash.targets": ("Mục tiêu", "Targets"),
    "dash.indicator": ("Chỉ số", "Indicator"),
    "dash.outcome": ("Kết quả", "Outcome"),
    "dash.units": ("Kết quả các đơn vị (tạm tính)", "Units (as it stands)"),
    "dash.score": ("Điểm", "Score"),
    "dash.band": ("Xếp loại", "Band"),
    "dash.rank": ("Thứ hạng", "Rank"),
    "dash.heads": ("Xếp loại người đứng đầu (dự kiến)", "Heads' ratings (projected)"),
    "dash.head": ("Người đứng đầu", "Head"),
    "dash.rating": ("Xếp loại", "Rating"),
    "dash.explain": ("Giải thích", "Explain"),
    "dash.comments": ("Góp ý gần đây của người dân", "Recent comments"),
    "dash.chart": ("Biểu đồ SIPAS theo đơn vị", "SIPAS by unit"),
    "dash.target_line": ("Mục tiêu 90%", "Target 90%"),
    "dash.back": ("Quay lại bảng theo dõi", "Back to the dashboard"),
    "dash.explain_title": ("Giải thích xếp loại: {name}", "Why this rating: {name}"),
    "error.not_found": ("Không tìm thấy trang.", "Page not found."),
}


def t(key: str, lang: Lang = "vi", /, **values: object) -> str:
    """The text of ``key`` in ``lang``, with ``values`` filled in."""
    vi, en = TEXT[key]
    template = vi if lang == "vi" else en
    return template.format(**values) if values else template
