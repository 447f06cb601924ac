"""The example store: the CCHC plan of Tân Hồng district (Đồng Tháp), 2021–2026.

The units are the real ones of the district before the 2025 reform: the district
People's Committee, its specialised offices, thị trấn Sa Rài and the eight communes.
People, headships, tasks and indicator results are synthetic but realistic, generated
deterministically from a seed: the same call always builds the same store. The four
targets are those of the seed plan (PAR INDEX +5% or top 5, PAPI +5 points or top 5,
SIPAS above 90%, DTI top 5 by 2025 and top 3 by 2030).

On 1 July 2025 the district level ended (regulation.md §7): the nine communes and the
town merged into the four new communes Tân Hồng, Tân Thành, Tân Hộ Cơ and An Phước,
directly under the province; the district and its offices ended on 30 June, the offices'
work going to the new Tân Hồng commune. So 2025 has the old units' tasks due before July
and the new communes' tasks from July, and 2026 is a year of the four communes only,
rated under Decree 335/2025. 2025 also has a deadline counted in working days across
Tết (10 working days after 20 January 2025: 10 February) and a quarterly report that
recurs in every new commune.
"""

from __future__ import annotations

import datetime as dt
import os
import random
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs

from ._demo_indices import add_indices
from .inspections import Inspection
from .labels import Lang, check_lang, t
from .plans import Field, Indicator, Plan
from .ratings import Rating
from .recurrence import quarterly
from .results import Result
from .tables import deciding_reasons, overdue_tasks
from .targets import Outcome, Target, above, any_of, growth, milestones, rank_within
from .tasks import ProgressReport, Task, TaskStatus
from .units import Person, Unit

if TYPE_CHECKING:
    from .tracker import Tracker
    from .verdicts import Cap, Evaluation, LeaderRating

__all__ = [
    "DEMO_AS_OF",
    "EXAMPLE_PLUGINS",
    "NEW_COMMUNES",
    "PLAN_ID",
    "REFORM_DAY",
    "SUMMARY_HEADS",
    "SUMMARY_UNITS",
    "YEARS",
    "demo_as_of",
    "enable_example_plugins",
    "needs_attention",
    "tan_hong",
    "year_summary",
]

#: The example plugins of the repository (``plugins/``) that the demo store enables.
EXAMPLE_PLUGINS = ("cchc_dong_thap", "cchc_emulation", "cchc_overdue_alerts")


def enable_example_plugins(tr: Tracker) -> tuple[str, ...]:
    """Enable, in the store's configuration, those of :data:`EXAMPLE_PLUGINS` that are
    installed and not disabled (none is an error: the demo then runs with the built-in
    rules only); returns their names."""
    from .plugins import disabled_plugins, installed_plugins

    installed = {p.name for p in installed_plugins()} - set(disabled_plugins())
    names = tuple(name for name in EXAMPLE_PLUGINS if name in installed)
    if names:
        tr.configure(plugins=names, actor=ACTOR, note="Bật các plugin ví dụ của tỉnh Đồng Tháp")
    return names


PLAN_ID = "kh-cchc-2021-2030"
YEARS = range(2021, 2027)
#: The first day of the two-level local government (the district level ended the day before).
REFORM_DAY = dt.date(2025, 7, 1)
#: The day the demo evaluates its last year on: 14 December, the day a year's reports close
#: their figures (Nghị định 09/2019/NĐ-CP Điều 12: a yearly report covers 15 December of the
#: year before to 14 December). Fixed, so that the demo prints the same on every day; a
#: day before the year's end, so that the tasks due on 15 December are not yet due and the
#: units' counts show what a mid-year report shows.
DEMO_AS_OF = dt.date(YEARS[-1], 12, 14)
ACTOR = "van-phong"  # the district office keeps the records

PROVINCE = Unit(id="tinh-dong-thap", name="UBND tỉnh Đồng Tháp", kind="province")
DISTRICT = Unit(id="huyen", name="UBND huyện Tân Hồng", kind="district", parent=PROVINCE.id)
OFFICES = [
    ("van-phong", "Văn phòng HĐND và UBND huyện"),
    ("noi-vu", "Phòng Nội vụ"),
    ("tu-phap", "Phòng Tư pháp"),
    ("tc-kh", "Phòng Tài chính - Kế hoạch"),
    ("tn-mt", "Phòng Tài nguyên và Môi trường"),
    ("ld-tbxh", "Phòng Lao động - Thương binh và Xã hội"),
    ("vh-tt", "Phòng Văn hóa và Thông tin"),
    ("gd-dt", "Phòng Giáo dục và Đào tạo"),
    ("kt-ht", "Phòng Kinh tế - Hạ tầng"),
    ("nn-ptnt", "Phòng Nông nghiệp và Phát triển nông thôn"),
]
COMMUNES = [
    ("sa-rai", "UBND thị trấn Sa Rài", "town"),
    ("tan-cong-chi", "UBND xã Tân Công Chí", "commune"),
    ("binh-phu", "UBND xã Bình Phú", "commune"),
    ("thong-binh", "UBND xã Thông Bình", "commune"),
    ("tan-thanh-a", "UBND xã Tân Thành A", "commune"),
    ("tan-thanh-b", "UBND xã Tân Thành B", "commune"),
    ("tan-ho-co", "UBND xã Tân Hộ Cơ", "commune"),
    ("an-phuoc", "UBND xã An Phước", "commune"),
    ("tan-phuoc", "UBND xã Tân Phước", "commune"),
]

