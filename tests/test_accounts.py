"""Staff accounts: scrypt hashes, and the roles as a cchc_authorize plugin."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cchc_tasks as ct
from cchc_tasks.accounts import (
    Account,
    AccountPolicy,
    Role,
    hash_password,
    staff_actor,
    verify_password,
)

from .helpers import unchanged

D = dt.date


@settings(max_examples=15)
@given(st.text(min_size=10, max_size=40), st.text(min_size=10, max_size=40))
def test_a_hash_matches_its_password_and_no_other(password: str, other: str) -> None:
    stored = hash_password(password, n=16)
    assert verify_password(password, stored)
    assert verify_password(other, stored) == (other == password)
    assert password not in stored


def test_the_hash_is_salted_memory_hard_scrypt() -> None:
    first, second = hash_password("mat-khau-dai"), hash_password("mat-khau-dai")
    assert first != second
    assert first.startswith("scrypt$16384$8$1$")


@pytest.mark.parametrize("stored", ["", "scrypt$x", "scrypt$16$8$1$!!$!!", "md5$abc"])
def test_a_malformed_hash_never_matches(stored: str) -> None:
    assert not verify_password("mat-khau-dai", stored)


def test_short_passwords_and_plain_text_hashes_are_refused() -> None:
    with pytest.raises(ct.ValidationError, match="password"):
        hash_password("ngan")
    with pytest.raises(ct.ValidationError) as caught:
        Account("lan", "Lan", "admin", "mat-khau-dai")
    assert "mat-khau-dai" not in str(caught.value)


@pytest.fixture
def office() -> ct.Tracker:
    tr = ct.Tracker.memory(load_entrypoints=False, plugins=[AccountPolicy()])
    tr.add_unit(ct.Unit(id="xa-a", name="A", kind="commune"))
    tr.add_unit(ct.Unit(id="xa-b", name="B", kind="commune"))
    tr.add_person(ct.Person(id="an", name="An", unit="xa-a"))
    tr.add_plan(
        ct.Plan(id="kh", title="Kế hoạch", unit="xa-a", start=D(2025, 1, 1), end=D(2025, 12, 31))
    )
    for unit in ("xa-a", "xa-b"):
        tr.add_task(ct.Task(id=f"t-{unit}", plan="kh", title="Việc", unit=unit, due=D(2025, 5, 1)))
    hashed = hash_password("mat-khau-dai", n=16)
    tr.add_account(Account("xem", "Xem", Role.VIEWER, hashed))
    tr.add_account(Account("sua", "Sửa", Role.EDITOR, hashed, units=["xa-a"]))
    tr.add_account(Account("qt", "QT", Role.ADMIN, hashed))
    return tr


@pytest.mark.parametrize(
    ("login", "task", "allowed"),
    [
        ("xem", "t-xa-a", False),
        ("sua", "t-xa-a", True),
        ("sua", "t-xa-b", False),
        ("qt", "t-xa-b", True),
        ("nobody", "t-xa-a", False),
    ],
)
def test_roles_decide_who_writes_what(
    office: ct.Tracker, login: str, task: str, allowed: bool
) -> None:
    def call() -> object:
        return office.complete_task(task, D(2025, 4, 1), actor=staff_actor(login))

    if allowed:
        assert call().status is ct.TaskStatus.DONE  # type: ignore[attr-defined]
    else:
        unchanged(office, call, ct.PermissionDeniedError)


def test_only_an_admin_edits_accounts(office: ct.Tracker) -> None:
    other = Account("moi", "Mới", Role.ADMIN, hash_password("mat-khau-dai", n=16))
    unchanged(
        office,
        lambda: office.add_account(other, actor=staff_actor("sua")),
        ct.PermissionDeniedError,
    )
    office.add_account(other, actor=staff_actor("qt"))
    assert office.account("moi").role is Role.ADMIN


def test_a_locked_account_writes_nothing(office: ct.Tracker) -> None:
    locked = Account(
        "sua", "Sửa", Role.EDITOR, office.account("sua").password_hash, units=["xa-a"], active=False
    )
    office.add_account(locked, replace=True)
    unchanged(
        office,
        lambda: office.complete_task("t-xa-a", D(2025, 4, 1), actor=staff_actor("sua")),
        ct.PermissionDeniedError,
    )


def test_a_survey_code_only_answers_its_questionnaire(office: ct.Tracker) -> None:
    unchanged(
        office,
        lambda: office.complete_task("t-xa-a", D(2025, 4, 1), actor="survey-code:" + "0" * 20),
        ct.PermissionDeniedError,
    )


def test_other_actors_are_left_to_other_plugins(office: ct.Tracker) -> None:
    assert (
        office.complete_task("t-xa-b", D(2025, 4, 1), actor="van-thu").status is ct.TaskStatus.DONE
    )


def test_set_password_stores_a_new_hash(office: ct.Tracker) -> None:
    before = office.account("xem").password_hash
    office.set_password("xem", "mat-khau-moi-dai")
    after = office.account("xem").password_hash
    assert before != after and verify_password("mat-khau-moi-dai", after)
    unchanged(office, lambda: office.set_password("xem", "ngan"), ct.ValidationError)
    unchanged(office, lambda: office.set_password("khong-co", "mat-khau-dai"), ct.NotFoundError)
