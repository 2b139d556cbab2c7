"""What a message states, for the values of a JSON reply: names, numbers with units, dates...

One extractor serves every reply that holds values: JSON mode, JSON asked in words,
Structured Outputs and tool arguments (:mod:`jsonfill` picks, per key, which fact fits).
Everything here is read from the text it is given; nothing is made up. Rules, zh and en:

- **people**: "my name is / I am / named / called X", a sign-off ("Best, Maria Lopez"), a
  capitalized name before "is/was/has/lives/works" or ", 30"; 我叫/我是/名叫/姓名：X, and a Chinese
  name (a common surname, or 小/老/阿 + a character) before 今年/是/住/在/，;
- **emails, URLs, phone numbers** (seven digits or more, not a date);
- **dates**: 2024-05-01, 2024/5/1, 2024年5月1日, 5月1日, May 1, 2024, 1 May 2024 (ISO when the
  year is given, else as written); **years**: a four-digit year 1500-2099;
- **numbers with units**: 12 岁 / 12 years old (age), $30 / 30 元 (money), 5 kg, 180 cm,
  23 °C, 45 minutes, 20 %, 3 people...;
- **places**: known cities, a capitalized name after in/at/from/to, a name ending in 市/省/县;
- **titles**: 《三体》 or a quoted title; **authors**: "by Frank Herbert", 作者是X / 作者：X.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

KNOWN_PLACES = (
    "New York", "San Francisco", "Los Angeles", "Hong Kong", "Beijing", "Shanghai", "Guangzhou", "Shenzhen",
    "Hangzhou", "Chengdu", "Wuhan", "Nanjing", "Chongqing", "Tianjin", "Taipei", "Tokyo", "Osaka", "Seoul",
    "Singapore", "Paris", "London", "Berlin", "Madrid", "Rome", "Boston", "Chicago", "Seattle", "Sydney",
    "Toronto", "Moscow", "Dubai", "Bangkok", "北京", "上海", "广州", "深圳", "杭州", "成都", "武汉", "西安",
    "南京", "重庆", "天津", "苏州", "香港", "台北", "东京", "大阪", "首尔", "新加坡", "巴黎", "伦敦", "柏林",
    "纽约", "旧金山", "洛杉矶", "悉尼", "莫斯科",
)
_AFTER_WORD = re.compile(r"\b(?:in|at|for|from|to|near|and)\s+((?:[A-Z][a-zA-Z'-]+)(?:\s+[A-Z][a-zA-Z'-]+)*)")
_ZH_PLACE = re.compile(r"([\u4e00-\u9fff]{2,3}?)(?:市|省|县)")
_NOT_PLACES = {"I", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "English", "Chinese", "JSON", "Python"}

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_URL = re.compile(r"https?://[^\s<>\"'，。）)]+")
_PHONE = re.compile(r"(?<![\w+])\+?\d[\d ().-]{5,}\d(?![\w])")
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?!\d)")
_ZH_DATE = re.compile(r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH = r"(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
_EN_DATE_MD = re.compile(rf"\b{_MONTH}\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?\b")
_EN_DATE_DM = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\.?(?:,?\s+(\d{{4}}))?\b")
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d{2}|20\d{2})(?!\d)")
_NUM = r"(-?\d+(?:\.\d+)?)"
#: Units by quantity; a number written before one of them is a fact of that quantity.
UNITS: dict[str, tuple[str, ...]] = {
    "age": ("岁", "周岁", "years old", "year old", "-year-old", "yrs old", "yo"),
    "money": ("元", "块", "美元", "人民币", "欧元", "dollars", "dollar", "usd", "rmb", "yuan", "euros", "euro", "cny"),
    "weight": ("kg", "kilograms", "kilos", "公斤", "千克", "斤", "克", "grams", "g", "lbs", "lb", "pounds"),
    "length": ("cm", "厘米", "公分", "mm", "km", "公里", "千米", "米", "meters", "metres", "m", "miles", "mi", "feet", "ft", "inches"),
    "temperature": ("°c", "℃", "°f", "℉", "degrees", "度"),
    "duration": ("minutes", "minute", "mins", "min", "分钟", "hours", "hour", "hrs", "小时", "seconds", "secs", "秒", "days", "天", "weeks", "周"),
    "percent": ("%", "percent", "％"),
    "count": ("people", "persons", "guests", "items", "pieces", "pcs", "人", "位", "个", "件", "本", "次", "张"),
}
_MONEY_PREFIX = re.compile(r"([$¥€£￥])\s*(\d+(?:\.\d+)?)")

_CAP = r"[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?"
_EN_NAME = rf"({_CAP}(?:\s+{_CAP}){{0,2}})"
_EN_INTRO = re.compile(rf"\b(?:[Mm]y name is|[Nn]ame is|[Nn]amed|[Cc]alled|I am|I'm|[Tt]his is|[Nn]ame:)\s+{_EN_NAME}")
_EN_SIGNOFF = re.compile(rf"\b(?:Best|Regards|Thanks|Cheers|Sincerely|Yours)[,!]?\s+{_EN_NAME}")
_EN_SUBJECT = re.compile(rf"{_EN_NAME}\s*(?:\bis\b|\bwas\b|\bhas\b|\blives\b|\bworks\b|\bturned\b|\bturns\b|\bjust\b|,\s*(?:aged?\s+)?\d)")
_EN_PAIR = re.compile(rf"(?<![.!?]\s)(?<!^)\b({_CAP}\s+{_CAP})\b")
_NAME_AGE = re.compile(rf"\b{_CAP}(?:\s+{_CAP})?(?:,\s*|\s+is\s+)(\d{{1,3}})(?!\d)(?!\.\d)(?=\s*(?:$|[,.;)]|and\b|years?\b))")
_BY = re.compile(rf"\bby\s+{_EN_NAME}")
_NOT_NAMES = set(
    "I A An The This That These Those It Its He She We They You My Your Our Their His Her What Who When Where Why How "
    "Which Please Reply Return Respond Answer Give Write Extract Output Provide Make Use Text Input Here There Hello Hi "
    "Dear Thanks Thank JSON Json Python Yes No Ok Okay Sure Note Example Today Tomorrow Yesterday Mr Mrs Ms Dr Also And "
    "But Or If So Then Now Just Only Name Age Email Phone Describe Tell Show List Find Get Let Do Does Is Are Was Were".split()
)
_ZH_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
                "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
_ZH_NAME = rf"((?:[小老阿][\u4e00-\u9fff])|(?:[{_ZH_SURNAMES}][\u4e00-\u9fff]{{1,2}}))"
_ZH_INTRO = re.compile(r"(?:我叫|我是|名叫|叫做|名字是|名字叫|姓名[:：是为]?|联系人[:：是为]?|他叫|她叫)\s*([\u4e00-\u9fff·]{2,4})")
_ZH_SUBJECT = re.compile(_ZH_NAME + r"(?=今年|现年|已经|是|住|在|说|的|，|,|\s|岁|和|与)")
_ZH_NAME_END = re.compile(r"(今年|现年|已经|是|住|在|说|的|岁|电话|手机|邮箱|和|与|，|,).*$")
_ZH_AUTHOR = re.compile(r"作者(?:是|为|[:：])\s*([\u4e00-\u9fff·]{2,4})|([\u4e00-\u9fff·]{2,4})\s*(?:著|写的|所著)")
_ZH_OWNER = re.compile(r"([\u4e00-\u9fff·]{2,4}?)(?:的|所著的|写的)《")
_TITLE = re.compile(r"《([^》\n]{1,40})》|[“\"]([^”\"\n]{2,60})[”\"]")


@dataclass
class Quantity:
    """A number the text writes with a unit, and the words as written ("5 kg")."""

    value: float
    written: str


@dataclass
class Facts:
    """Facts read from ``text`` on first use (each property is computed once)."""

    text: str
    lowered: str = field(init=False)

    def __post_init__(self) -> None:
        self.lowered = self.text.lower()

    @cached_property
    def emails(self) -> list[str]:
        return _EMAIL.findall(self.text)

    @cached_property
    def urls(self) -> list[str]:
        return [u.rstrip(".,;") for u in _URL.findall(self.text)]

    @cached_property
    def phones(self) -> list[str]:
        spans = [m.span() for m in _ISO_DATE.finditer(self.text)]
        found = []
        for match in _PHONE.finditer(self.text):
            digits = re.sub(r"\D", "", match.group(0))
            inside_date = any(a <= match.start() < b for a, b in spans)
            if len(digits) >= 7 and not inside_date and not _YEAR.fullmatch(match.group(0).strip()):
                found.append(match.group(0).strip())
        return found

    @cached_property
    def dates(self) -> list[str]:
        """Dates in order: ISO (YYYY-MM-DD) when the year is written, else as written."""
        found: list[tuple[int, str]] = []
        for m in _ISO_DATE.finditer(self.text):
            found.append((m.start(), _iso(m[1], m[2], m[3])))
        for m in _ZH_DATE.finditer(self.text):
            found.append((m.start(), _iso(m[1], m[2], m[3]) if m[1] else m.group(0)))
        for m in _EN_DATE_MD.finditer(self.text):
            found.append((m.start(), _iso(m[3], _month(m[1]), m[2]) if m[3] else m.group(0)))
        for m in _EN_DATE_DM.finditer(self.text):
            found.append((m.start(), _iso(m[3], _month(m[2]), m[1]) if m[3] else m.group(0)))
        return [d for _, d in sorted(found) if d]

    @cached_property
    def years(self) -> list[int]:
        return [int(y) for y in _YEAR.findall(self.text)]

    @cached_property
    def places(self) -> list[str]:
        return places_in(self.text)

    @cached_property
    def names(self) -> list[str]:
        """People's names, most explicit first (an introduction, a sign-off, then a subject)."""
        found: list[str] = []
        for pattern in (_EN_INTRO, _EN_SIGNOFF, _EN_SUBJECT, _EN_PAIR):
            for match in pattern.finditer(self.text):
                name = _clean_en_name(match.group(1))
                if name and name not in found and not any(name in p or p in name for p in KNOWN_PLACES):
                    found.append(name)
        for match in _ZH_INTRO.finditer(self.text):
            name = _ZH_NAME_END.sub("", match.group(1))
            if len(name) >= 2 and (name[0] in _ZH_SURNAMES or name[0] in "小老阿") and name not in found:
                found.append(name)
        for match in _ZH_SUBJECT.finditer(self.text):
            name = match.group(1)
            if name not in found and name not in KNOWN_PLACES and not any(name in f for f in found):
                found.append(name)
        return found

    @cached_property
    def authors(self) -> list[str]:
        found = [n for m in _BY.finditer(self.text) if (n := _clean_en_name(m.group(1)))]
        found += [m[1] or m[2] for m in _ZH_AUTHOR.finditer(self.text)]
        found += [m[1] for m in _ZH_OWNER.finditer(self.text) if m[1][0] in _ZH_SURNAMES]  # 刘慈欣的《三体》
        return found

    @cached_property
    def titles(self) -> list[str]:
        return [m[1] or m[2] for m in _TITLE.finditer(self.text)]

    def quantities(self, kind: str) -> list[Quantity]:
        """Numbers written with a unit of ``kind`` (see :data:`UNITS`), in order."""
        found: list[tuple[int, Quantity]] = []
        if kind == "money":
            found += [(m.start(), Quantity(float(m[2]), m.group(0))) for m in _MONEY_PREFIX.finditer(self.text)]
        units = "|".join(re.escape(u) for u in sorted(UNITS.get(kind, ()), key=len, reverse=True))
        if units:
            pattern = re.compile(rf"(?<![\w.]){_NUM}\s*(?:{units})(?![A-Za-z])", re.I)
            found += [(m.start(), Quantity(float(m[1]), m.group(0).strip())) for m in pattern.finditer(self.text)]
        if kind == "age":  # "age 12", "aged 12", "年龄 12"
            pattern = re.compile(r"(?:\bage[ds]?\b|年龄|年纪)\s*(?:is|of|:|：|=|为|是)?\s*(\d{1,3})(?!\d)", re.I)
            found += [(m.start(), Quantity(float(m[1]), m[1])) for m in pattern.finditer(self.text)]
            found += [(m.start(), Quantity(float(m[1]), m[1])) for m in _NAME_AGE.finditer(self.text)]  # "Alice is 30", "Bob, 42,"
        return [q for _, q in sorted(found, key=lambda pair: pair[0])]

    def mentions(self, word: str) -> int:
        """Where ``word`` is written (a whole word for ASCII, any case), or -1."""
        word = word.lower()
        if not word:
            return -1
        if word.isascii():
            match = re.search(rf"(?<![A-Za-z0-9_]){re.escape(word)}(?![A-Za-z0-9_])", self.lowered)
            return match.start() if match else -1
        return self.lowered.find(word)