#: The four communes formed on 1 July 2025 (NQ 1663/NQ-UBTVQH15), each from the old ones.
NEW_COMMUNES = [
    ("xa-tan-hong", "UBND xã Tân Hồng", ("sa-rai", "tan-cong-chi", "binh-phu")),
    ("xa-tan-thanh", "UBND xã Tân Thành", ("thong-binh", "tan-thanh-a")),
    ("xa-tan-ho-co", "UBND xã Tân Hộ Cơ", ("tan-ho-co", "tan-thanh-b")),
    ("xa-an-phuoc", "UBND xã An Phước", ("an-phuoc", "tan-phuoc")),
]

_FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Huỳnh",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Trương",
    "Phan",
]
_MIDDLE = ["Văn", "Thị", "Minh", "Hoàng", "Thanh", "Ngọc", "Hữu", "Quốc"]
_GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hùng",
    "Khoa",
    "Lan",
    "Long",
    "Mai",
    "Nam",
    "Nga",
    "Phúc",
    "Quang",
    "Sơn",
    "Tâm",
    "Thảo",
    "Thắng",
    "Trang",
    "Tuấn",
    "Vinh",
    "Yến",
]

TASK_TEMPLATES: dict[Field, list[tuple[str, str]]] = {
    Field.DIRECTION: [
        ("Xây dựng, ban hành Kế hoạch CCHC năm {y}", "Kế hoạch"),
        ("Báo cáo kết quả thực hiện CCHC 6 tháng đầu năm {y}", "Báo cáo"),
        ("Kiểm tra công tác CCHC tại cơ quan, đơn vị năm {y}", "Biên bản kiểm tra"),
        ("Tuyên truyền CCHC năm {y}", "Báo cáo"),
    ],
    Field.INSTITUTIONS: [
        ("Rà soát, hệ thống hóa văn bản quy phạm pháp luật năm {y}", "Danh mục văn bản"),
        ("Tự kiểm tra văn bản quy phạm pháp luật đã ban hành", "Báo cáo"),
    ],
    Field.PROCEDURES: [
        ("Rà soát, đơn giản hóa thủ tục hành chính năm {y}", "Phương án đơn giản hóa"),
        ("Công khai thủ tục hành chính tại Bộ phận Một cửa", "Danh mục TTHC công khai"),
        ("Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính", "Báo cáo số hóa"),
    ],
    Field.APPARATUS: [
        ("Rà soát chức năng, nhiệm vụ, cơ cấu tổ chức", "Báo cáo rà soát"),
        ("Cập nhật đề án vị trí việc làm", "Đề án"),
    ],
    Field.CIVIL_SERVICE: [
        ("Bồi dưỡng nghiệp vụ CCHC cho cán bộ, công chức năm {y}", "Danh sách học viên"),
        ("Đánh giá, xếp loại chất lượng cán bộ, công chức năm {y}", "Quyết định xếp loại"),
    ],
    Field.PUBLIC_FINANCE: [
        ("Công khai dự toán, quyết toán ngân sách năm {y}", "Thông báo công khai"),
        ("Thực hiện cơ chế tự chủ tài chính", "Báo cáo"),
    ],
    Field.DIGITAL_GOVERNMENT: [
        ("Xử lý văn bản trên hệ thống quản lý văn bản và điều hành", "Báo cáo thống kê"),
        ("Cung cấp dịch vụ công trực tuyến toàn trình", "Danh mục dịch vụ"),
        ("Triển khai chữ ký số cho cán bộ, công chức", "Báo cáo"),
    ],
}

# How a unit does in a year: share of tasks on time, late, overdue, and exceeded.
_PROFILES = {
    "excellent": (1.0, 0.0, 0.0, 0.6),
    "good": (0.85, 0.15, 0.0, 0.2),
    "fair": (0.7, 0.15, 0.15, 0.1),
    "weak": (0.4, 0.2, 0.4, 0.0),
}
# Fixed profiles that make the story: the office disciplined in 2023 and a commune that
# fell behind in 2022; everything else is drawn from the seed.
_FIXED = {
    ("tn-mt", 2023): "fair",
    ("tan-phuoc", 2022): "weak",
    ("noi-vu", 2021): "excellent",
    ("noi-vu", 2024): "excellent",
    ("van-phong", 2024): "excellent",
}
_DUE_DAYS = [(3, 31), (6, 15), (6, 30), (8, 31), (9, 30), (10, 31), (11, 30), (12, 15)]
# 2025: the old units' tasks fall due before the reform, the new communes' after it. As
# many days as _DUE_DAYS, so the old units' 2025 draws are those of the demo before it.
_DUE_DAYS_BEFORE = [(1, 24), (2, 28), (3, 31), (4, 30), (5, 15), (5, 30), (6, 13), (6, 27)]
_DUE_DAYS_AFTER = [(7, 31), (8, 29), (9, 30), (10, 31), (11, 28), (12, 15)]

