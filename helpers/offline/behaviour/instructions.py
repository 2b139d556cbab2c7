"""Verifiable instructions in a prompt, parsed into typed constraints (``constraints.py``).

A real model follows an instruction such as "use exactly 3 bullet points", "answer in all
lowercase" or "不少于 200 字"; so must the simulator. :func:`parse` reads the system, developer
and latest user text and returns one constraint per instruction it finds, one rule per kind
with English and Chinese phrasings side by side; an empty result means the prompt asks for no
checkable format, and the reply stays the template (``text.compose_reply``).

Every pattern is compiled once, at import; a request costs one pass of each rule over its
text (no tokenizer). Phrases inside instructions (quoted words, the text to repeat, the
language) are read by ``instruction_text.py``.
"""

from __future__ import annotations

import re

from . import instruction_text as words
from .constraints import (
    NUM, Bullets, CapitalWords, Case, Constraint, End, Forbidden, Highlights, Instructions, Json, Keywords,
    Language, Length, LetterCount, NoCommas, Numbered, OneOf, Paragraphs, Placeholders, Postscript, Quoted,
    Repeat, Sections, Span, Start, Title, TwoAnswers, WordCount, number, span_for,
)

I = re.IGNORECASE
Q = words.QUOTED
REL = (r"((?:at\s+least|no\s+less\s+than|not\s+less\s+than|no\s+fewer\s+than|a\s+minimum\s+of|minimum\s+of|more\s+than|"
       r"over|greater\s+than|above|at\s+most|no\s+more\s+than|not\s+more\s+than|a\s+maximum\s+of|maximum\s+of|up\s+to|"
       r"within|less\s+than|fewer\s+than|under|below|exactly|precisely|just|only|"
       r"至少|不少于|不低于|最少|起码|超过|多于|大于|最多|不超过|不多于|至多|少于|不到|小于|低于|正好|恰好|刚好|整整|只用|仅用)\s*)?")
AFTER = r"(\s*\+|\s+or\s+(?:more|less|fewer|above|greater|under)|\s*(?:以上|或以上|以内|之内|以下|或更多|或更少))?"

# --- counted units ------------------------------------------------------------------------

_RANGE = {unit: re.compile(NUM + r"\s*(?:to|-|–|~|至|到)\s*" + NUM + r"\s*" + pattern + "|" + pattern.replace("(?:", "(?:", 1)
                           + r".{0,40}?(?:range\s+of|between)\s+" + NUM + r"\s*(?:to|and|-|–)\s*" + NUM, I) for unit, pattern in (
    ("words", r"(?:words?\b|个?(?:单词|词))"), ("sentences", r"(?:sentences?\b|个?句)"), ("chars", r"(?:个?(?:汉字|字符|字)(?!母|不差|不改|不漏|一句|未改)|characters?\b)"))}
_COUNT = {unit: re.compile(REL + NUM + AFTER + r"[\s-]*" + pattern + AFTER, I) for unit, pattern in (
    ("words", r"(?:(?:short\s+|long\s+|different\s+)?words?\b|个?(?:单词|词)(?!语))"),
    ("sentences", r"(?:(?:short\s+|long\s+|full\s+|complete\s+)?sentences?\b|个?句(?:话|子)?)"),
    ("chars", r"(?:个?(?:汉字|字符|字)(?!母|不差|不改|不漏|一句|未改)|characters?\b)"))}
_EACH = re.compile(r"(?:each|every|per)\s+(?:\w+\s+){0,4}$|每(?:个|一|句|段|行)?\S{0,3}$", I)
#: "a 5-word title": the count of one part, unlike "a 300+ word essay" (the whole reply).
_ONE = re.compile(r"\b(?:a|one)\s+(?:\w+\s+){0,1}$", I)
_PART = re.compile(r"[\s-]*(?:long\s+|short\s+)?(?:sentence|line|title|heading|headline|phrase|name|slogan|tagline|paragraph|bullet|item)s?\b", I)
_NOT = re.compile(r"\b(?:not|never|no)\s+(?:a\s+|an\s+|one\s+)?$", I)
#: "the total number of words ... should be 250 or more"
_TOTAL_WORDS = re.compile(r"(?:number\s+of\s+words|word\s+count)\b[^.\d]{0,40}?" + REL + NUM + AFTER, I)
_ITEMS = re.compile(NUM + r"\s+(?:\w+\s+){0,2}?(?:items|points|ideas|tips|reasons|ways|examples|things|steps|names|facts|"
                    r"questions|benefits|suggestions|options|features|words|places|books|songs|jokes|rules)\b|"
                    r"(?:列出|给出|写出|列举)\s*" + NUM + r"\s*(?:个|条|点|项|种)", I)


