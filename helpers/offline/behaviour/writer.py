"""The instruction writer: one reply that satisfies every parsed instruction at once.

Order of work: plan the structure (sections, paragraphs, bullets, title, postscript, the
repeated request, two answers), fill it with honest sentences about the topic (``filler.py``),
then fit the lengths (words, sentences, characters) by changing how many filler sentences
there are and how long each is, and last enforce word-level rules, case, commas and quotes
(``enforce.py``). ``variant`` (the sampling draw) only changes the filler's wording.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from . import filler, instruction_text as words, instructions, jsonout, topic as topics
from .constraints import (
    Bullets, Forbidden, Highlights, Instructions, Json, Keywords, Language, Length, LetterCount, NoCommas, Numbered, OneOf,
    Paragraphs, Placeholders, Postscript, Quoted, Repeat, Sections, Span, Start, End, Title, TwoAnswers, WordCount,
)
from .enforce import Piece, apply, count_sentences, words_of
from .filler import Avoid
from .text import Prompt

NATURAL = {"en": 10, "zh": 18}  # words (en) or characters (zh) in a filler sentence
#: How many wordings a draw can pick from (the filler cycles its own, shorter lists).
VARIANTS = 997


@dataclass
class Ctx:
    prompt: Prompt | None
    lang: str
    topic: topics.Topic
    found: Instructions
    variant: int
    avoid: Avoid
    visible_marker: bool
    full: bool = False  # full-length filler sentences (only the number of sentences is limited)


def unsupported_language(name: str, lang: str = "en") -> str:
    """The plain note for a language the simulator cannot write, in the prompt's language."""
    if lang == "zh":
        local = words.ZH_NAMES.get(name.lower(), name)
        return f"【离线模拟】模拟器不会写{local}；真实模型会在这里用{local}回答。"
    return f"[Offline simulation] The simulator cannot write {name}; a real model would answer in {name} here."


def _found(prompt: Prompt) -> Instructions:
    steering = [t.text for t in prompt.turns if t.role in ("system", "developer") and t.text]
    return instructions.parse("\n".join([*steering, prompt.last_user]), prompt.last_user)


def shapes_json(prompt: Prompt) -> bool:
    """Whether JSON asked in words comes with other instructions (banned words, a case...) the writer keeps too."""
    found = _found(prompt)
    return bool(found.first(Json)) and any(not isinstance(c, Json) for c in found.items)


def answer(prompt: Prompt, variant: int = 0) -> tuple[str, str] | None:
    """``(reply, marker)`` for a prompt that carries instructions, else None (the template answers).

    ``marker`` is ``text`` when the reply shows the offline marker, ``header`` when it moved out.
    The parser reads the system and developer messages and the latest user message.
    """
    if prompt.images():
        return None  # image prompts keep the described-image answer (vision.py)
    found = _found(prompt)
    if not found:
        return None
    reply = compose(found, prompt.language, variant, prompt.verbosity, prompt)
    return reply, "text" if reply.startswith(filler.MARKERS) else found.marker


def compose(found: Instructions, lang: str, variant: int = 0, verbosity: str = "medium", prompt: Prompt | None = None) -> str:
    """The reply to a prompt whose instructions are ``found`` (``lang``: the prompt's language)."""
    asked = found.first(Language)
    if asked is not None:
        if asked.code not in ("en", "zh"):
            return unsupported_language(asked.name, lang)
        lang = asked.code
    # A word with an upper limit ("less than twice") is left out of the filler; its own line adds the minimum.
    capped = tuple(c.word for c in found.get(WordCount) if c.span.high is not None)
    avoid = Avoid(tuple(w for f in found.get(Forbidden) for w in f.words) + capped,
                  tuple(c.letter for c in found.get(LetterCount) if c.span.high is not None and c.span.high <= 2))
    ctx = Ctx(prompt, lang, topics.of(found.topic_text, lang), found, variant, avoid, found.marker == "text")
    if found.first(Json):
        return _json_reply(ctx)
    return _fit(ctx, _prose_counts(ctx, verbosity))


