"""Label answers (issue 16 part 3): a labelling request gets exactly one label, both APIs, both languages."""

from __future__ import annotations

import pytest

from test_sim_support import EN_MARK, MODEL, ZH_MARK, client

__all__ = ["client"]  # the fixture, re-exported for pytest

ZH_ASK = "判断下面评论的情感，只回答“正面”“负面”或“中性”：{}"
FEWSHOT = [
    {"role": "user", "content": "Great movie, I loved it!"},
    {"role": "assistant", "content": "positive"},
    {"role": "user", "content": "Boring and far too long."},
    {"role": "assistant", "content": "negative"},
]


def chat_text(sdk, messages, stream=False):
    if not stream:
        return sdk.chat.completions.create(model=MODEL, messages=messages).choices[0].message.content
    parts = sdk.chat.completions.create(model=MODEL, messages=messages, stream=True)
    return "".join(c.choices[0].delta.content or "" for c in parts if c.choices)


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize(("review", "label"), [("这家店的菜太好吃了，服务也很棒", "正面"), ("等了一个小时，太失望了", "负面")])
def test_zh_instruction_gives_the_bare_label(client, stream, review, label):
    assert chat_text(client, [{"role": "user", "content": ZH_ASK.format(review)}], stream) == label


@pytest.mark.parametrize(("review", "label"), [
    ("快递准时到了，但盒子压扁了。", "负面"),  # 快 of 快递 (delivery) is no praise
    ("慢慢就习惯了，挺好的", "正面"),  # 慢 of 慢慢 (gradually) is no complaint
    ("发货太慢了", "负面"),
    ("用起来很快，很满意", "正面"),
])
def test_zh_cues_do_not_hide_in_common_words(client, review, label):
    assert chat_text(client, [{"role": "user", "content": ZH_ASK.format(review)}]) == label


@pytest.mark.parametrize("stream", [False, True])
def test_fewshot_label_of_the_nearest_example(client, stream):
    messages = [*FEWSHOT, {"role": "user", "content": "What a great movie, loved the ending!"}]
    assert chat_text(client, messages, stream) == "positive"
    messages[-1]["content"] = "Far too long and boring."
    assert chat_text(client, messages, stream) == "negative"


def test_label_spelling_as_the_prompt_gave_it(client):
    messages = [{"role": "system", "content": "Classify the review as Positive or Negative."},
                {"role": "user", "content": "I hate this phone, it is broken."}]
    assert chat_text(client, messages) == "Negative"


def test_labelled_lines_in_one_message(client):
    content = ("Text: I love it\nSentiment: positive\nText: awful service\nSentiment: negative\n"
               "Text: awful food, awful service\nSentiment:")
    assert chat_text(client, [{"role": "user", "content": content}]) == "negative"


@pytest.mark.parametrize("stream", [False, True])
def test_responses_gives_the_label(client, stream):
    ask = "Is Paris in France? Respond with one word: yes or no."
    if not stream:
        assert client.responses.create(model=MODEL, input=ask).output_text == "yes"
    else:
        events = client.responses.create(model=MODEL, input=ask, stream=True)
        assert "".join(e.delta for e in events if e.type == "response.output_text.delta") == "yes"


@pytest.mark.parametrize(("content", "mark"), [("Tell me about Paris.", EN_MARK), ("介绍一下杭州。", ZH_MARK)])
def test_no_label_asked_gives_the_normal_reply(client, content, mark):
    assert mark in chat_text(client, [{"role": "user", "content": content}])


def test_short_chat_is_not_a_labelling_task(client):
    messages = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "Hello!"},
                {"role": "user", "content": "how are you"}, {"role": "assistant", "content": "Fine, thanks."},
                {"role": "user", "content": "Tell me a story"}]
    assert EN_MARK in chat_text(client, messages)
