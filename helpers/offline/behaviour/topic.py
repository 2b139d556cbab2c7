"""What a request is about, in its own words: the subject, the kind of text, the content words.

The writer's filler names these words (never facts about them). English: the words after
"about/on/of", the noun after "write a/an", and the other content words, stop words and
instruction vocabulary removed. Chinese (no word segmenter is bundled, and none is needed for
this): the phrase after 关于/介绍/解释…, the text kind after 写一篇/首/封…, and quoted phrases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import has_han

_EN_WORD = re.compile(r"[A-Za-z][A-Za-z]+|\d+")
_STOP = frozenset("""
a an the and or but if then than that this these those there their them they it its is are was were be been being am do does did
doing have has had having i me my we our you your yours he him his she her of to in on at by for with from into onto about as
up down out over under again further once here when where why how all any both each few more most other some such no nor not
only own same so too very can will just should now would could may might must shall also what which who whom whose get got let
please write create make give tell explain describe compose draft generate list provide help need want like short long brief
new one two three four five six seven eight nine ten using use used following without include including contain containing
containing mention response answer reply output entire whole text word words sentence sentences paragraph paragraphs section
sections bullet bullets point points title highlight highlighted markdown format letter letters capital capitals lowercase
uppercase case comma commas quotation quotes double marks end start begin finish phrase exact exactly least less fewer most
times time repeat request json placeholder placeholders square brackets postscript language english separate separated
divider asterisk asterisks symbols make sure ensure keep wrap wrapped put add part parts total number style funny
introduce summarize summarise discuss suggest translate answer say show tell talk inside angular numbered characters
character different answers responses options option yes maybe
""".split())
#: Words a request uses for the one it asks, named so in the filler ("introduce yourself": itself).
_SELF = {"yourself": "itself", "yourselves": "itself"}
_ZH_SELF = {"你自己": "模型自己", "自己": "模型自己", "你": "模型自己"}
_KINDS = ("poem", "essay", "story", "email", "letter", "song", "rap", "haiku", "limerick", "blog", "post", "article", "summary",
          "review", "pitch", "resume", "speech", "joke", "riddle", "ad", "advertisement", "tweet", "dialogue", "plan", "list",
          "proposal", "report", "guide", "itinerary", "description", "outline", "rubric", "template", "critique", "lyrics")
_ABOUT = re.compile(r"\b(?:about|on|regarding|of|for|called|named|explaining)\s+(?:the\s+|a\s+|an\s+|my\s+|your\s+|how\s+|why\s+|what\s+)?"
                    r"([A-Za-z][\w'-]*(?:\s+[A-Za-z][\w'-]*){0,3})", re.I)
_ZH_ABOUT = re.compile(r"(?:关于|介绍|讲讲|谈谈|解释|描述|说说|总结|说明|以)(?:一下)?\s*(?:什么是|什么叫|何为|如何|怎样|怎么|为什么|为何)?\s*"
                       r"[“\"「]?([^，。！？、“”\"「」的]{1,14}?)\s*(?=[，。！？、”\"」的]|是什么|$)")
_ZH_KIND = re.compile(r"写(?:一|两|三|几)?(?:篇|首|封|段|个|份|则|条)?(?:关于[^，。]{0,12}的)?([^，。！？、\s]{1,4}?)(?=[，。！？、\s]|$)")
_ZH_QUOTED = re.compile(r"[“\"「『]([^”\"」』]{1,16})[”\"」』]")
#: Instruction words that open a Chinese request ("用编号列表列出 3 个", "给朋友写一张"): not its topic.
_ZH_LEAD = (re.compile(r"^(?:(?:用|以)?(?:编号|项目符号|序号|无序)?列表)?\s*(?:列出|给出|写出|列举|举出)\s*[\d一二三四五六七八九十两几]*\s*(?:个|条|点|项|种)?"),
            re.compile(r"^(?:用|以)(?:编号|项目符号|序号|无序)?列表"),
            re.compile(r"^(?:给[^，。写]{1,6})?写(?:一|两|三|几)?(?:篇|首|封|段|个|份|则|条|张)?"))
_ZH_FILLER = re.compile(r"^(?:请|帮我|麻烦|给我|你|能不能|可以|用|以|什么是|什么叫)+|(?:一下|一篇|一首|一封|一段|一个|是什么)$")


@dataclass(frozen=True)
class Topic:
    """The request's subject (a short phrase), its kind of text and its content words."""

    subject: str
    kind: str
    words: tuple[str, ...]

    def word(self, i: int) -> str:
        return self.words[i % len(self.words)] if self.words else self.subject


_EN_QUOTED = re.compile(r"[\"“]([A-Z][\w]*(?: [A-Z][\w]*){0,3})[\"”]")


def _en(text: str) -> Topic:
    lowered = text.lower()
    names = [q for q in _EN_QUOTED.findall(text) if q.lower() not in _STOP]  # quoted names ("Brilliant Le Hou")
    kind = next((k for k in _KINDS if re.search(rf"\b{k}s?\b", lowered)), "")
    words = [_SELF.get(w.lower(), w) for w in _EN_WORD.findall(text) if w.lower() not in _STOP and not w.isdigit() and len(w) > 2]
    subject = ""
    for m in _ABOUT.finditer(text):
        picked = [_SELF.get(w.lower(), w) for w in m[1].split() if w.lower() not in _STOP and re.fullmatch(r"[A-Za-z]+", w)]
        if picked:
            subject = " ".join(picked[:3])
            break
    unique = tuple(dict.fromkeys([*names, *(w for w in words if w.lower() != kind)]))[:8]
    if not subject:
        subject = " ".join(unique[:2]) or "your request"
    return Topic(subject, kind or "answer", unique or tuple(subject.split()))


def _zh(text: str) -> Topic:
    quoted = _ZH_QUOTED.findall(text)
    about = _ZH_ABOUT.search(text)
    kind_match = _ZH_KIND.search(text)
    kind = kind_match[1] if kind_match else "回答"
    subject = about[1] if about else (quoted[0] if quoted else "")
    if not subject:
        first = re.split(r"[，。！？、\n]", text.strip())[0]
        first = _ZH_FILLER.sub("", first)
        for lead in _ZH_LEAD:
            first = lead.sub("", first, count=1).strip()
        subject = _ZH_FILLER.sub("", first)[:10] or "你的问题"
    subject = _ZH_SELF.get(subject, subject)
    words = tuple(dict.fromkeys([subject, *quoted]))[:6]
    return Topic(subject, kind, words)


def of(text: str, lang: str) -> Topic:
    """The topic of ``text`` (the request without its instruction sentences) in ``lang``."""
    if has_han(text):
        if lang == "zh":
            return _zh(text)
        english = _en(text)
        if english.subject == "your request":
            # A Chinese request answered in English ("用英文回答"): the simulator cannot translate
            # its topic, and Chinese words would break "in English", so the filler names it so.
            return Topic("your topic", english.kind, ("your topic",))
        return english
    return _en(text)
