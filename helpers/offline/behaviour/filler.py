"""Honest filler sentences for the instruction writer, of an exact length, about the request's topic.

Every sentence names the topic's own words and says only that a real model would write about
them here: it never states a fact. English sentences have an exact number of words (``\\w+``
runs, the way IFEval and most word counters count); Chinese ones an exact number of characters
(:func:`zh_count`). ``variant`` (the sampling draw) changes the wording and the order of the
topic words, never the length. ``avoid`` drops every word that contains a forbidden word or
letter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .topic import Topic

WORD = re.compile(r"\w+")
# No word here may be an abbreviation in Punkt's English model ("ok", "co", "st"...): a full stop
# after one does not end a sentence there, and sentence counts would be off by one.
_ZH_UNIT = re.compile(r"[\u3400-\u9fff]|[A-Za-z0-9_]+")

_EN = (
    "Any real model would say more about {a} here",
    "This line stands in for a point about {a}",
    "Here the answer would turn to {a} and {b}",
    "The simulator only marks where {a} would be discussed",
    "Picture one concrete detail on {a} in this spot",
    "This sentence keeps the place of a thought on {a}",
    "More about {a} would follow in a real reply",
    "Think of {a} from one more angle here",
    "Notes on {a} would go in this spot",
    "One plain thought on {a} belongs here",
)
_EN_SHORT = ("{a} comes next", "More on {a}", "Notes on {a}", "{a} again", "{a} here", "{a}")
_EN_PADS = ("and {b}", "in plain words", "for this reply", "once more", "step by step", "as an example", "at this point",
            "with care", "for now", "in short", "to be clear", "on the whole")
_ONE = ("too", "again", "here", "now", "today", "indeed", "also", "then", "still", "first")
_NEUTRAL = ("so", "we", "go", "on", "up", "now", "more", "here", "again", "words", "line", "reply", "fine", "plan", "idea",
            "mood", "hum", "yes", "by", "my", "do", "be", "all", "key", "fun", "big", "sky", "run", "own", "way", "new")
_ZH = (
    "这里本该写到{a}的一个具体要点",
    "真实模型会在这一句展开{a}",
    "离线模拟器只在这里标出{a}的位置",
    "关于{a}的细节会放在这里",
    "这一句代表对{a}的又一个看法",
    "换个角度看{a}也值得一提",
)
_ZH_PADS = ("这一点还可以展开", "细节留给真实模型", "这里只是占位", "具体内容待补充", "可以再举一个例子", "也可以换个说法",
            "仅供参考", "大致如此", "简单说", "等等", "而已")


def zh_count(text: str) -> int:
    """Characters as Chinese readers count them: each Han character, and each Latin word or number, is one."""
    return len(_ZH_UNIT.findall(text))


def words_in(text: str) -> int:
    return len(WORD.findall(text))


@dataclass
class Avoid:
    """Words and letters the reply must not contain."""

    words: tuple[str, ...] = ()
    letters: tuple[str, ...] = ()
    _cache: dict = field(default_factory=dict, repr=False)

    def ok(self, word: str) -> bool:
        if not self.words and not self.letters:  # nothing to avoid (most prompts): no work per word
            return True
        low = word.lower()
        if low in self._cache:
            return self._cache[low]
        good = not any(ch in low for ch in self.letters) and not any(
            re.search(rf"\b{re.escape(w.lower())}\b", low) for w in self.words)
        self._cache[low] = good
        return good

    def ok_text(self, text: str) -> bool:
        if not self.words and not self.letters:
            return True
        return all(self.ok(w) for w in WORD.findall(text))


def _topic_words(topic: Topic, avoid: Avoid) -> list[str]:
    usable = [w for w in topic.words if avoid.ok(w)]
    return usable or [w for w in ("topic", "it", "this", "that", "thing") if avoid.ok(w)] or [n for n in _NEUTRAL if avoid.ok(n)][:1] or ["hm"]


def en_sentence(length: int, topic: Topic, variant: int, avoid: Avoid) -> str:
    """One English sentence of exactly ``length`` words (at least 1) about ``topic``."""
    names = _topic_words(topic, avoid)
    a, b = names[variant % len(names)], names[(variant + 1) % len(names)]
    fill = {"a": a, "b": b if b != a else names[(variant + 2) % len(names)] if len(names) > 2 else "more"}
    options = [t.format(**fill) for t in _EN[variant % len(_EN):] + _EN[: variant % len(_EN)]]
    options += [t.format(**fill) for t in _EN_SHORT]
    fitting = [s for s in options if words_in(s) <= length and avoid.ok_text(s)]
    # The first (in this variant's order) within three words of the length, else the longest that fits.
    base = next((s for s in fitting if words_in(s) >= length - 3), max(fitting, key=words_in) if fitting else "")
    words = base.split()
    pads = [p.format(**fill) for p in _EN_PADS[variant % len(_EN_PADS):] + _EN_PADS[: variant % len(_EN_PADS)]]
    pads = [p for p in pads if avoid.ok_text(p)]
    neutral = [n for n in _ONE + _NEUTRAL if avoid.ok(n)] or ["hm"]
    i = 0
    while len(words) < length:
        need = length - len(words)
        pad = next((p for p in pads[i:] + pads[:i] if len(p.split()) <= need), None)
        words += pad.split() if pad else [neutral[(i + variant) % len(neutral)]]
        i += 1
    text = " ".join(words[:length])
    return text[0].upper() + text[1:] + "."


def zh_sentence(length: int, topic: Topic, variant: int, avoid: Avoid) -> str:
    """One Chinese sentence of exactly ``length`` characters (:func:`zh_count`) about ``topic``."""
    names = [w for w in topic.words if avoid.ok(w)] or ["这个话题"]
    a = names[variant % len(names)]
    options = [t.format(a=a) for t in _ZH[variant % len(_ZH):] + _ZH[: variant % len(_ZH)]]
    options = [s for s in options if avoid.ok_text(s)] or [a]
    base = next((s for s in options if zh_count(s) <= length), None)
    if base is None:  # shorter than any template: as much of the topic as fits, then padding
        base = "".join(_ZH_UNIT.findall(a))[:length] if zh_count(a) > length else a
    i = variant
    while zh_count(base) < length:
        need = length - zh_count(base)
        turn = _ZH_PADS[i % len(_ZH_PADS):] + _ZH_PADS[: i % len(_ZH_PADS)]
        pad = next((p for p in turn if len(p) <= need), None)
        base += "；" + pad if pad else "呢"  # one character short: no phrase is that short
        i += 1
    return base + "。"


def natural_sentence(lang: str, topic: Topic, variant: int, avoid: Avoid) -> str | None:
    """A sentence at its template's own length (no length asked for, so no padding), or None."""
    if lang == "zh":
        names = [w for w in topic.words if avoid.ok(w)]
        options = [t.format(a=names[variant % len(names)]) for t in _ZH[variant % len(_ZH):] + _ZH[: variant % len(_ZH)]] if names else []
        return next((s + "。" for s in options if avoid.ok_text(s)), None)
    names = _topic_words(topic, avoid)
    a, b = names[variant % len(names)], names[(variant + 1) % len(names)]
    fill = {"a": a, "b": b if b != a else "more"}
    options = [t.format(**fill) for t in _EN[variant % len(_EN):] + _EN[: variant % len(_EN)]]
    text = next((s for s in options if avoid.ok_text(s)), None)
    return text[0].upper() + text[1:] + "." if text else None


