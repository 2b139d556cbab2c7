"""Which functions the simulated model calls: how much a message is about each function.

A function's relevance is what its name and description share with the latest user message:
English words (weight 1), Chinese two-character sequences (weight 1), single Chinese content
characters not already inside a shared sequence (weight 1/2; common function characters such
as 的, 一, 下, 我 never count) and, through a small glossary, Chinese terms matching English
ones or Chinese synonyms (时间 and 几点 both mean ``time``). A place named in the message
only strengthens a function that is already relevant and has a place parameter: a city alone
does not make a weather question call a clock.

With ``auto`` the calls go to the best-scoring functions of the whole message and of each of
its parts joined by "and", commas, 和, ... (so "the weather and the local time in Tokyo"
calls both tools, while "the weather in Tokyo" calls only the weather tool).
"""

from __future__ import annotations

import re

from . import text, toolargs
from .toolspec import Function, ToolPlan

_WORD = re.compile(r"[A-Za-z]+|\d+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_HAN = re.compile(r"[\u4e00-\u9fff]+")
_STOP = frozenset("""a an the of for to in on at by with and or is are was be it this that what whats which who how
    get set do does me my you your i we our please can could would will should about from as given current
    use using tool function call return returns""".split())
#: Characters too common to say what a message is about (function words, generic verbs of descriptions).
_STOP_CHARS = frozenset("的一下我帮请是了吗呢吧啊么呀你他她它们这那个在有和与及或也都就还又很把被让给对从到为以于之而并"
                        "可能会要得地着过什怎样多少几今天现当前后中上里用来去做说看想知道告诉些点儿获取返回指定给查询输入出"
                        "一二三个些每所该其此")
#: Chinese terms a learner writes, in English (a real model bridges languages and synonyms).
_GLOSSARY = {"天气": "weather", "气温": "temperature", "温度": "temperature", "时间": "time", "几点": "time",
             "日期": "date", "搜索": "search", "查找": "search find", "查询": "search lookup query", "汇率": "exchange rate",
             "股票": "stock", "股价": "stock price", "翻译": "translate", "计算": "calculate", "算一下": "calculate", "算算": "calculate",
             "邮件": "email mail", "发送": "send", "新闻": "news", "航班": "flight", "订单": "order", "价格": "price",
             "预订": "book booking", "冷": "weather", "热": "weather", "雨": "weather", "雪": "weather", "晴": "weather",
             "伞": "weather"}
#: English words that ask about a tool's topic without naming it ("Is it raining in Paris?").
_SYNONYMS = {"weather": frozenset("""cold colder coldest hot hotter hottest warm warmer chilly rain raining rainy snow snowing
    snowy sunny cloudy windy umbrella forecast temperature""".split())}
_PARTS = re.compile(r"\s*(?:\band\b|\balso\b|\bplus\b|&|[,;，；、]|以及|还有|并且|同时|和)\s*", re.I)
CHAR_WEIGHT = 0.5
PLACE_WEIGHT = 0.5


def _words(value: str) -> set[str]:
    words = {w.lower() for w in _WORD.findall(_CAMEL.sub(" ", value))}
    return {w[:-1] if len(w) > 3 and w.endswith("s") else w for w in words if w not in _STOP}


def _bridged(value: str) -> str:
    """English words for the glossary's Chinese terms and the synonyms found in ``value``."""
    words = {w.lower() for w in _WORD.findall(value)}
    topics = [topic for topic, synonyms in _SYNONYMS.items() if words & synonyms]
    return " ".join([english for chinese, english in _GLOSSARY.items() if chinese in value] + topics)


def _grams(value: str) -> set[str]:
    return {run[k:k + 2] for run in _HAN.findall(value) for k in range(len(run) - 1)}


def _chars(value: str) -> set[str]:
    return {c for run in _HAN.findall(value) for c in run if c not in _STOP_CHARS}


def has_place_param(function: Function) -> bool:
    props = (function.parameters or {}).get("properties") or {}
    return isinstance(props, dict) and any(toolargs.PLACE_KEY.search(name) for name in props)


def relevance(function: Function, message: str) -> float:
    """How much ``message`` is about ``function`` by its words alone (no place bonus)."""
    about = f"{function.name.replace('_', ' ').replace('-', ' ')} {function.description}"
    words = len(_words(f"{about} {_bridged(about)}") & _words(f"{message} {_bridged(message)}"))
    grams = _grams(about) & _grams(message)
    content = message
    for place in toolargs.places_in(message):  # a city's characters say nothing about the tool
        content = content.replace(place, " ")
    covered = {c for gram in grams for c in gram}
    chars = (_chars(about) & _chars(content)) - covered
    return words + len(grams) + CHAR_WEIGHT * len(chars)


def score(function: Function, message: str) -> float:
    """Relevance, strengthened when the message names a place for the function's place parameter."""
    shared = relevance(function, message)
    if shared > 0 and has_place_param(function) and toolargs.places_in(message):
        shared += PLACE_WEIGHT
    return shared


def _best(candidates: list[Function], message: str) -> list[int]:
    """Indexes of the best-scoring relevant candidates for ``message`` (ties all kept)."""
    scores = [score(f, message) for f in candidates]
    top = max(scores, default=0)
    return [k for k, s in enumerate(scores) if s > 0 and s == top]


def parts(message: str) -> list[str]:
    """The message's parts joined by "and", commas, 和, ... (each may ask for its own thing)."""
    return [p for p in _PARTS.split(message) if p.strip()]


def _fallback(candidates: list[Function], message: str) -> int:
    """The function ``required`` calls when none is relevant: one taking a place named in the message."""
    if toolargs.places_in(message):
        for k, function in enumerate(candidates):
            if has_place_param(function):
                return k
    return 0


def choose(plan: ToolPlan, prompt: text.Prompt) -> list[tuple[Function, int]]:
    """The ``(function, slot)`` calls to make; empty for a text answer. ``slot`` picks a place."""
    candidates = plan.candidates()
    if plan.mode == "none" or not candidates:
        return []
    message = prompt.last_user
    picked = set(_best(candidates, message))
    for part in parts(message):  # a part adds a tool only on a whole word or two-character match
        picked.update(k for k in _best(candidates, part) if relevance(candidates[k], part) >= 1)
    if not picked:
        if plan.mode == "auto":
            return []
        picked = {_fallback(candidates, message)}
    ranked = sorted(picked, key=lambda k: (-score(candidates[k], message), k))
    places = len(toolargs.places_in(message))
    calls = [(candidates[k], slot) for k in ranked for slot in range(max(1, places) if has_place_param(candidates[k]) else 1)]
    return calls[: plan.limit()]