# District results: value, rank (of 12 district-level units of the province).
_RESULTS: dict[Indicator, dict[int, tuple[float, int | None]]] = {
    Indicator.PAR_INDEX: {
        2020: (78.2, 7),
        2021: (82.5, 6),
        2022: (84.0, 6),
        2023: (86.9, 4),
        2024: (88.1, 3),
        2025: (89.0, 5),
    },
    Indicator.PAPI: {2022: (41.2, 5), 2023: (44.0, 6), 2024: (45.5, 4), 2025: (46.0, 7)},
    Indicator.SIPAS: {
        2021: (88.5, None),
        2022: (90.4, None),
        2023: (91.2, None),
        2024: (92.6, None),
        2025: (90.0, None),
    },
    Indicator.DTI: {
        2021: (0.41, 8),
        2022: (0.48, 6),
        2023: (0.55, 5),
        2024: (0.61, 4),
        2025: (0.66, 3),
    },
}
_SOURCES = {
    Indicator.PAR_INDEX: "Quyết định công bố Chỉ số CCHC của UBND tỉnh (số liệu minh họa)",
    Indicator.PAPI: "Khảo sát PAPI cấp huyện của tỉnh (số liệu minh họa)",
    Indicator.SIPAS: "Kết quả SIPAS cấp huyện của tỉnh (số liệu minh họa)",
    Indicator.DTI: "Bảng xếp hạng DTI cấp huyện của tỉnh (số liệu minh họa)",
}