def sentence(lang: str, length: int | None, topic: Topic, variant: int, avoid: Avoid, full: bool = False) -> str:
    """A sentence of exactly ``length`` words (zh: characters); ``None``: whatever length reads best.

    ``full``: a sentence as long as a real model's (three thoughts joined, about 25 words), for a
    reply whose only limit is its number of sentences ("in one sentence").
    """
    if length is None:
        natural = natural_sentence(lang, topic, variant, avoid)
        step = 2 if lang == "zh" else 3  # other templates than this sentence's and the next one's
        more = [natural_sentence(lang, topic, variant + step * k, avoid) for k in (1, 2)] if full and natural else []
        if natural is not None and more and None not in more:
            if lang == "zh":
                return "，".join(t[:-1] for t in (natural, *more)) + "。"
            b, c = (t[0].lower() + t[1:-1] for t in more)
            return f"{natural[:-1]}; {b} and {c}."
        if natural is not None:
            return natural
        length = 18 if lang == "zh" else 10
    return zh_sentence(length, topic, variant, avoid) if lang == "zh" else en_sentence(length, topic, variant, avoid)


MARKERS = ("[Offline simulation]", "【离线模拟】")


def marker_line(lang: str) -> str:
    if lang == "zh":
        return "【离线模拟】这条回复由教程套件的离线模拟器按你要求的格式写成；内容只是占位文字。"
    return "[Offline simulation] The kit's simulator wrote this reply in the format you asked for; the content is placeholder text."


