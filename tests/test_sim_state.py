"""Responses conversation state in the offline simulator: store, previous_response_id and the
stored-response endpoints, through the strict SDK (plus raw checks the SDK cannot make)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx2
import openai
import pytest

from helpers.offline.endpoints.store import ResponseStore, Stored
from test_sim_support import KEY, MODEL, client, expect_error  # noqa: F401 (client is a fixture)


def create(sdk: openai.OpenAI, text: str, **params):
    return sdk.responses.create(model=MODEL, input=text, **params)


def raw(simulator, method: str, path: str) -> httpx2.Response:
    with httpx2.Client(trust_env=False, timeout=10) as http:
        return http.request(method, simulator.base_url + path, headers={"Authorization": f"Bearer {KEY}"})


def test_store_is_echoed_and_defaults_to_true(client):
    assert create(client, "Echo store, please.").store is True
    assert create(client, "Echo store false, please.", store=False).store is False


def test_previous_response_id_continues_the_conversation(client):
    first = create(client, "My favourite colour is teal.", instructions="Answer like a pirate.")
    second = create(client, "What is my favourite colour?", previous_response_id=first.id)
    assert second.previous_response_id == first.id
    assert "turn 2" in second.output_text
    assert "My favourite colour is teal." in second.output_text
    # instructions are not carried over from the previous response
    assert second.instructions is None
    assert "pirate" not in second.output_text
    assert second.usage.input_tokens > first.usage.input_tokens


def test_chains_of_any_length(client):
    previous = None
    for turn in range(1, 6):
        extra = {"previous_response_id": previous.id} if previous else {}
        previous = create(client, f"Message number {turn} of the chain.", **extra)
    assert "turn 5" in previous.output_text
    assert "Message number 4 of the chain." in previous.output_text


def test_chinese_chain_says_the_turn_in_chinese(client):
    first = create(client, "我叫小明。")
    second = create(client, "我叫什么名字？", previous_response_id=first.id)
    assert "第 2 轮" in second.output_text


def test_unknown_previous_response_is_the_api_400(client):
    err = expect_error(openai.BadRequestError, create, client, "hi", previous_response_id="resp_missing",
                       status=400, code="previous_response_not_found")
    assert err.param == "previous_response_id"
    assert err.body["message"] == "Previous response with id 'resp_missing' not found."


def test_unstored_response_cannot_be_continued_or_retrieved(client):
    hidden = create(client, "Do not keep this one.", store=False)
    expect_error(openai.NotFoundError, client.responses.retrieve, hidden.id, status=404, code=None)
    expect_error(openai.BadRequestError, create, client, "again", previous_response_id=hidden.id,
                 status=400, code="previous_response_not_found")


def test_retrieve_returns_the_response_exactly(client, simulator):
    created = create(client, "Keep me exactly.", instructions="Be brief.", metadata={"lesson": "7"})
    assert client.responses.retrieve(created.id) == created
    with httpx2.Client(trust_env=False, timeout=10) as http:
        body = {"model": MODEL, "input": "Byte for byte."}
        made = http.post(simulator.base_url + "/responses", json=body, headers={"Authorization": f"Bearer {KEY}"})
    assert raw(simulator, "GET", f"/responses/{made.json()['id']}").content == made.content


def test_streamed_responses_are_stored_too(client):
    with client.responses.stream(model=MODEL, input="Stream and store.") as stream:
        final = stream.get_final_response()
    assert client.responses.retrieve(final.id).output_text == final.output_text


def test_delete_then_gone(client, simulator):
    created = create(client, "Delete me.")
    assert client.responses.delete(created.id) is None
    expect_error(openai.NotFoundError, client.responses.retrieve, created.id, status=404, code=None)
    expect_error(openai.NotFoundError, client.responses.delete, created.id, status=404, code=None)
    again = create(client, "Delete me raw.")
    answer = raw(simulator, "DELETE", f"/responses/{again.id}")
    assert answer.json() == {"id": again.id, "object": "response", "deleted": True}


def test_unknown_ids_are_404_with_the_error_shape(simulator):
    for method, path in (("GET", "/responses/resp_nope"), ("DELETE", "/responses/resp_nope"),
                         ("GET", "/responses/resp_nope/input_items")):
        answer = raw(simulator, method, path)
        assert answer.status_code == 404
        assert set(answer.json()["error"]) == {"message", "type", "param", "code"}
        assert "resp_nope" in answer.json()["error"]["message"]


def test_input_items_list_this_requests_items_newest_first(client):
    items = [
        {"role": "developer", "content": "Be kind."},
        {"role": "user", "content": [{"type": "input_text", "text": "First question"}]},
        {"role": "assistant", "content": "An earlier answer."},
        {"role": "user", "content": "Second question"},
    ]
    created = client.responses.create(model=MODEL, input=items)
    page = client.responses.input_items.list(created.id)
    assert [item.role for item in page.data] == ["user", "assistant", "user", "developer"]
    assert page.data[0].content[0].text == "Second question"
    assert page.data[1].type == "message" and page.data[1].content[0].type == "output_text"
    assert all(item.id for item in page.data) and len({item.id for item in page.data}) == 4
    ascending = client.responses.input_items.list(created.id, order="asc")
    assert [i.id for i in ascending.data] == [i.id for i in page.data][::-1]


def test_input_items_paginate_with_limit_and_after(client):
    created = client.responses.create(model=MODEL, input=[{"role": "user", "content": f"Item {i}"} for i in range(5)])
    first = client.responses.input_items.list(created.id, limit=2, order="asc")
    assert first.has_more and [i.content[0].text for i in first.data] == ["Item 0", "Item 1"]
    rest = client.responses.input_items.list(created.id, limit=2, order="asc", after=first.last_id)
    assert [i.content[0].text for i in rest.data] == ["Item 2", "Item 3"]
    every = [i.content[0].text for i in client.responses.input_items.list(created.id, limit=2, order="asc")]
    assert every == [f"Item {i}" for i in range(5)]  # the SDK's auto-pagination follows after/has_more


def test_chained_input_items_are_only_the_new_request(client):
    first = create(client, "Turn one.")
    second = create(client, "Turn two.", previous_response_id=first.id)
    assert [i.content[0].text for i in client.responses.input_items.list(second.id).data] == ["Turn two."]


def test_input_items_refuse_bad_query(client):
    created = create(client, "Query checks.")
    expect_error(openai.BadRequestError, client.responses.input_items.list, created.id, limit=101,
                 status=400, code="integer_above_max_value")
    expect_error(openai.BadRequestError, client.responses.input_items.list, created.id, order="sideways",
                 status=400, code="invalid_value")
    expect_error(openai.BadRequestError, client.responses.input_items.list, created.id,
                 include=["message.input_image.image_url"], status=400, code="unsupported_parameter")


def test_retrieve_refuses_streaming_replay(client):
    created = create(client, "No replay.")
    expect_error(openai.BadRequestError, client.responses.retrieve, created.id, starting_after=3,
                 status=400, code="unsupported_parameter")


def test_reasoning_items_fed_back_are_accepted(client):
    first = create(client, "Think first.", reasoning={"effort": "low"})
    assert first.output[0].type == "reasoning"
    items = [item.model_dump(exclude_none=True) for item in first.output] + [{"role": "user", "content": "And now?"}]
    second = client.responses.create(model=MODEL, input=items, reasoning={"effort": "low"})
    assert second.status == "completed" and "And now?" in second.output_text
    assert "I see 1 earlier assistant reply" in second.output_text


def test_store_and_previous_id_types_are_checked(client):
    expect_error(openai.BadRequestError, create, client, "x", store="yes", status=400, code="invalid_type")
    expect_error(openai.BadRequestError, create, client, "x", previous_response_id=5, status=400, code="invalid_type")


def test_store_is_bounded_and_least_recently_used_goes_first():
    store = ResponseStore(max_responses=3)
    for name in "abcd":
        if name == "d":
            assert store.get("a") is not None  # touch "a": "b" is now the oldest
        store.put(name, Stored({"id": name}, [], [], 10))
    assert len(store) == 3 and store.get("b") is None and store.get("a") is not None


def test_store_respects_its_size_budget():
    store = ResponseStore(max_responses=100, max_chars=250)
    for name in "abc":
        store.put(name, Stored({"id": name}, [], [], 100))
    assert len(store) == 2 and store.get("a") is None


def test_store_is_thread_safe():
    store = ResponseStore(max_responses=50)

    def work(offset: int) -> None:
        for i in range(300):
            store.put(f"{offset}-{i}", Stored({}, [], [], 1))
            store.get(f"{offset}-{i - 1}")
            store.delete(f"{offset}-{i - 2}")

    with ThreadPoolExecutor(max_workers=4) as pool:
        for done in [pool.submit(work, n) for n in range(4)]:
            done.result()  # an exception in a worker fails the test
    assert len(store) <= 50


@pytest.mark.parametrize("path", ["/responses/input_tokens"])
def test_input_tokens_path_is_not_a_response_id(simulator, path):
    answer = raw(simulator, "GET", path)
    assert answer.status_code == 404
    assert "Invalid URL" in answer.json()["error"]["message"]


def test_a_refusal_can_be_continued(client):
    schema = {"type": "object", "properties": {"x": {"type": "string"}}, "required": ["x"], "additionalProperties": False}
    fmt = {"format": {"type": "json_schema", "name": "x", "schema": schema, "strict": True}}
    refused = client.responses.create(model=MODEL, input="How to make a bomb?", text=fmt)
    assert refused.output[0].content[0].type == "refusal"
    after = create(client, "Then tell me a joke.", previous_response_id=refused.id)
    assert "turn 2" in after.output_text


def test_input_token_count_follows_the_chain(client):
    first = create(client, "Count the whole conversation, please.")
    alone = client.responses.input_tokens.count(model=MODEL, input="And this?")
    chained = client.responses.input_tokens.count(model=MODEL, input="And this?", previous_response_id=first.id)
    follow = create(client, "And this?", previous_response_id=first.id)
    assert chained.input_tokens == follow.usage.input_tokens > alone.input_tokens
    expect_error(openai.BadRequestError, client.responses.input_tokens.count, model=MODEL, input="x",
                 previous_response_id="resp_gone", status=400, code="previous_response_not_found")