_NEGATION = re.compile(r"(?:\b(?:not|no|never|don't|doesn't|isn't|aren't|wasn't|without|non)\b|n't|不|没|无|非|未)\s*\S*\s*$", re.I)
_ANSWER_NO = re.compile(r"^\W{0,3}\s*(?:no|false|nope|否|不是|没有|无)\b", re.I)
_ANSWER_YES = re.compile(r"^\W{0,3}\s*(?:yes|true|yep|是|有|对)", re.I)


def truth(facts: Facts, words: list[str]) -> bool | None:
    """Whether the text affirms one of ``words`` (yes, or a plain mention), denies it (no, not...), or None."""
    for word in words:
        at = facts.mentions(word)
        if at < 0:
            continue
        before, after = facts.lowered[max(0, at - 16):at], facts.lowered[at + len(word):at + len(word) + 12]
        if _NEGATION.search(before) or _ANSWER_NO.match(after):
            return False
        return True
    return None


def _iso(year: str | None, month: str | int, day: str) -> str:
    if not year:
        return ""
    month_i, day_i = int(month), int(day)
    if not (1 <= month_i <= 12 and 1 <= day_i <= 31):
        return ""
    return f"{int(year):04d}-{month_i:02d}-{day_i:02d}"


def _month(word: str) -> int:
    return _MONTHS.index(word[:3].lower()) + 1


