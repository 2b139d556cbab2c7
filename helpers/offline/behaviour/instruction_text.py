"""Phrases inside instructions: quoted words, word lists, the text to repeat, the language asked for.

Used by ``instruction_rules.py``; English and Chinese patterns side by side, compiled once.
"""

from __future__ import annotations

import re

from .text import has_han

I = re.IGNORECASE
#: One quoted phrase, in straight, curly or corner quotes; a single quote only when it is not an apostrophe.
QUOTED = r"(?:(?<![A-Za-z])['‘]|[\"“「『])([^\"”」』’\n]{1,300}?)(?:[\"”」』’]|'(?![A-Za-z]))"
_QUOTED = re.compile(QUOTED)
#: A single word, quoted or not.
Q_OR_WORD = r"[\"“'‘「]?([^\s\"“”'‘’「」.,!?;:，。；：]+)[\"”'’」]?"
_NEGATION = re.compile(r"(?:do\s+not|don't|dont|does\s+not|doesn't|never|without|avoid|refrain\s+from|not|no|cannot|can't|"
                       r"不要|不能|避免|别|不得|禁止|不许|不可以|切勿|不准|不)\s*(?:\w+\s+){0,3}$", I)
_INCLUDE = re.compile(r"\b(?:include|including|includes|contain|containing|contains|use|using|mention|mentioning|has|have|feature|"
                      r"say|saying|said|write)\s+(?:the\s+|these\s+|any\s+of\s+the\s+|any\s+)?(?:following\s+)?"
                      r"(?:key\s*words?|words?|terms?|phrases?|items?)\s*:?\s*|\bwith\s+(?:these|the\s+following)\s+(?:key\s*words?|words?|terms?)\s*:?\s*|"
                      r"\b(?:include|mention|mentioning|contain|say|use)\s+(?:the\s+)?(?:line|phrase|sentence|word|term|name)?\s*(?=[\"“'‘])|"
                      r"(?:包含|包括|含有|提到|用到|使用|出现|说)(?:以下|这些)?(?:关键词|关键字|词语|单词|词)?\s*[:：]?\s*", I)
_AVOID = re.compile(r"\b(?:without|avoid|refrain\s+from)\s+(?:using|mentioning|saying|including|the\s+use\s+of)?\s*(?:the\s+|any\s+)?"
                    r"(?:following\s+)?(?:key\s*words?|words?|terms?)?\s*:?\s*(?=[\"“'‘\w])", I)
_AFTER_AVOID = re.compile(r"\b(?:the\s+)?(?:key)?words?\s+((?:[\"“'‘]?[\w-]+[\"”'’]?(?:\s*,\s*|\s+and\s+|\s+or\s+)?){1,6}?)\s+"
                          r"(?:should|must|can|may|will|are\s+to|is\s+to)\s*(?:not|n't|never)\b|"
                          r"([\"“「][^\"”」\n]{1,30}[\"”」])(?:这个词|一词|等词)?\s*(?:不要|不能|不得|不可以)出现", I)
_LIST_END = re.compile(r"[.;!?\n。；！？]|\s(?:in|throughout|anywhere|at\s+least|at\s+most|for\s+at|more\s+than|less\s+than|"
                       r"should|must|within|from|when|because|so|but|to|as)\b|\s[—–-]{1,2}\s|，(?=[^“”\"]*$)", I)
_SPLIT = re.compile(r"\s*(?:,|，|、|\band\b|\bor\b|\bnor\b|和|或|与|及)\s*", I)


def _items(segment: str) -> list[str]:
    """The words of a list: quoted ones if any, else the single words between commas and "and"."""
    quoted = _QUOTED.findall(segment)
    if quoted:
        return [q.strip() for q in quoted if q.strip() and len(q) <= 40]
    end = _LIST_END.search(segment)
    segment = segment[: end.start()] if end else segment
    out = []
    for part in _SPLIT.split(segment):
        part = part.strip(" .:'\"“”‘’()[]")
        if part and len(part.split()) == 1 and re.fullmatch(r"[\w'-]+", part) and part.lower() not in ("the", "a", "an", "any", "words", "word"):
            out.append(part)
    return out


