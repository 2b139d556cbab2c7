"""Label answers: a conversation that asks for one of a few labels gets exactly one label.

A real model, shown labelled examples or told "answer only with A, B or C", replies with the
bare label. So does the simulator. Where the labels come from:

* **few-shot turns**: at least two user/assistant pairs before the last user message whose
  assistant turns are short labels (at most three words, or eight Chinese characters); without
  an instruction naming the labels they must also be bare (at most two words, no sentence
  punctuation), so a short chat ("Hello!", "Fine, thanks.") is not taken for a labelling task;
* **labelled lines** in one message: ``Text: ... / Sentiment: positive`` blocks ending in a
  field left empty (``Sentiment:``), the labels being the values given before;
* **an instruction**: "answer only with A, B or C", "Respond with one word: yes or no",
  "Classify as X or Y", "one of: A, B, C", "只回答“正面”“负面”或“中性”".

Which label (a documented, deterministic rule):

1. with labelled examples, the label of the example nearest to the query, by cosine of the
   simulator's own embeddings (:func:`nearest`, the only place that calls
   ``vectors.embed``; the rule holds for lexical vectors and for a real model alike);
2. without examples, for a sentiment-like label set (positive/negative/neutral, 正面/负面/中性,
   yes/no...), a small zh/en polarity lexicon: more positive than negative cue words gives
   the positive label, more negative the negative one, a tie the neutral label if there is
   one, else the first label;
3. otherwise the first label the prompt mentions.

The label is returned exactly as the prompt spelled it (case included).
"""

from __future__ import annotations

import re

from . import vectors
from .text import Prompt, has_han

_DIMS = 256
_QUOTED = re.compile(r"[“\"'「『‘]([^”\"'」』’\n]{1,20})[”\"'」』’]")
_SEP = r"(?:,\s*(?:or\s+)?|\s+or\s+|\s*/\s*|\s*\|\s*)"
_WORD = r"[A-Za-z][\w-]{0,19}"
_EN_LIST = re.compile(
    rf"(?:answer|reply|respond|classify|label|output|return)\b[^.\n]{{0,40}}?"
    rf"(?:only\s+with|with\s+(?:only\s+)?(?:one\s+word|a\s+single\s+word|one\s+of)|as|one\s+of|either)"
    rf"\s*:?\s*((?:{_WORD}{_SEP}){{1,6}}{_WORD})",
    re.IGNORECASE,
)
_ZH_CUE = re.compile(r"(?:只|仅)(?:回答|回复|输出|返回)|(?:分类|归类|判断)为|(?:回答|输出)(?:其中)?之一|从[^。\n]{0,10}中选")
_FIELD = re.compile(r"^\s*([A-Za-z\u4e00-\u9fff][\w\u4e00-\u9fff ]{0,19})\s*[:：]\s*(.*)$")

_POSITIVE = {"positive", "yes", "true", "good", "正面", "积极", "是", "好评", "正向", "pos"}
_NEGATIVE = {"negative", "no", "false", "bad", "负面", "消极", "否", "差评", "负向", "neg"}
_NEUTRAL = {"neutral", "mixed", "中性", "中立", "一般"}
# Chinese cues are counted as substrings, so a one-character cue must not hide in common words:
# 快 is in 快递 (delivery) and 慢 in 慢慢 (gradually); the speed cues are written as phrases.
_POS_CUES = ("love", "great", "excellent", "good", "happy", "wonderful", "amazing", "best", "like", "enjoy",
             "喜欢", "好", "棒", "满意", "开心", "推荐", "赞", "不错", "优秀", "很快")
_NEG_CUES = ("hate", "terrible", "awful", "bad", "worst", "broken", "disappoint", "poor", "slow", "angry",
             "讨厌", "差", "糟", "失望", "坏", "太慢", "很慢", "难用", "退货", "生气", "垃圾", "压扁", "破损", "裂")


def nearest(query: str, candidates: list[str]) -> int:
    """Index of the candidate whose embedding is closest (cosine) to ``query``'s; ties: the first.

    The one call into ``vectors.embed``: whatever engine it runs, only the ranking is used.
    """
    rows = vectors.embed([query, *candidates], _DIMS)
    scores = rows[1:] @ rows[0]
    return int(max(range(len(candidates)), key=lambda i: (round(float(scores[i]), 6), -i)))