def _counted(text: str, unit: str) -> Span | None:
    found = _RANGE[unit].search(text)
    if found:
        low, high = (found[1], found[2]) if found[1] else (found[3], found[4])
        if number(low) is not None and number(high) is not None:
            return Span(number(low), number(high))
    for match in _COUNT[unit].finditer(text):
        count = number(match[2])
        before = text[max(0, match.start() - 30):match.start()] + (match[1] or "")
        if count is None or _EACH.search(before) or _ONE.search(before) and _PART.match(text, match.end()) or _NOT.search(before):
            continue  # "each sentence has 10 words", "a 5-word title", "not a single word ..." count no reply
        after = (match[3] or "") + (match[4] or "")
        return span_for(match[1] or "", count, after)
    total = _TOTAL_WORDS.search(text) if unit == "words" else None
    if total and number(total[2]) is not None:
        return span_for(total[1] or "", number(total[2]), total[3] or "")
    return None


def _lengths(text: str) -> list[Constraint]:
    found = []
    for unit in ("words", "sentences", "chars"):
        span = _counted(text, unit)
        if span is not None:
            found.append(Length(unit, span))
    return found


# --- structure ----------------------------------------------------------------------------

_JSON = re.compile(r"(?:in|as|into|using|use|with|wrap\w*\s+(?:\w+\s+){0,3}?in|output|return|respond|reply|answer|format\w*)\s+"
                   r"(?:the\s+|a\s+|valid\s+|proper\s+|pure\s+|only\s+)*json\b|\bjson\s+(?:format|block|object|output|only|code)|"
                   r"(?:用|以|输出|返回|格式为?|采用)\s*json|json\s*(?:格式|代码块|对象)", I)
_FENCE = re.compile(r"```|markdown\s+ticks|code\s+block|代码块", I)
_BULLETS = re.compile(REL + NUM + r"\s+(?:\w+\s+){0,2}?bullet(?:\s*-?\s*points?|s)?\b|" + REL + NUM + r"\s*(?:个|条)\s*(?:要点|项目符号|列表项)", I)
_BULLET_WORD = re.compile(r"bullet|项目符号|要点列表|无序列表", I)
_DASH = re.compile(r"(?:use|using|with|用|以)\s*[\"“'‘]?-\s|dash(?:es)?\b|hyphens?\b|[\"“]- [\"”]", I)
_NUMBERED = re.compile(r"numbered\s+(?:list|items|points)|编号|序号|带数字的列表", I)
_PARAGRAPHS = re.compile(REL + NUM + r"[\s-]+(?:\w+\s+)?paragraphs?\b|(?:分(?:成|为)?|写)\s*" + NUM + r"\s*(?:个)?段|" + NUM + r"\s*个?段落", I)
_DIVIDER = re.compile(r"(?<!\*)\*\*\*(?!\*)|markdown\s+divider", I)  # not the ****** between two answers
_DIVIDER_LINE = re.compile(r"^\s*\*\*\*\s*$", re.M)
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
             "ninth": 9, "tenth": 10, "1st": 1, "2nd": 2, "3rd": 3}
_FIRST_WORD = re.compile(r"(?:(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last|final|\d+(?:st|nd|rd|th))\s+paragraph"
                         r"|paragraph\s+(\d+))\s+(?:\w+\s+){0,3}?(?:start|begin)s?\s+with\s+(?:the\s+)?(?:word\s+)?" + words.Q_OR_WORD
                         + r"|(?:start|begin)\s+the\s+(first|second|third|fourth|fifth|sixth|\d+(?:st|nd|rd|th))\s+paragraph\s+with\s+"
                         r"(?:the\s+)?(?:word\s+)?" + words.Q_OR_WORD + r"|第\s*" + NUM + r"\s*段\S{0,4}以\s*" + Q + r"\s*开头"
                         r"|(?:start|begin)\s+paragraph\s+(\d+)\s+with\s+(?:the\s+)?(?:word\s+)?" + words.Q_OR_WORD, I)