class _People:
    """Synthetic names, unique and deterministic."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()
        self.count = 0

    def new(self, unit: str, title: str) -> Person:
        while True:
            name = " ".join(
                (self.rng.choice(_FAMILY), self.rng.choice(_MIDDLE), self.rng.choice(_GIVEN))
            )
            if name not in self.used:
                break
        self.used.add(name)
        self.count += 1
        return Person(id=f"p{self.count:03d}", name=name, unit=unit, title=title)


def _structure(tr: Tracker, people: _People) -> dict[str, str]:
    """Units, people and heads; returns unit id → id of its first head."""
    heads = {}
    tr.add_unit(PROVINCE)
    tr.add_unit(DISTRICT)
    chairman = tr.add_person(people.new(DISTRICT.id, "Chủ tịch UBND huyện"))
    heads[DISTRICT.id] = chairman.id
    for uid, name in OFFICES:
        tr.add_unit(Unit(id=uid, name=name, kind="agency", parent=DISTRICT.id))
        official = people.new(uid, "Trưởng phòng")
        if uid == "tu-phap":  # retires on 30 April 2022: four months' work that year
            official = attrs.evolve(official, service_end=dt.date(2022, 4, 30))
        heads[uid] = tr.add_person(official).id
    for uid, name, kind in COMMUNES:
        tr.add_unit(Unit(id=uid, name=name, kind=kind, parent=DISTRICT.id))
        heads[uid] = tr.add_person(people.new(uid, "Chủ tịch UBND")).id
    start = dt.date(2021, 1, 1)
    for uid, person in heads.items():
        if uid == "tu-phap":
            # A change of head in 2022: four months for one, eight for the other.
            tr.appoint_head(unit=uid, person=person, start=start, end=dt.date(2022, 4, 30))
            successor = tr.add_person(people.new(uid, "Trưởng phòng"))
            tr.appoint_head(unit=uid, person=successor.id, start=dt.date(2022, 5, 1))
        else:
            tr.appoint_head(unit=uid, person=person, start=start)
    return heads


def _tasks_for(
    rng: random.Random,
    uid: str,
    year: int,
    profile: str,
    assignee: str,
    partners: list[str],
    counter: list[int],
    days: list[tuple[int, int]] = _DUE_DAYS,
    plan: str = PLAN_ID,
) -> list[Task]:
    on_time, late, _overdue, exceeded_share = _PROFILES[profile]
    n = rng.randint(4, 7)
    n_on_time = round(n * on_time)
    n_late = round(n * late) if n_on_time < n else 0
    fields = rng.sample(list(TASK_TEMPLATES), k=min(n, len(TASK_TEMPLATES)))
    fields += rng.choices(list(TASK_TEMPLATES), k=n - len(fields))
    due_days = sorted(rng.sample(days, k=min(n, len(days))))
    due_days += [days[-1]] * (n - len(due_days))
    n_exceeded = round(n_on_time * exceeded_share + 0.49) if exceeded_share else 0
    tasks = []
    for i in range(n):
        counter[0] += 1
        title, output = rng.choice(TASK_TEMPLATES[fields[i]])
        month, day = due_days[i]
        due = dt.date(year, month, day)
        task = Task(
            id=f"t-{year}-{counter[0]:04d}",
            plan=plan,
            title=title.format(y=year),
            unit=uid,
            due=due,
            assignee=assignee,
            field=fields[i],
            output=output,
            partners=tuple(p for p in rng.sample(partners, k=rng.randint(0, 2)) if p != uid),
        )
        if i < n_on_time:
            done = due - dt.timedelta(days=rng.randint(0, 20))
            task = _done(task, done, exceeded=i < n_exceeded)
        elif i < n_on_time + n_late:
            last = dt.date(year, 6, 30) if days is _DUE_DAYS_BEFORE else dt.date(year, 12, 31)
            done = min(due + dt.timedelta(days=rng.randint(5, 40)), last)
            task = _done(task, done, exceeded=False)
        tasks.append(task)
    return tasks


def _done(task: Task, on: dt.date, *, exceeded: bool) -> Task:
    report = ProgressReport(
        on=on,
        percent=100,
        note="Hoàn thành",
        evidence=(f"Báo cáo số {task.id.split('-')[-1]}/BC-{task.unit}",),
        by=task.assignee,
    )
    return attrs.evolve(
        task, status=TaskStatus.DONE, completed_on=on, exceeded=exceeded, progress=(report,)
    )


def tan_hong(tr: Tracker, *, seed: int = 2021) -> None:
    """Fill ``tr`` (normally empty) with the Tân Hồng example, 2021–2026, across the
    reform of 1 July 2025.

    One batch per step, each with the district office as actor and a note, so the
    journal reads like the record a district would keep.
    """
    rng = random.Random(seed)
    people = _People(rng)
    with tr.batch(actor=ACTOR, note="Cơ cấu tổ chức huyện Tân Hồng"):
        heads = _structure(tr, people)
    with tr.batch(actor=ACTOR, note="Kế hoạch CCHC giai đoạn 2021-2030"):
        tr.add_plan(
            Plan(
                id=PLAN_ID,
                title="Kế hoạch cải cách hành chính huyện Tân Hồng giai đoạn 2021-2030",
                unit=DISTRICT.id,
                start=dt.date(2021, 1, 1),
                end=dt.date(2030, 12, 31),
                document="Kế hoạch CCHC huyện (ví dụ minh họa)",
            )
        )
        _targets(tr)
    units = [DISTRICT.id] + [u for u, _ in OFFICES] + [u for u, _, _ in COMMUNES]
    counter = [0]
    for year in YEARS:
        if year >= REFORM_DAY.year:
            break
        with tr.batch(actor=ACTOR, note=f"Nhiệm vụ CCHC năm {year}"):
            for uid in units:
                profile = (
                    _FIXED.get((uid, year))
                    or rng.choices(list(_PROFILES), weights=[25, 45, 22, 8])[0]
                )
                assignee = _head_on(tr, uid, dt.date(year, 12, 31)) or heads[uid]
                for task in _tasks_for(rng, uid, year, profile, assignee, units, counter):
                    tr.add_task(task)
        with tr.batch(actor=ACTOR, note=f"Kết quả các chỉ số năm {year}"):
            _results(tr, year)
    _before_the_reform(tr, rng, heads, units, counter)
    new_heads = _reform(tr, people, heads)
    _after_the_reform(tr, rng, new_heads, counter)
    first_cancelled = tr.tasks(unit="vh-tt", due_from=dt.date(2022, 1, 1))[0]
    tr.cancel_task(
        first_cancelled.id,
        reason="Nhiệm vụ được lồng ghép vào kế hoạch khác",
        actor=ACTOR,
        note="Điều chỉnh kế hoạch",
    )
    tr.discipline(
        heads["tn-mt"],
        dt.date(2023, 9, 15),
        form="Khiển trách",
        reason="Chậm trễ trong giải quyết hồ sơ đất đai",
        actor="noi-vu",
        note="Quyết định kỷ luật (ví dụ)",
    )
    add_indices(tr)  # PAR index and SIPAS of 2023-2024 from criteria and surveys
    _working_time_and_posts(tr, people, heads, new_heads)


def _working_time_and_posts(
    tr: Tracker, people: _People, heads: dict[str, str], new_heads: dict[str, str]
) -> None:
    """What changes ratings beyond the tasks (Decree 90/2020 Điều 2 khoản 3, Điều 20): an
    absence and a maternity leave, a promotion and a transfer in September 2025 (the head
    transferred to Tân Thành is rated on its year, between the KHTNV and HTNV lines:
    undecided). Last, so that the names drawn before stay the same."""
    with tr.batch(actor="noi-vu", note="Thời gian công tác trong năm"):
        tr.record_absence(
            heads["vh-tt"], dt.date(2024, 2, 1), dt.date(2024, 5, 31), note="Nghỉ điều trị bệnh"
        )
        tr.record_absence(
            heads["tan-thanh-a"], dt.date(2023, 3, 1), dt.date(2023, 8, 31), kind="maternity"
        )
    with tr.batch(actor="tinh-dong-thap", note="Điều động, bổ nhiệm tháng 9/2025"):
        deputy = tr.add_person(people.new("xa-an-phuoc", "Phó Chủ tịch UBND xã"))
        september = dt.date(2025, 9, 15)
        day_before = september - dt.timedelta(days=1)
        tr.end_headship("xa-an-phuoc", day_before)
        tr.end_headship("xa-tan-thanh", day_before)
        tr.appoint_head("xa-an-phuoc", deputy.id, september)  # promoted
        tr.appoint_head("xa-tan-thanh", new_heads["xa-an-phuoc"], september)  # transferred
        tr.record_assessment(deputy.id, REFORM_DAY.year + 1, 26, by="Chủ tịch UBND tỉnh")


def _before_the_reform(
    tr: Tracker, rng: random.Random, heads: dict[str, str], units: list[str], counter: list[int]
) -> None:
    """2025 up to 30 June: the old units' tasks (due before July), a deadline in working
    days across Tết, tasks of the whole year the reform will move, an inspection."""
    year = REFORM_DAY.year
    with tr.batch(actor=ACTOR, note=f"Nhiệm vụ CCHC năm {year}"):
        for uid in units:
            profile = rng.choices(list(_PROFILES), weights=[25, 45, 22, 8])[0]
            assignee = _head_on(tr, uid, dt.date(year, 1, 1)) or heads[uid]
            for task in _tasks_for(
                rng, uid, year, profile, assignee, units, counter, _DUE_DAYS_BEFORE
            ):
                tr.add_task(task)
        # The province asked on 20 January for the 2024 report within 10 working days:
        # Tết (25 January to 2 February) puts the deadline on 10 February.
        deadline = tr.deadline(dt.date(2025, 1, 20), 10)
        report = Task(
            id="t-2025-tet",
            plan=PLAN_ID,
            title="Báo cáo tổng kết công tác CCHC năm 2024 (trong 10 ngày làm việc)",
            unit="van-phong",
            due=deadline.due,
            deadline=deadline,
            assignee=heads["van-phong"],
            field=Field.DIRECTION,
            output="Báo cáo",
        )
        tr.add_task(_done(report, dt.date(2025, 2, 7), exceeded=False))
        # Whole-year tasks, still open when the district ends: the reform moves them.
        for uid, title, due in (
            ("van-phong", "Báo cáo kết quả thực hiện CCHC năm 2025", dt.date(2025, 12, 15)),
            ("noi-vu", "Tự đánh giá, chấm điểm Chỉ số CCHC năm 2025", dt.date(2025, 11, 28)),
            ("huyen", "Sơ kết 5 năm thực hiện Kế hoạch CCHC 2021-2030", dt.date(2025, 9, 30)),
            ("tan-thanh-b", "Số hóa hồ sơ đất đai của xã", dt.date(2025, 9, 30)),
        ):
            tr.add_task(
                Task(
                    id=f"t-2025-nam-{uid}",
                    plan=PLAN_ID,
                    title=title,
                    unit=uid,
                    due=due,
                    assignee=heads[uid],
                    field=Field.DIRECTION,
                    output="Báo cáo",
                )
            )
        follow_up = Task(
            id="t-2025-kiem-tra",
            plan=PLAN_ID,
            title="Khắc phục tồn tại sau kiểm tra CCHC: giải quyết hồ sơ đất đai trễ hạn",
            unit="tn-mt",
            due=dt.date(2025, 6, 20),
            assignee=heads["tn-mt"],
            field=Field.PROCEDURES,
            output="Báo cáo khắc phục",
        )
        tr.add_task(_done(follow_up, dt.date(2025, 6, 18), exceeded=False))
        tr.record_inspection(
            Inspection(
                id="kt-2025-tn-mt",
                on=dt.date(2025, 5, 20),
                inspector=heads["noi-vu"],
                team="Đoàn kiểm tra CCHC của UBND huyện",
                findings="Còn hồ sơ đất đai giải quyết trễ hạn; chưa công khai xin lỗi người dân",
                units=("tn-mt",),
                follow_up=(follow_up.id,),
                document="Thông báo kết luận kiểm tra (ví dụ)",
            )
        )
    with tr.batch(actor=ACTOR, note=f"Kết quả các chỉ số năm {year}"):
        _results(tr, year)
        for uid, value in _COMMUNE_PAR_2025.items():
            tr.record_result(
                Result(
                    indicator=Indicator.PAR_INDEX,
                    unit=uid,
                    year=year,
                    value=value,
                    source="Chỉ số CCHC cấp xã của huyện (số liệu minh họa)",
                )
            )


# Commune-level PAR index of the old communes for 2025, and of the new ones for 2026
# (value, rank among the 102 communes and wards of the province).
_COMMUNE_PAR_2025 = {
    "sa-rai": 84.0,
    "tan-cong-chi": 80.5,
    "binh-phu": 79.0,
    "thong-binh": 78.2,
    "tan-thanh-a": 82.0,
    "tan-ho-co": 81.0,
    "tan-thanh-b": 77.4,
    "an-phuoc": 83.1,
    "tan-phuoc": 70.5,
}
_COMMUNE_PAR_2026 = {
    "xa-tan-hong": (86.2, 9),
    "xa-tan-thanh": (82.3, 41),
    "xa-tan-ho-co": (84.0, 27),
    "xa-an-phuoc": (79.9, 63),
}
_GENERAL_POINTS_2026 = {
    "xa-tan-hong": 27.0,
    "xa-tan-thanh": 24.0,
    "xa-tan-ho-co": 26.0,
    "xa-an-phuoc": 22.0,
}


def _reform(tr: Tracker, people: _People, heads: dict[str, str]) -> dict[str, str]:
    """1 July 2025, in one journal line: the four communes replace the nine old ones and
    the district; the offices' work goes to Tân Hồng commune; new heads and plans.
    Returns new commune id → its head."""
    new_heads: dict[str, str] = {}
    note = "Sắp xếp đơn vị hành chính cấp xã, kết thúc hoạt động cấp huyện từ 01/7/2025"
    with tr.batch(actor="tinh-dong-thap", note=note):
        for uid, name, sources in NEW_COMMUNES:
            tr.merge_units(
                sources, Unit(id=uid, name=name, kind="commune", parent=PROVINCE.id), REFORM_DAY
            )
        tr.merge_units([u for u, _ in OFFICES], "xa-tan-hong", REFORM_DAY)
        tr.split_unit(
            DISTRICT.id,
            [uid for uid, _, _ in NEW_COMMUNES],
            REFORM_DAY,
            assign={f"t-2025-nam-{DISTRICT.id}": "xa-tan-hong"},
        )
        for uid, name, _ in NEW_COMMUNES:
            if uid == "xa-tan-hong":
                # The district chairman heads the new Tân Hồng commune.
                head = heads[DISTRICT.id]
            else:
                head = tr.add_person(people.new(uid, "Chủ tịch UBND xã")).id
            tr.appoint_head(uid, head, REFORM_DAY)
            new_heads[uid] = head
            tr.add_plan(
                Plan(
                    id=f"kh-cchc-{uid}",
                    title=f"Kế hoạch CCHC {name.removeprefix('UBND ')} giai đoạn 2025-2030",
                    unit=uid,
                    start=REFORM_DAY,
                    end=dt.date(2030, 12, 31),
                    document="Kế hoạch CCHC của xã (ví dụ minh họa)",
                )
            )
            tr.add_target(
                Target(
                    id=f"par-{uid}",
                    indicator=Indicator.PAR_INDEX,
                    rule=any_of(growth(5, mode="relative"), rank_within(5)),
                    title="Chỉ số CCHC tăng 5% hoặc tốp 5 của tỉnh",
                    plan=f"kh-cchc-{uid}",
                    unit=uid,
                )
            )
    return new_heads


def _after_the_reform(
    tr: Tracker, rng: random.Random, new_heads: dict[str, str], counter: list[int]
) -> None:
    """The new communes: tasks from July 2025 and in 2026, a quarterly report in each,
    the 2026 results and the general-criteria assessments Decree 335/2025 needs."""
    communes = [uid for uid, _, _ in NEW_COMMUNES]
    for year, days in ((REFORM_DAY.year, _DUE_DAYS_AFTER), (REFORM_DAY.year + 1, _DUE_DAYS)):
        with tr.batch(actor=ACTOR, note=f"Nhiệm vụ CCHC của các xã mới năm {year}"):
            for uid in communes:
                profile = rng.choices(list(_PROFILES), weights=[25, 45, 22, 8])[0]
                tasks = _tasks_for(
                    rng, uid, year, profile, new_heads[uid], communes, counter, days,
                    plan=f"kh-cchc-{uid}",
                )  # fmt: skip
                for task in tasks:
                    tr.add_task(task)
    with tr.batch(actor="xa-tan-hong", note="Nhiệm vụ huyện chuyển giao cho xã thực hiện"):
        # Two of the tasks the reform moved are finished by the new communes.
        tr.complete_task(f"t-2025-nam-{DISTRICT.id}", dt.date(2025, 9, 26))
        tr.complete_task("t-2025-nam-tan-thanh-b", dt.date(2025, 10, 15))
    with tr.batch(actor=ACTOR, note="Báo cáo CCHC định kỳ hằng quý của các xã"):
        for uid in communes:
            template = Task(
                id=f"bc-quy-{uid}",
                plan=f"kh-cchc-{uid}",
                title="Báo cáo tình hình thực hiện CCHC hằng quý",
                unit=uid,
                due=REFORM_DAY,
                assignee=new_heads[uid],
                field=Field.DIRECTION,
                output="Báo cáo quý",
            )
            recurrence = quarterly(15, REFORM_DAY, adjust="previous_working_day")
            tr.add_recurring_task(template, recurrence, through=REFORM_DAY.year + 1)
            for occurrence in tr.occurrences(template.id):
                late = uid == "xa-an-phuoc" and occurrence.due.month == 12
                done = occurrence.due + dt.timedelta(days=10 if late else 0)
                tr.complete_task(occurrence.id, done)
    with tr.batch(actor=ACTOR, note=f"Kết quả các chỉ số năm {REFORM_DAY.year + 1}"):
        for uid, (value, rank) in _COMMUNE_PAR_2026.items():
            tr.record_result(
                Result(
                    indicator=Indicator.PAR_INDEX,
                    unit=uid,
                    year=REFORM_DAY.year + 1,
                    value=value,
                    rank=rank,
                    of=102,
                    source="Chỉ số CCHC cấp xã của tỉnh (số liệu minh họa)",
                )
            )
        for uid, points in _GENERAL_POINTS_2026.items():
            tr.record_assessment(
                new_heads[uid], REFORM_DAY.year + 1, points, by="Chủ tịch UBND tỉnh"
            )


def _head_on(tr: Tracker, unit: str, day: dt.date) -> str | None:
    heads = tr.heads(unit, day)
    return heads[0].id if heads else None


def _targets(tr: Tracker) -> None:
    tr.add_target(
        Target(
            id="par",
            indicator=Indicator.PAR_INDEX,
            rule=any_of(growth(5, mode="relative"), rank_within(5)),
            title="Chỉ số CCHC tăng 5% hoặc tốp 5 của tỉnh",
            plan=PLAN_ID,
            unit=DISTRICT.id,
        )
    )
    tr.add_target(
        Target(
            id="papi",
            indicator=Indicator.PAPI,
            rule=any_of(growth(5, mode="points"), rank_within(5)),
            title="PAPI tăng 5 điểm hoặc tốp 5 của tỉnh",
            plan=PLAN_ID,
            unit=DISTRICT.id,
        )
    )
    tr.add_target(
        Target(
            id="sipas",
            indicator=Indicator.SIPAS,
            rule=above(90),
            title="SIPAS hằng năm trên 90%",
            plan=PLAN_ID,
            unit=DISTRICT.id,
        )
    )
    tr.add_target(
        Target(
            id="dti",
            indicator=Indicator.DTI,
            ratchet=True,
            rule=milestones({2025: rank_within(5), 2030: rank_within(3)}),
            title="Chỉ số chuyển đổi số tốp 5 năm 2025, tốp 3 năm 2030",
            plan=PLAN_ID,
            unit=DISTRICT.id,
        )
    )


def _results(tr: Tracker, year: int) -> None:
    for indicator, by_year in _RESULTS.items():
        for y in (year - 1, year) if year == YEARS[0] else (year,):
            if y in by_year:
                value, rank = by_year[y]
                tr.record_result(
                    Result(
                        indicator=indicator,
                        unit=DISTRICT.id,
                        year=y,
                        value=value,
                        rank=rank,
                        of=12 if rank else None,
                        source=_SOURCES[indicator],
                    )
                )


# --- what the demo prints -----------------------------------------------------------------


def demo_as_of(year: int) -> dt.date:
    """The day the demo evaluates ``year`` on: :data:`DEMO_AS_OF` in its year, 31 December
    in the others. Never today: the demo prints the same whatever the day."""
    return DEMO_AS_OF if year == DEMO_AS_OF.year else dt.date(year, 12, 31)


#: How many heads and how many units with overdue tasks a year's summary names before
#: "… and N more": with them a year fits in 20 lines.
SUMMARY_HEADS = 6
SUMMARY_UNITS = 5


def needs_attention(rating: LeaderRating) -> bool:
    """Whether a head's rating needs someone's attention: KHTNV, left to the authority
    (undecided), lowered by a cap, or recorded officially as something else."""
    return _attention_rank(rating) is not None


def _attention_rank(r: LeaderRating) -> int | None:
    """How urgent a head's case is, most urgent 0; ``None`` when it needs no attention."""
    if r.rating is Rating.NOT_COMPLETED:
        return 0
    if r.undecided is not None:
        return 1
    if _binding_cap(r) is not None:
        return 2
    if r.recorded is not None and r.recorded != r.rating:
        return 3
    return None


