"""The verifiable instructions a prompt can carry, one dataclass per kind, and how counts are read.

``instructions.py`` finds them in a prompt (English and Chinese phrasings side by side);
``writer.py`` composes a reply that satisfies all of them at once.

Counts are kept as an inclusive range (:class:`Span`): "at least 300 words" is 300..None,
"less than 5 sentences" is 0..4, "exactly 2" is 2..2; "more than 30" is 31..None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Span:
    """An inclusive range of counts; ``high`` None means no upper bound."""

    low: int = 0
    high: int | None = None

    def target(self, natural: int) -> int:
        """The count to aim for: ``natural`` when allowed, else the nearest allowed count."""
        if self.high is not None and natural > self.high:
            return self.high
        return max(natural, self.low)

    def allows(self, count: int) -> bool:
        return count >= self.low and (self.high is None or count <= self.high)


@dataclass(frozen=True)
class Constraint:
    """Base of every instruction kind. ``moves_marker``: the visible offline marker would break it."""

    moves_marker = False


@dataclass(frozen=True)
class Json(Constraint):
    fenced: bool = False  # in a ```json code block
    moves_marker = True


@dataclass(frozen=True)
class Bullets(Constraint):
    count: int = 3
    marker: str = "* "  # or "- "


@dataclass(frozen=True)
class Numbered(Constraint):
    count: int = 3


@dataclass(frozen=True)
class Paragraphs(Constraint):
    count: int = 2
    separator: str = "\n\n"  # or "***"
    first_words: tuple[tuple[int, str], ...] = ()  # (1-based paragraph, required first word)

    @property
    def moves_marker(self) -> bool:  # type: ignore[override]
        return bool(self.first_words)


@dataclass(frozen=True)
class Sections(Constraint):
    count: int = 2
    label: str = "SECTION"  # the heading is "<label> <n>"
    separator: str = ""  # "***" when the sections are also divided


@dataclass(frozen=True)
class Title(Constraint):
    pass


@dataclass(frozen=True)
class Highlights(Constraint):
    count: int = 1


@dataclass(frozen=True)
class Placeholders(Constraint):
    count: int = 1


@dataclass(frozen=True)
class Postscript(Constraint):
    marker: str = "P.S."


@dataclass(frozen=True)
class Length(Constraint):
    unit: str  # "words", "sentences" or "chars" (Chinese characters)
    span: Span
    moves_marker = True


@dataclass(frozen=True)
class Case(Constraint):
    kind: str  # "lower" or "upper"
    moves_marker = True


@dataclass(frozen=True)
class CapitalWords(Constraint):
    span: Span
    moves_marker = True


@dataclass(frozen=True)
class Start(Constraint):
    phrase: str
    moves_marker = True


@dataclass(frozen=True)
class End(Constraint):
    phrase: str
    moves_marker = True


@dataclass(frozen=True)
class Quoted(Constraint):
    moves_marker = True


@dataclass(frozen=True)
class Keywords(Constraint):
    words: tuple[str, ...]


@dataclass(frozen=True)
class Forbidden(Constraint):
    words: tuple[str, ...]
    moves_marker = True  # "offline" or "simulation" could be among them


@dataclass(frozen=True)
class WordCount(Constraint):
    word: str
    span: Span
    moves_marker = True


@dataclass(frozen=True)
class LetterCount(Constraint):
    letter: str
    span: Span
    moves_marker = True


@dataclass(frozen=True)
class NoCommas(Constraint):
    pass


@dataclass(frozen=True)
class Repeat(Constraint):
    text: str  # said first, word for word
    moves_marker = True


@dataclass(frozen=True)
class TwoAnswers(Constraint):
    separator: str = "******"


@dataclass(frozen=True)
class Language(Constraint):
    code: str  # ISO 639-1: "en", "zh", "fr"...
    name: str  # in English: "French"
    moves_marker = True


@dataclass(frozen=True)
class OneOf(Constraint):
    options: tuple[str, ...]  # the reply includes exactly one of these phrases
    moves_marker = True


@dataclass
class Instructions:
    """What :func:`parse` found: the constraints, and the request text without them."""

    items: list[Constraint] = field(default_factory=list)
    topic_text: str = ""

    def __bool__(self) -> bool:
        return bool(self.items)

    def get(self, kind: type) -> list:
        return [c for c in self.items if isinstance(c, kind)]

    def first(self, kind: type):
        found = self.get(kind)
        return found[0] if found else None

    @property
    def marker(self) -> str:
        """``text`` when the visible offline marker breaks nothing, else ``header``."""
        return "header" if any(c.moves_marker for c in self.items) else "text"


# --- numbers ---------------------------------------------------------------------------

EN_NUMBERS = {
    "zero": 0, "no": 0, "a": 1, "an": 1, "one": 1, "single": 1, "once": 1, "two": 2, "twice": 2, "three": 3,
    "thrice": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11,
    "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100,
}
_ZH_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
#: A count as the rules write it: digits, an English number word, or Chinese numerals.
NUM = r"(\d{1,5}|" + "|".join(sorted((w for w in EN_NUMBERS if len(w) > 2), key=len, reverse=True)) + r"|[零一二两三四五六七八九十百千]{1,5})"


def number(word: str) -> int | None:
    """``word`` as an integer: "12", "twelve", "十二", "三百"; None when it is not a number."""
    word = word.strip().lower()
    if word.isdigit():
        return int(word)
    if word in EN_NUMBERS:
        return EN_NUMBERS[word]
    if not word or any(ch not in _ZH_DIGITS and ch not in "十百千" for ch in word):
        return None
    total, current = 0, 0
    for ch in word:
        if ch in _ZH_DIGITS:
            current = _ZH_DIGITS[ch]
        else:
            unit = {"十": 10, "百": 100, "千": 1000}[ch]
            total += (current or 1) * unit
            current = 0
    return total + current


#: Relations in both languages, mapped to how a count becomes a :class:`Span`.
_AT_LEAST = re.compile(r"at\s+least|no\s+less\s+than|not\s+less\s+than|no\s+fewer\s+than|a\s+minimum\s+of|minimum\s+of|minimum|至少|不少于|不低于|最少|起码")
_MORE = re.compile(r"more\s+than|over|greater\s+than|above|exceed(?:ing)?|超过|多于|大于|以上")
_AT_MOST = re.compile(r"at\s+most|no\s+more\s+than|not\s+more\s+than|a\s+maximum\s+of|maximum\s+of|maximum|up\s+to|within|最多|不超过|不多于|至多|以内|之内")
_LESS = re.compile(r"less\s+than|fewer\s+than|under|below|少于|不到|小于|低于|以下")
_EXACT = re.compile(r"exactly|precisely|just|only|正好|恰好|刚好|整整|只用|仅用")


def span_for(relation: str, count: int, after: str = "") -> Span:
    """The :class:`Span` for ``relation`` (the words before the count) and ``after`` (after it)."""
    after = after.strip().lower()
    rel = relation.strip().lower()
    if after.startswith(("+", "or more", "or above", "or greater", "以上", "或以上", "或更多")):
        return Span(count)
    if after.startswith(("or less", "or fewer", "or under", "以内", "之内", "以下", "或更少")):
        return Span(0, count)
    # "at most" before "more": "no more than" and 不超过 hold "more than" and 超过
    for pattern, make in ((_AT_LEAST, lambda n: Span(n)), (_AT_MOST, lambda n: Span(0, n)),
                          (_MORE, lambda n: Span(n + 1)), (_LESS, lambda n: Span(0, max(n - 1, 0))),
                          (_EXACT, lambda n: Span(n, n))):
        if rel and pattern.search(rel):
            return make(count)
    return Span(count, count)  # a bare count ("a 200 word essay") is met exactly