# --- JSON ---------------------------------------------------------------------------------

def json_value(ctx: Ctx) -> object:
    """The JSON the reply holds: the keys the prompt asks for (a schema, an example, keys named in
    prose: ``jsonout.json_object``), else a generic object about the topic."""
    schema = jsonout.requested_schema(ctx.prompt) if ctx.prompt is not None else None
    banned = {w.lower() for f in ctx.found.get(Forbidden) for w in f.words}
    if schema is not None and not banned & {k.lower() for k in schema.get("properties", {})}:  # a quoted banned word is no key
        return jsonout.json_object(ctx.prompt)
    sentences = [filler.sentence(ctx.lang, None, ctx.topic, ctx.variant + i, ctx.avoid) for i in range(2)]
    answer = ("" if ctx.lang == "zh" else " ").join(sentences + _specials(ctx))
    if ctx.found.first(NoCommas):  # one member: a JSON object with two needs a comma between them
        return {"answer": answer}
    return {"topic": ctx.topic.subject, "answer": answer}


def _json_reply(ctx: Ctx) -> str:
    value = json_value(ctx)
    pieces = [Piece(json.dumps(value, ensure_ascii=False, indent=2))]
    body = apply(pieces, _json_rules(ctx.found), ctx.avoid)
    fenced = ctx.found.first(Json).fenced
    return f"```json\n{body}\n```" if fenced else body


def _json_rules(found: Instructions) -> Instructions:
    """The rules that apply inside JSON text (removing commas or adding quotes would break it)."""
    return Instructions([c for c in found.items if not isinstance(c, (NoCommas, Quoted))], found.topic_text)


# --- structure ----------------------------------------------------------------------------

def _units(found: Instructions) -> int:
    sections = found.first(Sections)
    paragraphs = found.first(Paragraphs)
    return sections.count if sections else paragraphs.count if paragraphs else 1


def _prose_counts(ctx: Ctx, verbosity: str) -> list[int]:
    found = ctx.found
    units = _units(found)
    listed = found.first(Bullets) or found.first(Numbered)
    base = 2 if units > 1 else 3
    if listed and units == 1:
        base = 1 if found.first(Highlights) or _specials(ctx) else 0
    if verbosity == "low":
        base = min(base, 1)
    elif verbosity == "high":
        base += 2
    return [max(base, 1 if units > 1 else base)] * units


def _specials(ctx: Ctx) -> list[str]:
    """Sentences the instructions themselves require (placeholders, keywords, repeated words)."""
    found, lang, out = ctx.found, ctx.lang, []
    placeholders = found.first(Placeholders)
    if placeholders:
        out.append(filler.placeholders(lang, placeholders.count))
    keywords = found.first(Keywords)
    if keywords:
        out.append(filler.keyword_line(lang, list(keywords.words)))
    for counted in found.get(WordCount):
        if counted.span.low:
            out.append(filler.repeat_line(lang, counted.word, counted.span.low))
    for letters in found.get(LetterCount):
        if letters.span.low:
            out.append(filler.letter_line(lang, letters.letter, letters.span.low + 1, ctx.avoid))
    return out


def _highlight(sentence: str, times: int) -> str:
    """``sentence`` with its last ``times`` words (never the first) in *asterisks*."""
    words = sentence.rstrip("。.").split(" ")
    end = sentence[len(sentence.rstrip("。.")):]
    if len(words) == 1:  # Chinese: one run of characters
        return f"{sentence[:2]}*{sentence.rstrip('。.')[2:]}*{end}" if len(sentence) > 3 else sentence
    times = min(times, len(words) - 1)
    for i in range(len(words) - times, len(words)):
        words[i] = f"*{words[i]}*"
    return " ".join(words) + end


