"""The retirement table, the SDK's deprecation notes and the model guard agree."""

from __future__ import annotations

import datetime as dt
import re
import typing
import warnings
from pathlib import Path

import pytest
from openai.types.shared import chat_model

from helpers import models

#: The day the table was last checked; dates are passed explicitly, never the real today.
CHECKED = dt.date(2026, 11, 27)
SDK_DATES = models.sdk_shutdown_dates()
# Read independently of the helper, so a bug there cannot hide itself.
SDK_LITERAL = frozenset(typing.get_args(chat_model.ChatModel))
NOTES = Path(chat_model.__file__).read_text(encoding="utf-8").split('"""Deprecated values:', 1)[1]
REPLACEMENTS = sorted({row.replacement for row in models.RETIREMENTS.values()})


@pytest.mark.parametrize("name", sorted(models.RETIREMENTS))
def test_table_date_equals_the_sdk_note(name: str) -> None:
    assert name in SDK_LITERAL
    assert models.RETIREMENTS[name].shutdown == SDK_DATES[name]


@pytest.mark.parametrize("name", REPLACEMENTS)
def test_replacements_are_current_sdk_models(name: str) -> None:
    assert name in SDK_LITERAL and name not in models.sdk_unsupported()
    assert not models.is_retired(name, CHECKED)
    when = models.shutdown_date(name)
    assert when is None or (when - CHECKED).days > models.WARN_AHEAD_DAYS
    assert models.retirement_warning(name, CHECKED) is None


@pytest.mark.parametrize("name", sorted({models.DEFAULT_MODEL, models.DEFAULT_VISION_MODEL}))
def test_defaults_are_in_the_sdk_and_not_deprecated(name: str) -> None:
    assert name in SDK_LITERAL
    assert name not in SDK_DATES and models.shutdown_date(name) is None
    assert name not in models.RETIREMENTS


@pytest.mark.parametrize(("name", "day"), [("gpt-3.5-turbo", "2026-10-23"), ("gpt-4-vision-preview", "2024-12-06")])
def test_the_guides_models_are_retired(name: str, day: str) -> None:
    assert models.shutdown_date(name) == dt.date.fromisoformat(day)
    assert models.is_retired(name, CHECKED)
    assert not models.is_retired(name, dt.date.fromisoformat(day) - dt.timedelta(days=1))


def test_sdk_shutdown_dates_parses_the_notes() -> None:
    assert len(SDK_DATES) > 40
    assert SDK_DATES["gpt-4-vision-preview"] == dt.date(2024, 12, 6)
    # Entries whose names or "date:" wrap over several lines.
    assert SDK_DATES["gpt-4-turbo-preview"] == dt.date(2026, 3, 26)
    assert SDK_DATES["gpt-4o-mini-2024-07-18"] == dt.date(2027, 1, 14)
    assert set(SDK_DATES) <= SDK_LITERAL
    # Every name quoted in the notes is either dated or "Not a supported model ID".
    quoted = set(re.findall(r'"([^"]+)"', NOTES))
    assert quoted == set(SDK_DATES) | models.sdk_unsupported()
    assert not set(SDK_DATES) & models.sdk_unsupported()


def test_unsupported_names_are_found() -> None:
    assert "gpt-5.1-mini" in models.sdk_unsupported()
    assert models.sdk_unsupported() <= SDK_LITERAL


def test_current_models_excludes_retired_and_unsupported() -> None:
    current = models.current_models(CHECKED)
    assert current == sorted(current) and set(current) <= SDK_LITERAL
    assert models.DEFAULT_MODEL in current and "gpt-4o" in current  # gpt-4o retires later
    assert not {"gpt-3.5-turbo", "gpt-4-vision-preview", "gpt-5.1-mini"} & set(current)
    assert not [name for name in current if models.is_retired(name, CHECKED)]
    assert "gpt-4o" not in models.current_models(dt.date(2027, 1, 14))


@pytest.mark.parametrize(
    ("name", "today"),
    [
        (models.DEFAULT_MODEL, CHECKED),
        ("gpt-5.1", dt.date(2026, 6, 1)),  # shuts down 2027-04-01: far ahead
        ("my-local-llama", CHECKED),  # unknown names are not our business
        ("", CHECKED),
    ],
)
def test_no_warning(name: str, today: dt.date) -> None:
    assert models.retirement_warning(name, today) is None


def test_warning_window_boundary() -> None:
    when = models.shutdown_date("gpt-5.1")
    assert when is not None
    edge = when - dt.timedelta(days=models.WARN_AHEAD_DAYS)
    assert models.retirement_warning("gpt-5.1", edge) is not None
    assert models.retirement_warning("gpt-5.1", edge - dt.timedelta(days=1)) is None


def test_retired_warning_is_bilingual() -> None:
    text = models.retirement_warning("gpt-3.5-turbo", CHECKED)
    assert text is not None
    for part in ("retired", "2026-10-23", "404", "OPENAI_MODEL", models.DEFAULT_MODEL, "已于", "停用"):
        assert part in text


def test_shutdown_day_itself_counts_as_retired() -> None:
    text = models.retirement_warning("gpt-4o", dt.date(2027, 1, 14))
    assert text is not None and "retired" in text


def test_soon_retired_warning_is_bilingual() -> None:
    text = models.retirement_warning("gpt-4o", CHECKED)
    assert text is not None
    for part in ("shuts down", "2027-01-14", models.replacement_for("gpt-4o"), "将于", "停用"):
        assert part in text


def test_replacement_defaults_to_the_default_model() -> None:
    assert models.replacement_for("something-unknown") == models.DEFAULT_MODEL
    assert models.replacement_for("gpt-4-vision-preview") == models.DEFAULT_VISION_MODEL


def test_check_model_warns_for_retired_models() -> None:
    assert issubclass(models.RetiredModelWarning, UserWarning)
    with pytest.warns(models.RetiredModelWarning, match="gpt-3.5-turbo"):
        assert models.check_model("gpt-3.5-turbo", CHECKED) is False


def test_check_model_is_silent_for_current_models() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert models.check_model(models.DEFAULT_MODEL, CHECKED) is True