def year_summary(
    ev: Evaluation,
    lang: Lang = "vi",
    *,
    reasons: bool = True,
    reports: Sequence[str | os.PathLike[str]] = (),
) -> list[str]:
    """A year on one screen, as the demo prints it (at most 20 lines): the date and rule
    set, the targets achieved, not achieved and without data, the tasks, the count of
    each rating, the heads who need attention (:func:`needs_attention`; with the reason
    that decided, unless ``reasons=False``), the units with overdue tasks, and the
    ``reports`` written. The words come from the catalogs (``demo.*``), in ``lang``."""
    lang = check_lang(lang)
    ruleset = ev.ruleset.title if ev.ruleset else t("report.no_ruleset", lang)
    outcomes = Counter(r.outcome for r in ev.targets.values())
    units = ev.units.values()
    lines = [
        t("demo.year", lang, year=ev.year, date=ev.as_of, ruleset=ruleset),
        "  "
        + t(
            "demo.targets",
            lang,
            total=len(ev.targets),
            passed=outcomes[Outcome.PASS],
            failed=outcomes[Outcome.FAIL],
            unmeasured=outcomes[Outcome.NOT_MEASURED],
            not_applicable=outcomes[Outcome.NOT_APPLICABLE],
        ),
        "  "
        + t(
            "demo.tasks",
            lang,
            counted=sum(u.facts.counted for u in units),
            on_time=sum(u.on_time for u in units),
            late=sum(u.late for u in units),
            overdue=sum(u.overdue for u in units),
            pending=sum(u.pending for u in units),
            cancelled=sum(u.cancelled for u in units),
        ),
        "  " + _ratings_line(ev, lang),
        *_attention_lines(ev, lang, reasons),
        *_overdue_lines(ev, lang),
    ]
    if reports:
        lines.append("  " + t("demo.reports", lang, paths=[os.fspath(p) for p in reports]))
    return lines


