"""Usage records, cost estimates and the budget guard (including under concurrency)."""

from __future__ import annotations

import threading

import openai
import pytest

from helpers.budget import BudgetExceeded, BudgetGuard
from helpers.costs import PRICES, UnknownPriceError, UsageLog, estimate_cost, price_for, usage_of
from helpers.models import DEFAULT_MODEL, is_retired

MESSAGES = [{"role": "user", "content": "Say hello"}]


@pytest.fixture()
def client(simulator):
    return openai.OpenAI(base_url=simulator.base_url, api_key="sk-test", max_retries=0)


def test_estimate_cost_by_hand():
    price = PRICES["gpt-5.4-mini"]
    expected = (900 * price.input + 100 * price.cached_input + 500 * price.output) / 1_000_000
    assert estimate_cost("gpt-5.4-mini", 1000, 500, cached_tokens=100) == pytest.approx(expected)


def test_snapshot_names_use_family_price_and_unknown_models_say_what_to_do():
    assert price_for("gpt-5.4-mini-2026-03-17") == PRICES["gpt-5.4-mini"]
    with pytest.raises(UnknownPriceError) as info:
        price_for("deepseek-chat")
    assert "PRICES" in str(info.value) and "价格表" in str(info.value)


@pytest.mark.parametrize("bad", [-1, 1.5, "10", True])
def test_estimate_cost_rejects_bad_token_counts(bad):
    with pytest.raises(ValueError):
        estimate_cost("gpt-5.4-mini", bad, 0)


def test_price_table_lists_the_default_and_no_retired_model():
    assert DEFAULT_MODEL in PRICES
    assert not [name for name in PRICES if is_retired(name)]


def test_usage_of_reads_both_apis(client):
    chat = client.chat.completions.create(model=DEFAULT_MODEL, messages=MESSAGES)
    resp = client.responses.create(model=DEFAULT_MODEL, input="Say hello")
    a, b = usage_of(chat), usage_of(resp)
    assert (a.input_tokens, a.output_tokens) == (chat.usage.prompt_tokens, chat.usage.completion_tokens)
    assert (b.input_tokens, b.output_tokens) == (resp.usage.input_tokens, resp.usage.output_tokens)
    log = UsageLog()
    log.record(chat, label="chat")
    log.record(resp)
    # Replies name the dated snapshot the alias resolved to, as the live API does.
    assert chat.model == resp.model and chat.model.startswith(DEFAULT_MODEL)
    # ... and the log counts them under the family the learner priced (the alias asked for).
    assert chat.model != DEFAULT_MODEL and list(log.by_model()) == [DEFAULT_MODEL]
    row = log.by_model()[DEFAULT_MODEL]
    assert row["calls"] == 2 and row["input_tokens"] == a.input_tokens + b.input_tokens
    assert log.total_cost == pytest.approx(a.cost + b.cost)
    assert log.records[0].label == "chat"


def test_budget_guard_refuses_before_crossing_the_limit(client):
    guard = BudgetGuard(0.0005)
    sent = 0
    with pytest.raises(BudgetExceeded) as info:
        for _ in range(100):
            guard.create(client, model=DEFAULT_MODEL, messages=MESSAGES, max_completion_tokens=50)
            sent += 1
    assert 0 < sent < 100
    assert guard.spent <= guard.limit and guard.reserved == 0
    assert guard.refused == 1 and "max_completion_tokens" in str(info.value)


def test_budget_guard_releases_reservation_when_the_call_fails(client):
    guard = BudgetGuard(1.0)
    with pytest.raises(openai.InternalServerError):
        guard.create(client, model=DEFAULT_MODEL, messages=MESSAGES, max_completion_tokens=10,
                     extra_headers={"x-offline-fault": "server_error"})
    assert guard.reserved == 0 and guard.spent == 0


def test_budget_guard_holds_under_concurrency(client):
    # Each call reserves its worst case; 16 threads racing must never overspend.
    worst = estimate_cost(DEFAULT_MODEL, 20, 40)
    guard = BudgetGuard(worst * 5.5)
    outcomes: list[str] = []
    lock = threading.Lock()

    def spend() -> None:
        try:
            guard.create(client, model=DEFAULT_MODEL, messages=MESSAGES, max_completion_tokens=40)
            result = "sent"
        except BudgetExceeded:
            result = "refused"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=spend) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == 16 and outcomes.count("refused") == guard.refused >= 10
    assert guard.spent <= guard.limit
    assert guard.reserved == pytest.approx(0, abs=1e-12)


@pytest.mark.parametrize("bad", [-1, "5", None, True])
def test_budget_guard_rejects_bad_limits(bad):
    with pytest.raises(ValueError):
        BudgetGuard(bad)


def test_budget_guard_reserves_for_every_choice(client):
    # n=3 bills three completions, so the worst case must be three times the cap.
    one = estimate_cost(DEFAULT_MODEL, 20, 40)
    guard = BudgetGuard(one * 2)
    with pytest.raises(BudgetExceeded):
        guard.create(client, model=DEFAULT_MODEL, messages=MESSAGES, max_completion_tokens=40, n=3)
    assert guard.spent == 0