def _clause(text: str, start: int) -> str:
    """From ``start`` to the end of the sentence; a full stop inside quotes does not end it."""
    rest = text[start:start + 300]
    inside = False
    for i, ch in enumerate(rest):
        if ch in "\"“”「」":
            inside = not inside if ch == '"' else ch in "“「"
        elif not inside and (ch in ";!?\n。；！？" or ch == "." and (i + 1 == len(rest) or rest[i + 1].isspace())):
            return rest[:i]
    return rest


_NOT_WORDS = frozenset(("comma", "commas", "capital", "capitals", "capitalization", "capitalisation", "letters", "punctuation"))


def keywords(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(words to include, words to avoid) named in ``text``."""
    include: list[str] = []
    avoid: list[str] = []
    for m in _INCLUDE.finditer(text):
        segment = re.split(r",?\s+but\s+|[，,]\s*但", _clause(text, m.end()), maxsplit=1)[0]  # "do not use X, but mention Y"
        found = _items(segment) if _QUOTED.match(segment.lstrip()) or m.group(0).strip().endswith((":", "：")) or re.search(
            r"words?|terms?|关键|词", m.group(0), I) else []
        negated = _NEGATION.search(text[max(0, m.start() - 40):m.start()])
        (avoid if negated else include).extend(found)
    for m in _AVOID.finditer(text):
        avoid.extend(_items(_clause(text, m.end())))
    for m in _AFTER_AVOID.finditer(text):
        avoid.extend(_items(m[1] or m[2]))
    avoid = [w for w in avoid if w.lower() not in _NOT_WORDS]  # "without commas" is a punctuation rule
    avoid_set = {w.lower() for w in avoid}
    include = [w for w in include if w.lower() not in avoid_set]
    return tuple(dict.fromkeys(include)), tuple(dict.fromkeys(avoid))


_WORD_COUNT = re.compile(r"\b(?:word|keyword|name|term)s?\s+(?:of\s+)?" + Q_OR_WORD + r"|" + r"([\"“「][^\"”」\n]{1,20}[\"”」])\s*(?:这个词|一词|这个关键词|这个字)?(?=[^。；\n]{0,12}次)", I)
_LETTER = re.compile(r"\bletters?\s+" + Q_OR_WORD + r"|字母\s*" + Q_OR_WORD, I)
_STOP_FRAGMENT = re.compile(r"\b(?:word|keyword|letter)s?\b|[.;\n。；]|,\s*and\b", I)


def _fragment(text: str, at: int) -> str:
    rest = text[at:at + 80]
    stop = _STOP_FRAGMENT.search(rest)
    return rest[: stop.start()] if stop else rest


def counted_words(text: str) -> list[tuple[str, str]]:
    """(word, the words after it) for each "the word X ... N times"."""
    found = []
    for m in _WORD_COUNT.finditer(text):
        word = (m[1] or m[2] or "").strip("\"“”「」")
        quoted = bool(re.search(r"[\"“「']", m.group(0)))  # 'the word "the"' counts "the"
        if word and (quoted or word.lower() not in ("with", "in", "that", "the", "a", "should", "must", "count")):
            found.append((word, _fragment(text, m.end())))
    return found


def counted_letters(text: str) -> list[tuple[str, str, bool]]:
    """(letter, the words after it, negated) for each "the letter x ... N times" ("avoid the letter x...": negated)."""
    found = []
    for m in _LETTER.finditer(text):
        letter = m[1] or m[2] or ""
        if len(letter) == 1 and letter.isalpha():
            found.append((letter, _fragment(text, m.end()), bool(_NEGATION.search(text[max(0, m.start() - 40):m.start()]))))
    return found


_START = re.compile(r"\b(?:start|begin)s?\s+(?:your\s+|the\s+|my\s+|its\s+)?(?:entire\s+|whole\s+)?(?:response|answer|reply|output|essay|"
                    r"poem|story|letter|email|post|text|message|biography|speech)?\s*(?:with|by)\s+(?:the\s+)?(?:exact\s+)?"
                    r"(?:word|phrase|sentence|words|line|letter)?s?\s*:?\s*" + QUOTED + r"|以\s*" + QUOTED + r"\s*(?:作为)?开头|"
                    r"开头(?:必须|要|应该|应)?(?:是|为|写)\s*" + QUOTED + r"|第一句(?:话)?(?:必须|要|应该)?(?:是|为)\s*" + QUOTED, I)
_END = re.compile(r"\b(?:end|finish|conclude|close)s?\s+(?:\w+\s+){0,4}?with\s+(?:the\s+|this\s+|a\s+)?(?:exact(?:ly)?\s+)?(?:phrase|sentence|words?|"
                  r"question|line)?\s*(?:of\s+)?:?\s*" + QUOTED + r"|(?:very\s+)?last\s+(?:sentence|line|words?)\s+(?:of\s+(?:your|the)\s+\w+\s+)?"
                  r"(?:should|must)\s+be\s*:?\s*" + QUOTED + r"|\bend\s+of\s+(?:your\s+)?(?:entire\s+|whole\s+)?(?:response|answer|reply)\s+"
                  r"(?:should|must)\s+(?:read|be)\s*(?:exactly\s+)?(?:like\s*)?:?\s*" + QUOTED + r"|"
                  r"\bno\s+(?:other|additional|more|further)\s+words?\s+should\s+follow\s+(?:the\s+phrase\s+)?" + QUOTED + r"|以\s*" + QUOTED + r"\s*(?:作为)?(?:结尾|结束|收尾)|"
                  r"(?:结尾|最后一句(?:话)?)(?:必须|要|应该|应)?(?:是|为|写)\s*" + QUOTED, I)
_END_BARE = re.compile(r"(?:\b(?:end|finish)\s+(?:\w+\s+){0,4}?with\s*(?:this\s+|the\s+)?(?:exact\s+phrase\s*:?|(?:exact\s+)?(?:phrase|question|sentence|words)?\s*:)"
                       r"|\bend\s+of\s+(?:your\s+)?(?:entire\s+|whole\s+)?(?:response|answer|reply)\s+(?:should|must)\s+(?:read|be)\s*(?:exactly\s+)?(?:like\s*)?:)"
                       r"\s*([^\n\"“]{2,120}?[.!?]?)\s*(?=No other|$|\n)", I)


def start_phrase(text: str) -> str | None:
    for m in _START.finditer(text):
        # "start each section with", "每部分以…开头": a label for every part, not the reply's start
        if not re.search(r"paragraph|段|\beach\b|\bevery\b|每", text[max(0, m.start() - 40):m.start()], I):
            return next(g for g in m.groups() if g).strip()
    return None


def end_phrase(text: str) -> str | None:
    m = _END.search(text)
    if m:
        return next(g for g in m.groups() if g).strip()
    m = _END_BARE.search(text)
    return m[1].strip() if m else None


_QUOTES = re.compile(r"double\s+quot\w*(?:\s+marks?)?\s+(?:\w+\s+){0,4}?(?:around|wrap\w*|enclos\w*|surround\w*)\s+(?:\w+\s+){0,3}(?:response|answer|output|reply)|(?:wrap|put|enclose|surround|place)\w*\s+(?:[\w']+\s+){0,5}?(?:in|with|inside|within|between|around)?\s*(?:\w+\s+){0,2}?"
                     r"double\s+quot|double\s+quot\w*(?:\s+marks?)?\s+(?:around|on)\s+(?:\w+\s+){0,3}(?:response|answer|output|reply)|"
                     r"(?:用|以)双引号(?:把|将)?(?:整个|全部|整篇)?|双引号(?:把|将)?(?:整个|全部)(?:回答|回复)?(?:括|包)", I)


def wants_quotes(text: str) -> bool:
    return bool(_QUOTES.search(text))


_REPEAT = re.compile(r"\brepl?eat\s+(?:the\s+|this\s+|my\s+|your\s+|all\s+(?:the\s+)?)?(?:(?:exact|following|whole|entire|original|full)[\s,]+)*"
                     r"(request|sentence|question|prompt|first\s+line|instruction|text|query)s?(?:\s+(above|below))?|\brepeat\s+" + QUOTED + r"|"
                     r"(?:逐字|原样|一字不差地?|原封不动地?)\s*(?:重复|复述)|先(?:逐字)?重复", I)


def repeat_target(user_text: str) -> str | None:
    """The text to say first when the prompt asks to repeat the request, else None."""
    m = _REPEAT.search(user_text)
    if not m:
        return None
    if m[3]:
        return m[3].strip()
    if m[1] and m[1].lower().startswith("first"):
        return user_text.strip().splitlines()[0].strip()
    # "..., then answer: <request>" / "……，再回答：<请求>": the request follows a colon on the same line
    same_line = user_text[m.end():].split("\n", 1)[0]
    named = re.search(r"(?:answer|respond|reply|request|question|prompt|task|回答|请求|问题|作答)\s*[:：]\s*(\S.*)$", same_line, I)
    if named and not _QUOTED.search(same_line[: named.start()]):
        return named[1].strip()
    # The instruction's paragraph (up to a blank line), or its line when there is no blank line.
    para_start = user_text.rfind("\n\n", 0, m.start())
    line_start = para_start + 2 if para_start >= 0 else user_text.rfind("\n", 0, m.start()) + 1
    cut = re.search(r"\n\s*\n", user_text[m.end():]) or re.search(r"\n", user_text[m.end():])
    line_end = m.end() + cut.start() if cut else len(user_text)
    before, after = user_text[:line_start].strip(), user_text[line_end:].strip()
    if m[2] and m[2].lower() == "below" or (not before and after):
        return after or None
    if not before:  # the instruction shares a line with the request: keep the sentences before it
        head = user_text[: m.start()]
        head = re.sub(r"(?:first|before\s+you\s+\w+\s+it|in\s+this\s+task|先|请先)[\s,，:]*$", "", head.strip(), flags=I).strip()
        # ... or the request after it: "..., then give your answer (notes) Write a blurb."
        tail = re.search(r"\b(?:answer|respond|reply)\b[^\w(]*(?:\([^)]*\))?[\s.:]*([A-Z].*)$", re.sub(r"\s+", " ", same_line))
        return head or (tail[1].strip() if tail else None)
    return before


LANGUAGES = {
    "english": "en", "chinese": "zh", "mandarin": "zh", "french": "fr", "spanish": "es", "german": "de", "italian": "it",
    "portuguese": "pt", "russian": "ru", "japanese": "ja", "korean": "ko", "arabic": "ar", "hindi": "hi", "bengali": "bn",
    "bangla": "bn", "urdu": "ur", "punjabi": "pa", "marathi": "mr", "gujarati": "gu", "tamil": "ta", "telugu": "te",
    "kannada": "kn", "malayalam": "ml", "nepali": "ne", "persian": "fa", "farsi": "fa", "turkish": "tr", "vietnamese": "vi",
    "thai": "th", "swahili": "sw", "polish": "pl", "dutch": "nl", "swedish": "sv", "finnish": "fi", "greek": "el",
    "hebrew": "he", "ukrainian": "uk", "bulgarian": "bg", "indonesian": "id", "malay": "ms", "czech": "cs", "danish": "da",
    "norwegian": "no", "romanian": "ro", "hungarian": "hu", "tagalog": "tl", "amharic": "am",
}
_ZH_LANGUAGES = {"英文": "english", "英语": "english", "中文": "chinese", "汉语": "chinese", "日语": "japanese", "日文": "japanese",
                 "法语": "french", "法文": "french", "韩语": "korean", "韩文": "korean", "德语": "german", "德文": "german",
                 "西班牙语": "spanish", "俄语": "russian", "俄文": "russian", "意大利语": "italian", "葡萄牙语": "portuguese",
                 "阿拉伯语": "arabic", "越南语": "vietnamese", "泰语": "thai"}
#: The Chinese name of a language, for notes to a Chinese prompt (the first listed above).
ZH_NAMES = {english: chinese for chinese, english in reversed(list(_ZH_LANGUAGES.items()))}
_NAMES = "|".join(LANGUAGES)
_LANGUAGE = re.compile(r"\b(?:in|into|using|use|only|entirely|speak|write|respond|answer|reply)\s+(?:only\s+|entirely\s+|the\s+|fluent\s+|"
                       r"proper\s+|plain\s+|simple\s+)*(" + _NAMES + r")\b(?!\s+(?:style|peninsula|food|cuisine|history|culture|people|"
                       r"person|dynasty|empire|nation|government|king|queen|man|woman|word|words|names?|city|town|restaurant|sentence|"
                       r"phrase|text|poem|song|and\s+in\s+all|translation))|\b(" + _NAMES + r")\s+language\b", I)
_ZH_LANGUAGE = re.compile(r"(?:用|以|使用|请用|全部用|只用)\s*(" + "|".join(_ZH_LANGUAGES) + r")\s*(?:来)?(?:回答|回复|作答|写|输出|书写|表达)|"
                          r"(?:回答|回复)(?:请)?(?:使用|用)\s*(" + "|".join(_ZH_LANGUAGES) + r")")


def language(text: str) -> tuple[str, str] | None:
    """(ISO code, English name) of the language the reply must be in, or None."""
    m = _ZH_LANGUAGE.search(text)
    name = _ZH_LANGUAGES[m[1] or m[2]] if m else None
    if name is None:
        m = _LANGUAGE.search(text)
        name = (m[1] or m[2]).lower() if m else None
    return (LANGUAGES[name], name.capitalize()) if name else None


_OPTIONS = re.compile(r"(?:choose|pick|select)\b.{0,30}?(?:from|one\s+of)|(?:answer|respond|reply)\s+(?:only\s+)?with\s+(?:exactly\s+)?one\s+of|"
                      r"one\s+of\s+the\s+following|following\s+options|(?:从|在)(?:以下|下列)[^。\n]{0,8}中选", I)


def options(text: str) -> tuple[str, ...]:
    """The fixed phrases a reply must pick one of ("My answer is yes.", ...), when offered as a list."""
    m = _OPTIONS.search(text)
    if not m:
        return ()
    segment = text[m.end():m.end() + 300]
    found = [q.strip() for q in re.findall(r"[\"“”'‘]([^\"“”'‘’\n]{3,80}?)[\"“”'’]", segment) if len(q.split()) >= 2]
    if len(found) < 2:  # one option per line
        found = [ln.strip(" -*•\t") for ln in segment.splitlines()[1:] if 2 <= len(ln.split()) <= 10]
    return tuple(found) if len(found) >= 2 else ()


_CUE = re.compile(r"\b(?:words?|sentences?|paragraphs?|bullets?|sections?|titles?|highlight\w*|italic\w*|placeholders?|postscript|"
                  r"lower\s*case|capital\w*|caps|upper\s*case|start|begin|end|finish|quot\w+|keywords?|include|mention|commas?|"
                  r"repeat|asterisks?|language|json|letters?|markdown|respond|response|answer|reply|format|wrap\w*|divider|"
                  r"separate\w*|appear\w*|times|avoid|refrain)\b|P\.\s?S|\*|<<|字|句|段|要点|标题|突出|高亮|占位|附言|小写|大写|开头|结尾|"
                  r"引号|关键词|包含|不要|避免|出现|逗号|重复|分隔|回答|格式", I)
_SENTENCE = re.compile(r"[^.!?。！？\n，,；;：]+[.!?。！？，,；;：]*")


def topic_text(user_text: str) -> str:
    """The request without its instruction sentences (what the reply is about).

    The first sentence stays (it is usually the request itself; the topic reader drops the
    instruction words), then every later sentence that carries no instruction.
    """
    sentences = [s.strip() for s in _SENTENCE.findall(user_text) if len(re.findall(r"[A-Za-z]{2,}|[\u4e00-\u9fff]", s)) >= 2]
    if not sentences:
        return user_text
    later = [s for s in sentences[1:] if not _CUE.search(s)]
    if later and _CUE.search(sentences[0]) and has_han(user_text):
        return " ".join(later)  # "用英文回答，全部小写：介绍巴黎。": the request follows its instructions
    return " ".join([sentences[0], *later])