_SECTION_LABEL = re.compile(r"\b(SECTION|Section|section|PARAGRAPH|Paragraph|PART|Part|CHAPTER|Chapter|DAY|Day|"
                            r"ACT|Act|SCENE|Scene|VERSE|Verse|STANZA|Stanza)\s+(?:X|N|#|1|\{[^}]{0,4}\}|\[[^\]]{0,4}\])(?![\w])"
                            r"(?!\s+(?:must|should|has\s+to|needs\s+to|will)\b)|"
                            r"\b(?:mark|label|start|begin)\w*\s+(?:[\w-]+\s+){0,7}?with\s+[\"“'‘]?([A-Z][A-Za-z]+)\s+(?:X|N|1)\b|第\s*X\s*部分")
_SECTIONS = re.compile(REL + NUM + r"\s+(?:\w+\s+)?(?:sections?|parts?|chapters?|acts?|scenes?|verses?|stanzas?)\b|"
                       r"(?:分(?:成|为)?)?\s*" + NUM + r"\s*个?(?:部分|章节|小节)", I)
_TITLE = re.compile(r"<<|double\s+angular\s+brackets|《》|双尖括号", I)
_HIGHLIGHT = re.compile(r"highlight|italici[sz]e|italic|高亮|突出显示|强调|标出|加粗", I)
_PLACEHOLDER = re.compile(r"placeholders?|占位符|square\s+brackets", I)
_PPS = re.compile(r"P\.\s?P\.\s?S", I)
_PS = re.compile(r"\bP\.\s?S\b|post\s*-?script|附言", I)
_SENTENCES = re.compile(r"[^.!?。！？\n]*(?:[.!?。！？]+|\n|$)")


def _sentences_with(pattern: re.Pattern, text: str) -> list[str]:
    return [s for s in _SENTENCES.findall(text) if pattern.search(s)]


def _first_count(sentences: list[str], default: int) -> int:
    """The count in ``sentences``: the first with a relation ("at least 3"), else the first bare one.

    A Chinese numeral counts only before a measure word (一封信 holds 一, 至少 3 个 is the count)."""
    for sentence in sentences:
        found = []
        for match in re.finditer(REL + NUM, sentence, I):
            value = number(match[2])
            if value is None or match[2].lower() in ("a", "an", "no"):
                continue
            if re.fullmatch(r"[零一二两三四五六七八九十百千]+", match[2]) and not re.match(r"\s*(?:个|处|条|项|点)", sentence[match.end():]):
                continue
            found.append((not match[1], span_for(match[1] or "", value).target(value)))
        if found:
            return min(found, key=lambda f: f[0])[1]
    return default