def _ratings_line(ev: Evaluation, lang: Lang) -> str:
    """How many heads got each rating, best first; not rated and undecided when any."""
    counts = Counter(r.rating for r in ev.ratings if r.undecided is None)
    shown = [f"{rating.code}: {counts[rating]}" for rating in sorted(Rating, reverse=True)]
    if counts[None]:
        shown.append(f"{t('misc.not_rated', lang)}: {counts[None]}")
    undecided = sum(1 for r in ev.ratings if r.undecided is not None)
    if undecided:
        shown.append(t("demo.undecided_count", lang, n=undecided))
    return t("demo.ratings", lang, total=len(ev.ratings), counts=shown)


def _attention_lines(ev: Evaluation, lang: Lang, reasons: bool) -> list[str]:
    ranked = [(rank, r) for r in ev.ratings if (rank := _attention_rank(r)) is not None]
    if not ranked:
        return ["  " + t("demo.attention_none", lang)]
    name = ev.names.get
    ranked.sort(key=lambda x: (x[0], name(x[1].unit, x[1].unit), name(x[1].person, "")))
    lines = ["  " + t("demo.attention", lang, n=len(ranked))]
    for _, r in ranked[:SUMMARY_HEADS]:
        line = t(
            "demo.head",
            lang,
            name=name(r.person, r.person),
            unit=name(r.unit, r.unit),
            status=_status(r, lang),
        )
        why = _why(r, lang) if reasons else ""
        lines.append(f"    • {line}" + (f" — {why}" if why else ""))
    if len(ranked) > SUMMARY_HEADS:
        lines.append("    " + t("demo.more_heads", lang, n=len(ranked) - SUMMARY_HEADS))
    return lines


