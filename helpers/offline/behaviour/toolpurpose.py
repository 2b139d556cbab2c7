"""What a function is for and what a message asks for: purposes, and the text that describes a tool.

A *purpose* is a common job a tool does (``weather``, ``time``, ``calculate``, ``search``,
``email``, ...). Each has a small list of English cue words and Chinese cue terms, so that
"What is 12 times 3?" and a ``multiply`` tool share the purpose ``calculate``, and
"北京今天天气怎么样？" and "Get the current weather" share ``weather``, with no word in common.
English cues are whole words (lower-cased, no stemming: "times" is not "time"); Chinese cues
are substrings. A message with an arithmetic expression in it ("12 * (3 + 4)") asks to
``calculate`` too.

A tool's *profile* is the text the simulator reads about it: its name split into words
(``get_current_weather`` and ``getCurrentWeather`` both read "get current weather"), its
description, and each parameter's name and description, plus any instruction that says what
to use it for (see :mod:`toolpolicy`). Generic words that every tool description has (get,
current, specified, 获取, 指定, ...) are left out before texts are compared.
"""

from __future__ import annotations

import math
import re

from . import toolfill
from .toolspec import Function

#: purpose -> (English cue words, Chinese cue terms)
PURPOSES: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {
    "weather": (frozenset("""weather forecast forecasts temperature temperatures rain raining rainy snow snowing snowy sunny
        cloudy windy umbrella cold colder coldest hot hotter hottest warm warmer chilly humid humidity storm stormy""".split()),
                ("天气", "气温", "温度", "下雨", "雨", "雪", "晴", "冷", "热", "伞", "刮风", "预报", "气象")),
    "forecast": (frozenset("forecast forecasts tomorrow week weekend days upcoming".split()),
                 ("预报", "明天", "后天", "未来", "下周", "几天", "天内")),
    "time": (frozenset("time clock hour hours oclock timezone".split()), ("时间", "几点", "时区", "钟点")),
    "date": (frozenset("date calendar weekday".split()), ("日期", "几号", "星期几", "哪天")),
    "calculate": (frozenset("""calculate calculation calculator compute math arithmetic multiply multiplied multiplication times
        product sum plus minus subtract subtraction divide divided division percent percentage sqrt equation expression formula""".split()),
                  ("计算", "算一下", "算算", "帮我算", "算出", "乘以", "相乘", "乘法", "乘积", "除以", "相除", "加上", "相加",
                   "减去", "相减", "等于", "数学", "表达式", "公式")),
    "search": (frozenset("search searches lookup google browse web internet online docs documentation find".split()),
               ("搜索", "查找", "检索", "搜一下", "查一下", "网上", "文档")),
    "email": (frozenset("email emails mail mails inbox".split()), ("邮件", "邮箱", "电邮")),
    "translate": (frozenset("translate translation translator translated".split()), ("翻译", "译成", "翻成")),
    "currency": (frozenset("exchange currency currencies usd eur cny jpy gbp dollar dollars euro euros yuan yen".split()),
                 ("汇率", "货币", "美元", "人民币", "欧元", "日元", "兑换")),
    "stock": (frozenset("stock stocks ticker shares nasdaq".split()), ("股票", "股价", "股市")),
    "news": (frozenset("news headline headlines".split()), ("新闻", "头条")),
    "flight": (frozenset("flight flights airline airlines plane".split()), ("航班", "机票", "飞机")),
    "booking": (frozenset("book booking reserve reservation reservations".split()), ("预订", "预定", "订位", "订票", "预约")),
    "order": (frozenset("order orders delivery shipping shipment parcel tracking".split()), ("订单", "快递", "物流", "发货")),
    "reminder": (frozenset("remind reminder reminders schedule meeting appointment".split()), ("提醒", "日程", "日历", "会议")),
}
#: Words that say a tool writes the reply to the user (looked for in tools only, never in messages).
REPLY_WORDS = frozenset("reply respond response answer final finish".split())
REPLY_TERMS = ("回复", "回答", "答复", "最终")

_WORD = re.compile(r"[A-Za-z]+|\d+")
_SPLIT = re.compile(r"[_\-.]+|(?<=[a-z])(?=[A-Z])|(?<=[A-Za-z])(?=\d)")
_GENERIC = frozenset("""get gets set fetch retrieve retrieves return returns returned given specified specific current currently
    name value string number integer tool tools function functions use using used provided user information info data details
    e g eg ie the a an of for to in on at by with and or is are this that""".split())
_GENERIC_ZH = ("获取", "查询", "指定", "返回", "工具", "函数", "当前", "用户", "信息", "给定")


def split_name(name: str) -> str:
    """``get_current_weather`` / ``getCurrentWeather`` -> ``get current weather``."""
    return " ".join(w.lower() for w in _SPLIT.split(name) if w)


def profile(function: Function, extra: str = "") -> str:
    """Everything the simulator reads about ``function``: name, description, parameters, ``extra``."""
    pieces = [split_name(function.name), function.description]
    props = (function.parameters or {}).get("properties")
    if isinstance(props, dict):
        for key, schema in props.items():
            pieces.append(split_name(str(key)))
            if isinstance(schema, dict) and isinstance(schema.get("description"), str):
                pieces.append(schema["description"])
    if extra:
        pieces.append(extra)
    return ". ".join(p for p in pieces if p)


def content(text: str) -> str:
    """``text`` without the generic words of tool descriptions (for comparing texts)."""
    for term in _GENERIC_ZH:
        text = text.replace(term, " ")
    return " ".join(w for w in re.split(r"(\s+|[^\w\u4e00-\u9fff]+)", text) if w.strip() and w.lower() not in _GENERIC)


def purposes(text: str) -> frozenset[str]:
    """The purposes ``text`` names, through the cue words (and an arithmetic expression)."""
    words = {w.lower() for w in _WORD.findall(text)}
    found = {p for p, (english, chinese) in PURPOSES.items() if words & english or any(t in text for t in chinese)}
    if toolfill.expression_in(text):
        found.add("calculate")
    return frozenset(found)


def tool_purposes(function: Function, extra: str = "") -> frozenset[str]:
    """The purposes of a tool's profile (an expression in an example does not make it a calculator)."""
    text = profile(function, extra)
    words = {w.lower() for w in _WORD.findall(text)}
    return frozenset(p for p, (english, chinese) in PURPOSES.items() if words & english or any(t in text for t in chinese))


def overlap(asked: frozenset[str], offered: frozenset[str]) -> float:
    """Cosine of two purpose sets: 1 when they are the same, 0 when they share none."""
    if not asked or not offered:
        return 0.0
    return len(asked & offered) / math.sqrt(len(asked) * len(offered))


def replies(function: Function) -> bool:
    """Whether ``function`` writes the reply to the user (``reply_to_user``, ``final_answer``, ``send_message_to_user``)."""
    words = set(split_name(function.name).split())
    about = f"{function.name} {function.description}"
    return bool(words & REPLY_WORDS or {"message", "user"} <= words) or any(t in about for t in REPLY_TERMS)