def _structure(text: str) -> list[Constraint]:
    found: list[Constraint] = []
    if _JSON.search(text):
        found.append(Json(bool(_FENCE.search(text))))
    labels = [a or b or "第X部分" for a, b in _SECTION_LABEL.findall(text)]
    sections = _SECTIONS.search(text)
    paragraphs = _PARAGRAPHS.search(text)
    if labels:
        count = number(sections[2] or sections[3]) if sections else None
        if count is None and paragraphs:
            count = number(paragraphs[2])
        if count is None:  # an example shows them: "Part 1 ... *** ... Part 3"
            shown = [int(n) for n in re.findall(rf"\b{re.escape(labels[0])}\s+(\d{{1,2}})\b", text)]
            count = max([*shown, len(_DIVIDER_LINE.findall(text)) + 1]) if shown else None
        label = "第{n}部分" if "第" in labels[0] else labels[0] + " {n}"
        divided = "***" if _DIVIDER.search(text) else ""
        found.append(Sections(max(count or 2, 1), label, divided))
    elif sections and _DIVIDER.search(text) and not paragraphs:
        found.append(Paragraphs(number(sections[2] or sections[3]) or 2, "***"))
    elif _DIVIDER.search(text) and not paragraphs:
        # "Separate the parts with ***" and an example: as many parts as the example shows, or as
        # the items asked for ("the first 5 steps"), at least two.
        items = _ITEMS.search(text)
        count = max(len(_DIVIDER_LINE.findall(text)) + 1, (number(items[1] or items[2]) or 0) if items else 0, 2)
        found.append(Paragraphs(count, "***"))
    if paragraphs and not labels:
        count = number(paragraphs[2] or paragraphs[3] or paragraphs[4] or "") or 2
        firsts = []
        for m in _FIRST_WORD.finditer(text):
            where = m[1] or m[2] or m[4] or m[6] or m[8] or ""
            index = _ORDINALS.get(where.lower()) or (int(re.sub(r"\D", "", where)) if re.search(r"\d", where) else number(where))
            index = count if where.lower() in ("last", "final") else index
            word = m[3] or m[5] or m[7] or m[9]
            if index and word:
                firsts.append((index, word.split()[0].lower()))
        separator = "***" if _DIVIDER.search(text) and not firsts else "\n\n"
        found.append(Paragraphs(count, separator, tuple(firsts)))
    bullets = _BULLETS.search(text)
    if bullets or _BULLET_WORD.search(text):
        if bullets:
            value = number(bullets[2] or bullets[4])
            rel = bullets[1] or bullets[3] or ""
            count = span_for(rel, value).target(value) if value is not None else 3
        else:
            items = _ITEMS.search(text)
            count = (number(items[1] or items[2]) if items else None) or 3
        found.append(Bullets(max(count, 0), "- " if _DASH.search(text) else "* "))
    elif _NUMBERED.search(text):
        items = _ITEMS.search(text)
        found.append(Numbered((number(items[1] or items[2]) if items else None) or 3))
    if _TITLE.search(text):
        found.append(Title())
    highlight = [s for s in _sentences_with(_HIGHLIGHT, text) if not re.search(r"capital|caps|大写", s, I)]
    if highlight:
        found.append(Highlights(_first_count(highlight, 1)))
    placeholder = _sentences_with(_PLACEHOLDER, text)
    if placeholder:
        found.append(Placeholders(_first_count(placeholder, 1)))
    if _PPS.search(text):
        found.append(Postscript("P.P.S"))
    elif _PS.search(text):
        found.append(Postscript("P.S."))
    return found


# --- wording ------------------------------------------------------------------------------

_LOWER = re.compile(r"lower\s*-?\s*case|lowercased|no\s+capital\s+letters|without\s+(?:using\s+)?(?:any\s+)?capital|"
                    r"not\s+(?:contain|use|include|have)\s+any\s+capital|no\s+capitali[sz]ations?|全部?(?:用)?小写|只用小写|全小写", I)
_UPPER = re.compile(r"all\s+capital\s+letters|all\s+caps\b|all\s+upper\s*-?case|(?:only|entirely)\s+(?:use\s+|in\s+)?capital\s+letters|"
                    r"capital\s+letters\s+only|in\s+capital\s+letters|upper\s*-?case\s+letters|no\s+lower\s*-?case\s+letters|"
                    r"capitali[sz]e\s+(?:all|every|each)\s+(?:of\s+)?(?:your\s+|the\s+)?(?:words?|letters?)|letters.{0,40}?(?:should|must)\s+be\s+capitali[sz]ed|"
                    r"全部?(?:用)?大写|只用大写|全大写", I)
_CAPITAL_WORDS = re.compile(r"(?:words?|单词)\b.{0,40}?(?:capital|caps|upper\s*-?case|大写)|(?:capital|caps|大写).{0,30}?(?:words?|单词)", I)
_TIMES = re.compile(REL + r"(?:(?:出现|提到|使用|用到|用)\s*)?" + NUM + AFTER + r"\s*(?:times?|次)|"
                    + REL + r"(only\s+)?(once|twice|thrice)\b(\s+or\s+(?:less|fewer|more))?", I)