def _clean_en_name(name: str) -> str:
    words = name.split()
    while words and words[0] in _NOT_NAMES:
        words.pop(0)
    while words and words[-1] in _NOT_NAMES:
        words.pop()
    if not words or any(w in _NOT_PLACES for w in words):
        return ""
    return " ".join(words)


def places_in(text: str) -> list[str]:
    """Places named in ``text``, in order: known cities, capitalized names after a preposition,
    Chinese names ending in 市/省/县. A known city wins over a longer guess around it."""
    known = [(at, place) for place in KNOWN_PLACES
             if (at := (text.find(place) if not place.isascii() else _word_at(text, place))) >= 0]
    guesses = [(m.start(1), m.group(1)) for m in _AFTER_WORD.finditer(text) if m.group(1) not in _NOT_PLACES]
    guesses += [(m.start(1), m.group(1)) for m in _ZH_PLACE.finditer(text)]
    chosen: list[tuple[int, str]] = []
    for at, place in sorted(known) + sorted(guesses):
        if not any(place in other or other in place for _, other in chosen):
            chosen.append((at, place))
    return [place for _, place in sorted(chosen)]


def _word_at(text: str, word: str) -> int:
    match = re.search(rf"\b{re.escape(word)}\b", text)
    return match.start() if match else -1