def _body(ctx: Ctx, prose: list[int], lengths: list[int], variant: int, specials: list[str]) -> tuple[list[Piece], int]:
    """One answer's pieces, consuming filler lengths; returns (pieces, fillers used)."""
    found, lang = ctx.found, ctx.lang
    zh = lang == "zh"
    join = "" if zh else " "
    sections, paragraphs = found.first(Sections), found.first(Paragraphs)
    listed = found.first(Bullets) or found.first(Numbered)
    highlights = found.first(Highlights)
    prose_total = sum(prose) or 1
    per_sentence = -(-highlights.count // prose_total) if highlights else 0
    left = highlights.count if highlights else 0
    firsts = dict(paragraphs.first_words) if paragraphs else {}
    used = 0
    units: list[str] = []
    for u, count in enumerate(prose):
        sentences = []
        for k in range(count):
            s = filler.sentence(lang, lengths[used], ctx.topic, variant + used, ctx.avoid, ctx.full)
            used += 1
            if left > 0:
                times = min(per_sentence, left)
                s = _highlight(s, times)
                left -= times
            sentences.append(s)
        if u == len(prose) - 1:
            sentences += specials
        if u + 1 in firsts:
            word = firsts[u + 1]
            if found.first(NoCommas) or zh or not sentences:
                # The word as a sentence of its own: "Realising." (a colon would stay part of the first word)
                sentences = [word.capitalize() + ("。" if zh else "."), *sentences]
            else:  # "However, here the answer..." (the comma ends the word as a full stop would)
                head = sentences[0].split(" ", 1)[0].strip("*")
                keep = head in ctx.topic.words  # a name keeps its capital ("However, Paris ...")
                sentences[0] = f"{word.capitalize()}, {sentences[0] if keep else sentences[0][:1].lower() + sentences[0][1:]}"
        text = join.join(sentences)
        if listed and u == 0:
            marker = listed.marker if isinstance(listed, Bullets) else None
            items = []
            for i in range(listed.count):
                s = filler.sentence(lang, lengths[used], ctx.topic, variant + used, ctx.avoid, ctx.full)
                used += 1
                items.append(f"{marker}{s}" if marker else f"{i + 1}. {s}")
            text = "\n".join(([text] if text else []) + items)
        if sections:
            text = sections.label.format(n=u + 1) + "\n" + text
        units.append(text)
    if sections and sections.separator or paragraphs and paragraphs.separator == "***":
        glue = "\n***\n"
    else:
        glue = "\n\n"
    return [Piece(glue.join(units))], used


def _slots(ctx: Ctx, prose: list[int]) -> int:
    listed = ctx.found.first(Bullets) or ctx.found.first(Numbered)
    per_answer = sum(prose) + (listed.count if listed else 0)
    return per_answer * (2 if ctx.found.first(TwoAnswers) else 1)


def _render(ctx: Ctx, prose: list[int], lengths: list[int]) -> str:
    found, lang = ctx.found, ctx.lang
    tight = bool(found.first(Paragraphs)) and found.first(Paragraphs).separator == "\n\n"
    line = "\n" if tight else "\n\n"
    pieces: list[Piece] = []
    repeat = found.first(Repeat)
    if repeat:
        pieces += [Piece(repeat.text, True), Piece(line)]
    start = found.first(Start)
    if start and not (repeat and repeat.text.lower().startswith(start.phrase.lower())):
        pieces += [Piece(start.phrase, True), Piece(" " if lang == "en" else "" if start.phrase[-1:] in "。！？，：；!?,.:;" else "，")]
    one_of = found.first(OneOf)
    if one_of:
        choice = next((o for o in one_of.options if "maybe" in o.lower() or "不确定" in o), one_of.options[0])
        pieces += [Piece(choice, True), Piece(line)]
    if ctx.visible_marker:
        pieces += [Piece(filler.marker_line(lang)), Piece("\n")]
    specials = _specials(ctx)
    answers = 2 if found.first(TwoAnswers) else 1
    used = 0
    for a in range(answers):
        if a:
            pieces.append(Piece("\n******\n"))
        if found.first(Title):
            pieces += [Piece(filler.title(lang, ctx.topic, ctx.variant + 5 * a)), Piece("\n")]
        body, n = _body(ctx, prose, lengths[used:], ctx.variant + 11 * a, specials if a == answers - 1 else [])
        used += n
        pieces += body
    postscript = found.first(Postscript)
    if postscript:
        pieces += [Piece(line), Piece(filler.postscript(lang, postscript.marker))]
    end = found.first(End)
    if end:
        pieces += [Piece(line if not lang == "zh" else ""), Piece(end.phrase, True)]
    return apply(pieces, found, ctx.avoid)


# --- lengths ------------------------------------------------------------------------------

def _spans(ctx: Ctx) -> dict[str, Span]:
    spans = {}
    for length in ctx.found.get(Length):
        unit = "words" if length.unit == "chars" and ctx.lang == "zh" else length.unit
        spans.setdefault(unit, length.span)
    return spans


def _measure(text: str, lang: str) -> dict[str, int]:
    return {"words": words_of(text, lang), "sentences": count_sentences(text), "chars": len(text)}


def _spread(total: int, slots: int) -> list[int]:
    base, extra = divmod(max(total, slots), max(slots, 1))
    return [base + (1 if i < extra else 0) for i in range(slots)]


def _fit(ctx: Ctx, prose: list[int]) -> str:
    spans = _spans(ctx)
    # Without a word or character limit each filler sentence keeps its own length (no padding).
    natural = NATURAL[ctx.lang] if "words" in spans or "chars" in spans else None
    ctx.full = set(spans) == {"sentences"}
    slots = _slots(ctx, prose)
    lengths = [natural] * slots
    text = _render(ctx, prose, lengths)
    if not spans:
        return text
    minimum = [1 if len(prose) > 1 else 0] * len(prose)
    for _ in range(12):
        got = _measure(text, ctx.lang)
        fillers = _slots(ctx, prose)
        sentence_span = spans.get("sentences")
        if sentence_span and not sentence_span.allows(got["sentences"]):
            goal = sentence_span.target(got["sentences"])
            if sentence_span.high is None:
                goal += 1  # one spare above "at least": sentence splitters differ at the edges
            want = goal - got["sentences"]
            prose = _resize(prose, want, minimum)
        else:
            word_span = spans.get("words") or (Span(spans["chars"].low // 6, spans["chars"].high // 6 if spans["chars"].high else None) if "chars" in spans else None)
            have = got["words"] if "words" in spans or ctx.lang == "zh" or "chars" not in spans else got["chars"] // 6
            if word_span is None or word_span.allows(have) and ("chars" not in spans or spans["chars"].allows(got["chars"])):
                return text
            overhead = have - sum(lengths[:fillers])
            goal = word_span.target(have) - overhead
            if word_span.high is not None and "chars" in spans and ctx.lang != "zh" and not spans["chars"].allows(got["chars"]):
                goal -= 1
            per = goal / max(fillers, 1)
            if per > 1.6 * natural and (not sentence_span or sentence_span.allows(got["sentences"] + 1)):
                room = (sentence_span.high - got["sentences"]) if sentence_span and sentence_span.high is not None else 10 ** 6
                prose = _resize(prose, min(-(-goal // natural) - fillers, room, 400), minimum)
            elif per < natural / 2 and fillers > 1 and (not sentence_span or sentence_span.allows(got["sentences"] - 1)):
                floor_room = got["sentences"] - sentence_span.low if sentence_span else fillers
                prose = _resize(prose, -min(fillers - max(-(-goal // natural), 1), floor_room), minimum)
            fillers = _slots(ctx, prose)
            lengths = _spread(goal, fillers)
        lengths = (lengths + [natural] * _slots(ctx, prose))[: _slots(ctx, prose)]
        text = _render(ctx, prose, lengths)
    return text


def _resize(prose: list[int], change: int, minimum: list[int]) -> list[int]:
    """``prose`` with ``change`` more (or fewer) filler sentences, spread from the last unit back."""
    prose = list(prose)
    step = 1 if change > 0 else -1
    i = 0
    for _ in range(abs(change)):
        for _ in range(len(prose)):
            u = len(prose) - 1 - (i % len(prose))
            i += 1
            if step > 0 or prose[u] > minimum[u]:
                prose[u] += step
                break
    return prose