_NO_COMMAS = re.compile(r"\bno\s+commas?\b|(?:not|n't|never|without|avoid|refrain\s+from)\s+(?:\w+\s+){0,4}?commas?\b|"
                        r"commas?\s+(?:are|is)\s+not\s+allowed|(?:不要|不能|不得|避免|别|不许|禁止|无|不)(?:使用|用|出现|包含|含有|带)?(?:任何)?逗号", I)
_TWO = re.compile(r"\*{6}|(?:6|six)\s+asterisk", I)


def _times(fragment: str) -> Span | None:
    match = _TIMES.search(fragment)
    if not match:
        return None
    if match[6]:  # "once", "less than twice", "at most once", "once or less"
        value = number(match[6])
        if match[5]:
            return Span(value, value)
        return span_for(match[4] or "", value, match[7] or "") if match[4] or match[7] else Span(value)
    value = number(match[2])
    return None if value is None else span_for(match[1] or "", value, match[3] or "")


def _capital_span(sentences: list[str]) -> Span | None:
    """How many all-capital words the sentences about them allow ("less than 4", "at least 10 times")."""
    for sentence in sentences:
        span = _times(sentence)
        ranged = re.search(NUM + r"\s*(?:to|-|–|and)\s*" + NUM, sentence, I)
        if span is None and ranged and number(ranged[1]) is not None and number(ranged[2]) is not None:
            span = Span(number(ranged[1]), number(ranged[2]))
        if span is None:
            counted = re.search(REL + NUM, sentence[_CAPITAL_WORDS.search(sentence).start():], I)
            value = number(counted[2]) if counted and counted[1] else None
            span = span_for(counted[1], value) if value is not None else None
        if span is not None:
            # Asked to limit them, a real model still uses a few: at least one when one is allowed.
            return Span(1, span.high) if span.low == 0 and span.high else span
    return None


def _case(text: str) -> list[Constraint]:
    found: list[Constraint] = []
    about_capitals = [s for s in _SENTENCES.findall(text) if _CAPITAL_WORDS.search(s)]
    span = _capital_span(about_capitals)
    rest = text
    if span is not None:
        found.append(CapitalWords(span))
        for sentence in about_capitals:
            rest = rest.replace(sentence, " ")
    if _UPPER.search(rest):  # first: "all capital letters, no lowercase letters" names lowercase too
        found.append(Case("upper"))
    elif _LOWER.search(rest):
        found.append(Case("lower"))
    return found


def _counts(text: str) -> list[Constraint]:
    found: list[Constraint] = []
    for word, fragment in words.counted_words(text):
        span = _times(fragment)
        if span is not None:
            found.append(WordCount(word, span))
    for letter, fragment, negated in words.counted_letters(text):
        span = Span(0, 0) if (negated or re.search(r"anywhere|at\s+all|任何地方", fragment, I)) and not _TIMES.search(fragment) else _times(fragment)
        if negated and span is not None and span.high is None:  # "avoid the letter i more than twice": at most 2
            span = Span(0, max(span.low - 1, 0))
        if span is not None:
            found.append(LetterCount(letter.lower(), span))
    return found


def parse(text: str, user_text: str) -> Instructions:
    """Every instruction in ``text`` (all system, developer and user text)."""
    items: list[Constraint] = []
    items += _structure(text)
    items += _lengths(text)
    items += _case(text)
    items += _counts(text)
    counted = {c.word.lower() for c in items if isinstance(c, WordCount)}
    include, avoid = words.keywords(text)
    include = tuple(w for w in include if w.lower() not in counted)
    # Each phrase-valued rule: (what it found, the constraint it becomes); nothing found, no constraint.
    found = ((include, Keywords), (avoid, Forbidden), (_NO_COMMAS.search(text), lambda _: NoCommas()),
             (words.start_phrase(text), Start), (words.end_phrase(text), End),
             (words.wants_quotes(text), lambda _: Quoted()), (words.repeat_target(user_text), Repeat),
             (_TWO.search(text), lambda _: TwoAnswers()), (words.language(text), lambda lang: Language(*lang)),
             (words.options(text), OneOf))
    items += [make(value) for value, make in found if value]
    return Instructions(items, words.topic_text(user_text) if items else user_text)