def _status(r: LeaderRating, lang: Lang) -> str:
    """What is the matter with a head's rating, in a few words."""
    if r.undecided is not None:
        lower, upper = r.undecided
        return t("demo.undecided", lang, lower=lower.code, upper=upper.code)
    code = t("misc.not_rated", lang) if r.rating is None else r.rating.code
    if _binding_cap(r) is not None and r.base is not None:
        code = t("demo.capped", lang, code=code, base=r.base.code)
    if r.recorded is not None and r.recorded != r.rating:
        code = t("demo.recorded", lang, code=code, recorded=r.recorded.code)
    return code


def _binding_cap(r: LeaderRating) -> Cap | None:
    """The cap that lowered a head's rating below the base rule's; ``None`` when none did
    (a cap at or above the rating changes nothing)."""
    lowered = r.base is not None and r.rating is not None and r.rating < r.base
    return min(r.caps, key=lambda cap: cap.rating) if r.caps and lowered else None


def _why(r: LeaderRating, lang: Lang) -> str:
    """The reason that decided: the cap that bound, else the base rule's last word."""
    cap = _binding_cap(r)
    if cap is not None:
        return cap.reason.render(lang)
    decisive = deciding_reasons(r)
    return decisive[-1].render(lang) if decisive else ""


def _overdue_lines(ev: Evaluation, lang: Lang) -> list[str]:
    """The units with tasks overdue at the evaluation date: how many, and the longest."""
    by_unit: dict[tuple[str, str], list[int]] = {}
    for task in overdue_tasks(ev):
        by_unit.setdefault((task.unit_name, task.unit), []).append(task.days)
    if not by_unit:
        return ["  " + t("demo.overdue_none", lang)]
    ranked = sorted(by_unit.items(), key=lambda x: (-len(x[1]), -max(x[1]), x[0]))
    lines = ["  " + t("demo.overdue", lang, n=len(ranked))]
    for (unit, _), days in ranked[:SUMMARY_UNITS]:
        line = t("demo.overdue_unit", lang, unit=unit, n=len(days), days=max(days))
        lines.append(f"    • {line}")
    if len(ranked) > SUMMARY_UNITS:
        lines.append("    " + t("demo.more_units", lang, n=len(ranked) - SUMMARY_UNITS))
    return lines
