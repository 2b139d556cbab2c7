"""``helpers.exercises``: the self-check tools never raise and give the verdict only when all checks pass."""

from __future__ import annotations

import pytest

from helpers.exercises import ALL_PASSED, TRY_AGAIN, attempted, not_done, show_checks


def stub(x: int) -> None:
    return None


def broken(x: int) -> int:
    raise ValueError("half-finished")


def test_attempted_tells_a_stub_from_an_answer_even_a_raising_one() -> None:
    assert attempted(stub, 1) is False
    assert attempted(lambda x: x * 2, 1) is True
    assert attempted(broken, 1) is True  # started, and show_checks will report the error


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_show_checks_verdicts(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], lang: str) -> None:
    monkeypatch.setenv("KIT_LANG", lang)
    assert show_checks(lambda answer: {"doubles": answer(2) == 4}, lambda x: x * 2) is True
    assert capsys.readouterr().out.splitlines() == ["✓ doubles", ALL_PASSED.text(lang)]
    assert show_checks(lambda answer: {"doubles": answer(2) == 4}, broken) is False
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("✗ ") and "ValueError: half-finished" in out[0] and out[1] == TRY_AGAIN.text(lang)
    assert show_checks(lambda answer: {}, None) is False  # no checks is not a pass
    not_done("x")
    assert capsys.readouterr().out.splitlines()[-1].startswith("⏳")