_TITLES = {"en": ("Notes on {s}", "About {s}", "A Sketch of {s}", "{s} in Brief"), "zh": ("关于{s}", "{s}小记", "谈{s}", "{s}简述")}


def title(lang: str, topic: Topic, variant: int) -> str:
    subject = topic.subject if lang == "zh" else " ".join(w.capitalize() for w in topic.subject.split())
    return "<<" + _TITLES[lang][variant % 4].format(s=subject) + ">>"


def postscript(lang: str, marker: str) -> str:
    if lang == "zh":
        return f"{marker} 真实模型会在这里补一句附言。"
    return f"{marker} A real model would add a personal note here."


_PLACES = {"en": ("name", "date", "place", "address", "company", "phone", "email", "title", "amount", "time", "city", "detail"),
           "zh": ("姓名", "日期", "地点", "地址", "公司", "电话", "邮箱", "职位", "金额", "时间", "城市", "细节")}


def placeholders(lang: str, count: int) -> str:
    names = _PLACES[lang]
    items = [f"[{names[i]}]" if i < len(names) else f"[{names[-1]} {i + 1}]" for i in range(count)]
    if lang == "zh":
        return "使用前请填写" + "和".join(items) + "。"
    return "Fill in " + " and ".join(items) + " before you use this."


def keyword_line(lang: str, names: list[str]) -> str:
    if lang == "zh":
        return "这段回答提到了" + "和".join(f"“{w}”" for w in names) + "。"
    return "This reply names " + " and ".join(names) + "."


def repeat_line(lang: str, word: str, times: int) -> str:
    if lang == "zh":
        return "关键词：" + "、".join([word] * times) + "。"
    return "Key word: " + " and ".join([word] * times) + "."


_LETTER_WORDS = {
    "a": "banana area data", "b": "bubble baby bob", "c": "circle cocoa cycle", "d": "added dad divided", "e": "levee eleven there",
    "f": "fluff fifty offer", "g": "egg giggle going", "h": "hush high health", "i": "iris idea within", "j": "jujube jam jazz",
    "k": "kick kayak knock", "l": "lull little hello", "m": "mum memo minimum", "n": "nine none nothing", "o": "good look room",
    "p": "pop paper happy", "q": "quiz quick quote", "r": "error rarer mirror", "s": "sass stress seasons", "t": "tent total trust",
    "u": "usual unusual output", "v": "valve vivid verve", "w": "window wow willow", "x": "box six next", "y": "yearly yes you",
    "z": "zigzag fizz buzz",
}


def letter_line(lang: str, letter: str, need: int, avoid: Avoid) -> str:
    """A sentence whose words hold ``letter`` at least ``need`` times."""
    pool = _LETTER_WORDS.get(letter.lower(), letter).split()
    chosen: list[str] = []
    while sum(w.count(letter.lower()) for w in chosen) < need:
        chosen.append(pool[len(chosen) % len(pool)])
    body = " ".join(chosen)
    if lang == "zh":
        return f"字母练习：{body}。"
    return f"Letter play: {body}."
