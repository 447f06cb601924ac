"""``cchc survey codes``, ``cchc account`` and ``cchc serve`` (its options; serving is
tested through the application in tests/web)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

import cchc_tasks as ct
from cchc_tasks.accounts import verify_password
from cchc_tasks.survey_codes import normalize_code

from ..helpers import run_cli as run
from ..helpers import store_files

pytest.importorskip("fpdf")


@pytest.fixture
def store(tmp_path: Path) -> Path:
    folder = tmp_path / "store"
    with ct.Tracker.open(folder, load_entrypoints=False) as tr:
        tr.add_unit(ct.Unit(id="tu-phap", name="Phòng Tư pháp", kind="agency"))
    return folder


def test_codes_to_csv_are_issued_and_printed(store: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "phieu.csv"
    code, printed, err = run(
        capsys, "survey", "codes", str(store), "--unit", "tu-phap", "--service", "Chứng thực",
        "--count", "5", "--out", str(out), "--issued", "2025-05-01", "--expires", "2025-06-30",
        "--url", "https://khaosat.example.gov.vn/",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert printed == (
        "Đã phát hành 5 mã khảo sát cho Phòng Tư pháp, có hiệu lực từ 01/05/2025 đến 30/06/2025: "
        f"{out}\n"
    )
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[0][0] == "Mã khảo sát" and len(rows) == 6
    with ct.Tracker.open(store, load_entrypoints=False) as tr:
        for row in rows[1:]:
            record = tr.survey_code(row[0])
            assert (record.unit, record.service) == ("tu-phap", "Chứng thực")
            assert row[4] == f"https://khaosat.example.gov.vn/s/{row[0]}"
            assert row[3] == "30/06/2025"
        documents = repr(tr.to_documents())
    assert not any(normalize_code(row[0]) in documents for row in rows[1:])


def test_codes_to_pdf_make_a_pdf_with_a_page_per_ten(store: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "phieu.pdf"
    code, _, err = run(
        capsys, "survey", "codes", str(store), "--unit", "tu-phap", "--count", "11",
        "--out", str(out),
    )  # fmt: skip
    assert (code, err) == (0, "")
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and data.count(b"/Type /Page\n") == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--unit", "khong-co", "--count", "2", "--out", "{tmp}/a.csv"], "issue_survey_codes.unit"),
        (["--unit", "tu-phap", "--count", "0", "--out", "{tmp}/a.csv"], "issue_survey_codes.count"),
        (["--unit", "tu-phap", "--count", "2", "--out", "{tmp}/a.txt"], "cần tệp có đuôi .pdf"),
        (
            ["--unit", "tu-phap", "--count", "2", "--out", "{tmp}/a.pdf", "--font", "{tmp}/no.ttf"],
            "font",
        ),
    ],
)
def test_a_mistake_is_one_line_and_issues_nothing(
    store: Path, tmp_path: Path, capsys, args: list[str], message: str
) -> None:
    before = store_files(store)
    filled = [a.replace("{tmp}", str(tmp_path)) for a in args]
    code, out, err = run(capsys, "survey", "codes", str(store), *filled)
    assert code == 1 and out == ""
    assert len(err.splitlines()) == 1 and message in err
    assert store_files(store) == before
    assert not (tmp_path / "a.csv").exists()


def test_an_existing_output_file_is_never_overwritten(store: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "a.csv"
    out.write_text("giữ nguyên")
    code, _, err = run(
        capsys,
        "survey",
        "codes",
        str(store),
        "--unit",
        "tu-phap",
        "--count",
        "1",
        "--out",
        str(out),
    )
    assert code == 1 and err == f"cchc survey: --out: cần một tệp mới, nhưng {str(out)!r} đã có\n"
    assert out.read_text() == "giữ nguyên"


def test_accounts_are_added_changed_and_locked(store: Path, capsys, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("mat-khau-rat-dai\n"))
    code, out, _ = run(
        capsys,
        "account",
        str(store),
        "hung",
        "--role",
        "editor",
        "--unit",
        "tu-phap",
        "--password-stdin",
    )
    assert (code, out) == (0, "Tài khoản hung: cập nhật số liệu của tu-phap, đang hoạt động\n")
    code, out, _ = run(capsys, "account", str(store), "hung", "--lock", "--lang", "en")
    assert (code, out) == (0, "account hung: editor for tu-phap, locked\n")
    with ct.Tracker.open(store, load_entrypoints=False) as tr:
        account = tr.account("hung")
        assert not account.active and verify_password("mat-khau-rat-dai", account.password_hash)
        assert "mat-khau-rat-dai" not in repr(list(tr.entries()))


def test_a_new_account_needs_a_role_and_a_long_password(store: Path, capsys, monkeypatch) -> None:
    before = store_files(store)
    assert "--role" in run(capsys, "account", str(store), "hung", "--password-stdin")[2]
    monkeypatch.setattr("sys.stdin", io.StringIO("ngan\n"))
    code, _, err = run(capsys, "account", str(store), "hung", "--role", "admin", "--password-stdin")
    assert code == 1 and err.startswith("cchc: password: cần a password of 10")
    assert store_files(store) == before


def test_serve_refuses_a_short_secret_before_serving(store: Path, tmp_path: Path, capsys) -> None:
    secret = tmp_path / "secret"
    secret.write_bytes(b"short")
    code, _, err = run(capsys, "serve", str(store), "--secret-file", str(secret))
    assert code == 1 and "cần từ 32 byte trở lên, nhận được 5 byte" in err
    code, _, err = run(capsys, "serve", str(store), "--secret-file", str(secret), "--lang", "en")
    assert code == 1 and "expected 32 or more bytes" in err


def test_serve_needs_an_existing_store(tmp_path: Path, capsys) -> None:
    code, _, err = run(capsys, "serve", str(tmp_path / "nowhere"))
    assert code == 1 and "expected a store folder" in err
    assert not (tmp_path / "nowhere").exists()
