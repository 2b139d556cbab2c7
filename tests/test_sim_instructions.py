"""Verifiable instructions are followed offline, through the real SDK, in English and Chinese.

Each kind of instruction IFEval checks (a format, a count, a case, a start or end, words to use
or avoid, a repetition, two answers, a language) is asked in an English and a Chinese phrasing,
over Chat Completions and Responses, plain and streamed. The checks here are written for these
tests (not the simulator's own counters): JSON must parse, bullets are counted line by line,
English words are ``\\w+`` runs, Chinese length is counted in Han characters.

Where the visible ``[Offline simulation]`` marker would break the instruction (JSON, a case, a
length, a start or end, exact words...), it moves to the ``x-kit-marker: moved`` header; where
it breaks nothing (bullets, sections, a title...), it stays in the text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from test_sim_support import EN_MARK, MODEL, client

__all__ = ["client"]  # the fixture, re-exported for pytest

ZH_MARK = "【离线模拟】"
HAN = re.compile(r"[\u4e00-\u9fff]")
MARKER_HEADER = "x-kit-marker"


# --- the four ways to ask ------------------------------------------------------------------------


def chat_plain(sdk, prompt: str) -> tuple[str, dict]:
    raw = sdk.chat.completions.with_raw_response.create(model=MODEL, messages=[{"role": "user", "content": prompt}], temperature=0)
    completion = raw.parse()
    assert completion.system_fingerprint == "fp_offline"
    return completion.choices[0].message.content, raw.headers


def chat_stream(sdk, prompt: str) -> tuple[str, dict]:
    raw = sdk.chat.completions.with_raw_response.create(model=MODEL, messages=[{"role": "user", "content": prompt}],
                                                        temperature=0, stream=True)
    return "".join(c.choices[0].delta.content or "" for c in raw.parse() if c.choices), raw.headers


def responses_plain(sdk, prompt: str) -> tuple[str, dict]:
    raw = sdk.responses.with_raw_response.create(model=MODEL, input=prompt, temperature=0)
    return raw.parse().output_text, raw.headers


def responses_stream(sdk, prompt: str) -> tuple[str, dict]:
    raw = sdk.responses.with_raw_response.create(model=MODEL, input=prompt, temperature=0, stream=True)
    deltas, done = [], None
    for event in raw.parse():
        if event.type == "response.output_text.delta":
            deltas.append(event.delta)
        elif event.type == "response.output_text.done":
            done = event.text
    assert done == "".join(deltas)
    return done, raw.headers


MODES = {"chat": chat_plain, "chat-stream": chat_stream, "responses": responses_plain, "responses-stream": responses_stream}


# --- independent checks --------------------------------------------------------------------------


def words(text: str) -> int:
    return len(re.findall(r"\w+", text))


def han(text: str) -> int:
    return len(HAN.findall(text))


def sentences(text: str) -> int:
    return len([s for s in re.split(r"(?<=[.!?。！？])\s*", text.strip()) if re.search(r"\w", s)])


def bullets(text: str) -> list[str]:
    return [line for line in text.splitlines() if re.match(r"\s*[*-]\s", line)]


def json_of(text: str) -> object:
    return json.loads(text)


def fenced_json(text: str) -> object:
    match = re.fullmatch(r"```json\n(.*)\n```", text.strip(), re.S)
    assert match, text
    return json.loads(match[1])


def no_visible_marker(text: str) -> bool:
    return EN_MARK not in text and ZH_MARK not in text


@dataclass(frozen=True)
class Case:
    name: str
    prompt: str
    check: Callable[[str], object]
    moved: bool  # True: the marker leaves the text for the header


def ok(condition: bool) -> bool:
    return condition


def counted(pattern: str, text: str, flags: int = 0) -> int:
    return len(re.findall(pattern, text, flags))


ENDING = "Is there anything else I can help with?"
ZH_ENDING = "还有什么可以帮你的吗？"
REPEAT_EN = "Write a short blurb about a bakery in Lisbon."
REPEAT_ZH = "介绍一下杭州的西湖。"

CASES = [
    # JSON: the whole answer, or in a code block
    Case("json-en", "Describe the moon. Wrap your entire output in JSON format.", lambda t: isinstance(json_of(t), dict), True),
    # JSON asked in words with no keys named is {"answer": ""} (jsonwords.py: nothing visible inside)
    Case("json-zh", "用 JSON 格式介绍月亮。", lambda t: isinstance(json_of(t), dict), True),
    Case("json-zh-with-keys", "用 JSON 格式介绍月亮，包含 name 和 size 两个字段。", lambda t: set(json_of(t)) == {"name", "size"}, True),
    Case("json-avoid-en", 'Describe a flea market in JSON format. Do not include the keywords "flea" and "market" in the response.',
         lambda t: isinstance(json_of(t), dict) and not re.search(r"\b(?:flea|market)\b", t, re.I), True),
    Case("json-fenced-en", "Describe the moon. Put the JSON in a markdown code block: use JSON format.", lambda t: isinstance(fenced_json(t), dict), True),
    Case("json-fenced-zh", "用 JSON 代码块介绍月亮。", lambda t: isinstance(fenced_json(t), dict), True),
    # lists
    Case("bullets-en", "Give tips about tea. Your answer must contain exactly 4 bullet points. Use the markdown bullet points such as:\n* This is point 1.",
         lambda t: len(bullets(t)) == 4, False),
    Case("bullets-zh", "用 4 个要点介绍茶，使用项目符号。", lambda t: len(bullets(t)) == 4 and all(HAN.search(b) for b in bullets(t)), False),
    Case("numbered-en", "List 3 tips for better sleep as a numbered list.",
         lambda t: re.findall(r"^(\d+)\. ", t, re.M) == ["1", "2", "3"], False),
    Case("numbered-zh", "用编号列表列出 3 个睡眠建议。", lambda t: re.findall(r"^(\d+)\. ", t, re.M) == ["1", "2", "3"] and "睡眠" in t, False),
    # paragraphs and sections
    Case("paragraphs-en", "Write about cats. There should be 3 paragraphs. Paragraphs are separated with the markdown divider: ***",
         lambda t: len([p for p in re.split(r"\s?\*\*\*\s?", t) if p.strip()]) == 3, False),
    Case("paragraphs-zh", "写 3 段关于猫的文字，段落之间用 *** 分隔。",
         lambda t: len([p for p in re.split(r"\s?\*\*\*\s?", t) if p.strip()]) == 3 and "猫" in t, False),
    Case("nth-paragraph-en", "Write about rivers in 2 paragraphs, separated by two new lines. The 2nd paragraph must start with the word 'However'.",
         lambda t: len(t.split("\n\n")) == 2 and re.match(r"However, [a-z]", t.split("\n\n")[1]), True),
    Case("sections-en", "Write an essay about rain with 2 sections. Mark the beginning of each section with SECTION X.",
         lambda t: re.findall(r"^SECTION (\d)$", t, re.M) == ["1", "2"], False),
    Case("sections-zh", "写一篇关于雨的文章，分成 2 个部分，每部分以“第X部分”开头。",
         lambda t: re.findall(r"^第(\d)部分$", t, re.M) == ["1", "2"] and not t.startswith("第X"), False),
    # title, highlights, placeholders, postscript
    Case("title-en", "Write a poem about the sea. Include a title wrapped in double angular brackets, such as <<poem of joy>>.",
         lambda t: re.search(r"<<[^\n]+>>", t), False),
    Case("title-zh", "写一首关于大海的诗，标题用双尖括号括起来，例如 <<欢乐之诗>>。", lambda t: re.search(r"<<[^\n]*大海[^\n]*>>", t), False),
    Case("highlight-en", "Write about dogs. Highlight at least 3 sections in your answer with markdown, i.e. *highlighted section*.",
         lambda t: counted(r"\*[^\n*]+\*", t) >= 3, False),
    Case("highlight-zh", "介绍狗，并用 markdown 高亮至少 2 处，例如 *高亮部分*。", lambda t: counted(r"\*[^\n*]+\*", t) >= 2, False),
    Case("placeholders-en", "Write a letter template. The response must contain at least 3 placeholders represented by square brackets, such as [address].",
         lambda t: counted(r"\[[^\]]+\]", t) >= 3, False),
    Case("placeholders-zh", "写一封信的模板，至少包含 3 个方括号占位符，例如 [地址]。", lambda t: counted(r"\[[^\]]+\]", t) >= 3, False),
    Case("postscript-en", "Write a note to a friend. At the end of your response, please explicitly add a postscript starting with P.S.",
         lambda t: re.search(r"^P\.S\. \S", t, re.M), False),
    Case("postscript-zh", "给朋友写一张便条，最后加一段以 P.S. 开头的附言。", lambda t: re.search(r"^P\.S\. .*[\u4e00-\u9fff]", t, re.M), False),
    # lengths: words, sentences, characters (Chinese counted in characters)
    Case("words-max-en", "Describe Paris in fewer than 20 words.", lambda t: 0 < words(t) < 20, True),
    Case("words-min-en", "Write an essay about Paris with at least 150 words.", lambda t: words(t) >= 150, True),
    Case("chars-max-zh", "用不超过 30 个字介绍巴黎。", lambda t: 0 < han(t) <= 30 and "巴黎" in t, True),
    Case("chars-min-zh", "写一段不少于 200 字的文字介绍长城。", lambda t: han(t) >= 200 and "长城" in t, True),
    Case("sentences-en", "Describe Paris in exactly 3 sentences.", lambda t: sentences(t) == 3, True),
    Case("sentences-zh", "用两句话解释什么是递归。", lambda t: sentences(t) == 2 and "递归" in t, True),
    Case("characters-en", "Describe Paris in no more than 100 characters.", lambda t: 0 < len(t) <= 100, True),
    # case
    Case("lower-en", "Describe Paris. Your entire response should be in English, and in all lowercase letters. No capital letters are allowed.",
         lambda t: t == t.lower() and re.search(r"[a-z]", t), True),
    Case("lower-zh", "用英文回答，全部小写：介绍巴黎。", lambda t: t == t.lower() and re.search(r"[a-z]", t) and not HAN.search(t), True),
    Case("upper-en", "Describe Paris. Your entire response should be in English, capital letters only.",
         lambda t: t == t.upper() and re.search(r"[A-Z]", t), True),
    Case("upper-zh", "用英文回答，全部大写：介绍巴黎。", lambda t: t == t.upper() and re.search(r"[A-Z]", t) and not HAN.search(t), True),
    Case("capital-words-en", "Describe Paris. In your response, words with all capital letters should appear at least 4 times.",
         lambda t: counted(r"\b[A-Z]{2,}\b", t) >= 4, True),
    # start and end
    Case("start-end-en", f'Describe Paris. Start your answer with "Bonjour" and finish your response with this exact phrase "{ENDING}".',
         lambda t: t.startswith("Bonjour") and t.endswith(ENDING), True),
    Case("start-end-zh", f"介绍巴黎，以“你好”开头，以“{ZH_ENDING}”结尾。", lambda t: t.startswith("你好") and t.endswith(ZH_ENDING), True),
    Case("end-bare-en", "Write a note to my boss.\n\nFinish your entire response with this exact phrase: Hope you agree with me.",
         lambda t: t.endswith("Hope you agree with me."), True),
    Case("end-nothing-follows-en", 'Write a song about tea. Finish the song with:\n\nPeace!\n\nNo additional words should follow "Peace!"',
         lambda t: t.endswith("Peace!") and words(t) > 5, True),
    # a part count shown by an example with *** lines, words counted over "a 300+ word essay"
    Case("parts-by-example-en", "Plan a trip to Rome. Follow the exact format below:\n\nPart 1\n[details]\n***\nPart 2\n[details]\n***\nPart 3\n[details]",
         lambda t: len([p for p in re.split(r"\s?\*\*\*\s?", t) if p.strip()]) == 3, False),
    Case("words-a-300-en", "Write a 300+ word essay about tea.", lambda t: words(t) >= 300, True),
    Case("upper-not-a-single-word-en", "Describe tea. Use all capital letters: not a single word in your reply should contain lowercase letters.",
         lambda t: t == t.upper() and words(t) > 5, True),
    # quotes
    Case("quotes-en", "Wrap your entire response with double quotation marks. Describe Paris.",
         lambda t: len(t) > 2 and t[0] == '"' and t[-1] == '"', True),
    Case("quotes-zh", "介绍巴黎，整个回答用双引号括起来。", lambda t: len(t) > 2 and t[0] == '"' and t[-1] == '"', True),
    # words: include, avoid, frequencies
    Case("keywords-en", 'Describe Paris. Include the keywords "river" and "bridge" in the response.',
         lambda t: re.search(r"\briver\b", t, re.I) and re.search(r"\bbridge\b", t, re.I), False),
    Case("keywords-zh", "介绍巴黎，必须包含“塞纳河”和“桥”。", lambda t: "塞纳河" in t and "桥" in t, False),
    Case("forbidden-en", 'Describe Paris. Do not include the words "Paris" or "city" in the response.',
         lambda t: not re.search(r"\b(?:paris|city)\b", t, re.I) and words(t) > 3, True),
    Case("forbidden-zh", "介绍巴黎，“铁塔”这个词不要出现。", lambda t: "铁塔" not in t and han(t) > 3, True),
    Case("frequency-en", 'Describe Paris. The word "light" should appear at least 3 times.',
         lambda t: counted(r"\blight\b", t, re.I) >= 3, True),
    Case("frequency-zh", "介绍巴黎，“灯光”这个词至少出现 3 次。", lambda t: t.count("灯光") >= 3, True),
    Case("letters-en", "Describe Paris. In your response, the letter q should appear at least 6 times.",
         lambda t: t.lower().count("q") >= 6, True),
    Case("letters-at-most-once-en", 'Write a song about Layton, making sure to use the letter "a" at most once.',
         lambda t: t.lower().count("a") <= 1 and words(t) > 5, True),
    Case("letters-avoid-more-than-twice-en", "Write a story about a man. Avoid using the letter i more than twice.",
         lambda t: t.lower().count("i") <= 2 and words(t) > 5, True),
    Case("frequency-less-than-twice-en", "Plan a trip to Moscow that uses the word Moscow less than twice.",
         lambda t: counted(r"\bmoscow\b", t, re.I) < 2 and words(t) > 5, True),
    Case("frequency-once-or-less-en", 'Write a cover letter. Make sure to use the word "the" once or less.',
         lambda t: counted(r"\bthe\b", t, re.I) <= 1 and words(t) > 5, True),
    Case("avoid-but-mention-en", 'Is caffeine safe? Do not use the word die in your response, but mention the word "dose" at least 3 times.',
         lambda t: counted(r"\bdose\b", t, re.I) >= 3 and not re.search(r"\bdie\b", t, re.I), True),
    Case("nth-paragraph-start-paragraph-en", "Write about first names in exactly 3 paragraphs separated by two new lines. Start Paragraph 2 with the word Jasper.",
         lambda t: len(t.split("\n\n")) == 3 and t.split("\n\n")[1].startswith("Jasper"), True),
    Case("no-commas-en", "Describe Paris without using any commas.", lambda t: "," not in t and words(t) > 3, False),
    Case("no-commas-zh", "介绍巴黎，不要使用任何逗号。", lambda t: "," not in t and "，" not in t and han(t) > 3, False),
    # repeat the request, two answers, one of the given options
    Case("repeat-en", "First repeat the request word for word without change, then give your answer (1. do not say any words or characters "
         "before repeating the request; 2. the request you need to repeat does not include this sentence) " + REPEAT_EN,
         lambda t: t.startswith(REPEAT_EN) and len(t) > len(REPEAT_EN) + 20, True),
    Case("repeat-zh", "先一字不差地重复这个请求，再回答：" + REPEAT_ZH, lambda t: t.startswith(REPEAT_ZH) and han(t) > han(REPEAT_ZH) + 5, True),
    Case("two-answers-en", "Give two different answers about Paris. Responses and only responses should be separated by 6 asterisk symbols: ******.",
         lambda t: len(parts := [p.strip() for p in t.split("******")]) == 2 and all(parts) and parts[0] != parts[1], False),
    Case("two-answers-zh", "给出两个不同的回答介绍巴黎，用 6 个星号 ****** 分隔。",
         lambda t: len(parts := [p.strip() for p in t.split("******")]) == 2 and all(parts) and parts[0] != parts[1], False),
    Case("options-en", 'Is Paris big? Answer with one of the following options: ("My answer is yes.", "My answer is no.", "My answer is maybe.")',
         lambda t: t.strip().startswith(("My answer is yes.", "My answer is no.", "My answer is maybe.")), True),
    # a language
    Case("language-zh-from-en", "Describe Paris. Your entire response should be in Chinese, no other language is allowed.",
         lambda t: han(t) > 10 and not re.search(r"[A-Za-z]{3,}", t.replace("Paris", "")), True),
    Case("language-en-from-zh", "用英文回答：介绍巴黎。", lambda t: not HAN.search(t) and words(t) > 5, True),
]

UNWRITABLE = [
    ("Describe Paris. Your ENTIRE response should be in Hindi language, no other language is allowed.",
     "[Offline simulation] The simulator cannot write Hindi; a real model would answer in Hindi here."),
    ("用法语回答：介绍巴黎。", "【离线模拟】模拟器不会写法语；真实模型会在这里用法语回答。"),
]


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_instruction_is_followed(client, case: Case, mode: str):
    text, headers = MODES[mode](client, case.prompt)
    assert case.check(text), f"{case.name} ({mode}) not followed:\n{text}"
    assert headers.get("x-kit-source") == "simulated"
    if case.moved:
        assert no_visible_marker(text) and headers.get(MARKER_HEADER) == "moved", text
    else:
        assert text.startswith((EN_MARK, ZH_MARK)) and MARKER_HEADER not in headers, text


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize(("prompt", "note"), UNWRITABLE)
def test_a_language_it_cannot_write_is_said_plainly(client, mode: str, prompt: str, note: str):
    text, headers = MODES[mode](client, prompt)
    assert text == note and MARKER_HEADER not in headers


def test_chinese_length_counts_characters_not_words(client):
    # 200 characters of Chinese are one "word" to a \w+ counter: the limit is met in characters.
    text, _ = chat_plain(client, "写一段不少于 200 字的文字介绍长城。")
    assert han(text) >= 200 and words(text) < 50


@pytest.mark.parametrize(("prompt", "low", "high"), [
    ("Describe Paris in no more than 40 words.", 1, 40),
    ("Describe Paris in more than 60 words.", 61, None),
    ("用不超过 50 个字介绍长城。", 1, 50),
    ("用至少 80 个字介绍长城。", 80, None),
])
def test_at_most_and_more_than_read_the_right_way(client, prompt, low, high):
    text, _ = chat_plain(client, prompt)
    size = han(text) if HAN.search(prompt) else words(text)
    assert size >= low and (high is None or size <= high), (size, text)


def test_instructions_in_the_system_message_are_followed(client):
    messages = [{"role": "system", "content": "Always answer in all lowercase letters, in exactly 2 sentences."},
                {"role": "user", "content": "Tell me about volcanoes."}]
    text = client.chat.completions.create(model=MODEL, messages=messages, temperature=0).choices[0].message.content
    assert text == text.lower() and sentences(text) == 2 and "volcano" in text


def test_responses_instructions_are_followed(client):
    response = client.responses.create(model=MODEL, instructions="Reply with exactly 3 bullet points.", input="Tips for learning Python.",
                                       temperature=0)
    assert len(bullets(response.output_text)) == 3


@pytest.mark.parametrize(("prompt", "tokens"), [("Introduce the OpenAI API in one sentence.", 25), ("用一句话介绍 OpenAI API。", 25)])
def test_one_sentence_is_a_full_length_sentence(client, prompt, tokens):
    # as long as a real model's one sentence, so a small max_completion_tokens still cuts it
    completion = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": prompt}], temperature=0)
    assert sentences(completion.choices[0].message.content) == 1 and completion.usage.completion_tokens >= tokens
    cut = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": prompt}], max_completion_tokens=20)
    assert cut.choices[0].finish_reason == "length" and cut.usage.completion_tokens == 20


def test_filler_names_the_topic_and_claims_no_facts(client):
    text, _ = chat_plain(client, "Describe Paris in exactly 3 sentences.")
    assert text.count("Paris") >= 2
    assert not re.search(r"\b(?:is the capital|was founded|million|century)\b", text)