def _short(text: str) -> bool:
    text = text.strip()
    if not text or "\n" in text:
        return False
    if has_han(text):
        return len(text) <= 8
    return len(text.split()) <= 3 and len(text) <= 30


def _bare(label: str) -> bool:
    """A label as a labelling task writes it: at most two words, no sentence punctuation."""
    return len(label.split()) <= 2 and not re.search(r"[.!?,;。！？，；…]", label)


def _instructed(text: str) -> list[str]:
    """Labels an instruction names, in the order given (empty when none)."""
    for line in text.splitlines():
        if _ZH_CUE.search(line):
            found = _QUOTED.findall(line[_ZH_CUE.search(line).start():])
            if len(found) >= 2:
                return _unique(found)
        match = _EN_LIST.search(line)
        if match:
            quoted = _QUOTED.findall(match.group(0))
            words = quoted if len(quoted) >= 2 else re.split(_SEP, match.group(1))
            words = [w.strip(" .") for w in words if w.strip(" .")]
            if len(words) >= 2:
                return _unique(words)
    return []


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(i.strip() for i in items if i.strip()))


def _fewshot(prompt: Prompt) -> list[tuple[str, str]]:
    """(user text, assistant label) pairs before the last user turn, when all answers are short."""
    turns = [t for t in prompt.turns if t.role in ("user", "assistant")]
    if len(turns) < 5 or turns[-1].role != "user":
        return []
    pairs = [(a.text, b.text.strip()) for a, b in zip(turns[:-1], turns[1:-1])
             if a.role == "user" and b.role == "assistant"]
    if len(pairs) < 2 or not all(_short(label) for _, label in pairs):
        return []
    return pairs


def _lines(text: str) -> tuple[list[tuple[str, str]], str] | None:
    """Labelled-line examples in one message: ([(example text, label)], query) or None."""
    rows = [m.groups() for m in map(_FIELD.match, text.splitlines()) if m]
    if len(rows) < 3 or rows[-1][1].strip():
        return None
    field = rows[-1][0].strip()
    examples, last_text = [], ""
    for key, value in rows:
        if key.strip() == field:
            if value.strip():
                if not _short(value):
                    return None
                examples.append((last_text, value.strip()))
        else:
            last_text = value.strip()
    if not examples:
        return None
    return examples, last_text


def _polarity(labels: list[str], query: str) -> str | None:
    lower = {lab.lower(): lab for lab in labels}
    pos = next((lower[k] for k in lower if k in _POSITIVE), None)
    neg = next((lower[k] for k in lower if k in _NEGATIVE), None)
    neu = next((lower[k] for k in lower if k in _NEUTRAL), None)
    if not (pos and neg):
        return None
    text = query.lower()
    score = sum(text.count(c) for c in _POS_CUES) - sum(text.count(c) for c in _NEG_CUES)
    score -= 2 * sum(text.count(c) for c in ("不喜欢", "不满意", "不好", "不推荐", "not good", "don't like"))
    if score > 0:
        return pos
    if score < 0:
        return neg
    return neu or labels[0]


def answer(prompt: Prompt) -> str | None:
    """The label this conversation asks for, or None when it asks for no label."""
    instructed = _instructed("\n".join(t.text for t in prompt.turns if t.role in ("system", "developer", "user")))
    examples = _fewshot(prompt)
    query = prompt.last_user
    if examples:
        if not instructed and not all(_bare(lab) for _, lab in examples):
            examples = []  # short sentences ("Hello!"): a chat, not a labelling task
    if not examples:
        block = _lines(prompt.last_user)
        if block:
            examples, query = block
    labels = instructed or _unique([lab for _, lab in examples])
    if not labels:
        return None
    usable = [(t, lab) for t, lab in examples if t and lab in labels]
    if usable:
        return usable[nearest(query, [t for t, _ in usable])][1]
    return _polarity(labels, query) or labels[0]
