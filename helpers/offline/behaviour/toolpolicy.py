"""What the system (or developer) message says about tools, as a model would follow it.

The instructions are read clause by clause (split at ``.``, ``!``, ``?``, ``;``, 。, ！, ？, ；
and line breaks). A clause *mentions* a tool when it names it exactly (``multiply``,
``get_weather``), when it has every significant word of its name ("the multiply tool",
"the current weather function" for ``get_current_weather``; get/fetch/set do not count), or
when it says "X tool"/"X 工具" for a word X that is in one tool's name only. Then:

- **never**: a negation right before a verb of use ("never use", "don't call", "do not ever
  use", 不要使用, 不要调用, 禁止调用, 请勿使用, 别用) before the mention: the tool is not
  called (unless ``tool_choice`` names it, or ``required`` leaves nothing else);
- **always**: "always", "must", "every time", 总是, 始终, 必须, 务必, 一定要, 每次 before the
  mention, and nothing else in the clause ("Always use the multiply tool.", 必须调用 multiply
  工具): the tool is called on every new request that gives it something to work on;
- **use for**: any other clause with a verb of use (use, call, 使用, 调用, 用) says what the
  tool is for ("Use lookup_order for questions about deliveries", "当用户问天气时调用 weather",
  "Always use get_weather for weather questions"): the rest of the clause joins the tool's
  profile (:mod:`toolpurpose`), so requests about that match it.

One more instruction concerns arguments: "Don't make assumptions about what values to plug
into functions", "Ask for clarification if a user request is ambiguous", 不要假设, 不要猜测,
请先询问, 澄清 ... sets ``clarify``: a required argument the conversation does not give is
then asked for in text instead of filled in (see :mod:`tooldecide`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import text
from .toolpurpose import split_name
from .toolspec import Function

_CLAUSES = re.compile(r"(?<=[.!?;。！？；])\s*|\n+")
_USE = r"(?:use|call|invoke|run|using|calling|使用|调用|用)"
_NEVER = re.compile(rf"(?:\b(?:never|don'?t|do not|does not|must not|mustn'?t|should not|shouldn'?t|avoid|no longer)\b\W+(?:\w+\W+)?{_USE}"
                    rf"|(?:不要|别|禁止|请勿|不得|不能|不可|切勿|不许|勿)(?:再|去|随便)?{_USE})", re.I)
_ALWAYS = re.compile(r"\b(?:always|must|every time|each time|be sure to|make sure to|have to|required to)\b"
                     r"|总是|始终|一律|必须|务必|一定要|每次", re.I)
_VERB = re.compile(rf"\b{_USE}\b|使用|调用|用", re.I)
#: Words left in an "always" clause that do not narrow it ("Always use the multiply tool.").
_FILLER = re.compile(r"\b(?:always|must|you|every time|each time|be sure to|make sure to|have to|required to|the|a|an|"
                     r"use|call|invoke|run|tool|tools|function|functions|please)\b|总是|始终|一律|必须|务必|一定要|每次|"
                     r"请|你|您|使用|调用|用|工具|函数|这个|该|[\W_]+", re.I)
_CLARIFY = re.compile(r"\bclarif|\b(?:don'?t|do not|never)\s+(?:make\s+)?(?:any\s+)?assum|\b(?:don'?t|do not|never)\s+guess"
                      r"|\bask (?:the user )?(?:for|about) (?:the )?(?:missing|more)|\bask (?:the user )?(?:first|before)"
                      r"|澄清|不要(?:做|作)?(?:任何)?(?:假设|猜测|臆测|猜)|不要自行|请先(?:询问|确认|问)|问清楚|先向用户(?:询问|确认)"
                      r"|缺少.{0,12}(?:询问|问|确认)", re.I)
_NAME_VERBS = frozenset("get set fetch retrieve find lookup look up do run call make".split())


@dataclass
class Policy:
    """What the instructions say: tools to always call, never call, what each is for; whether to ask."""

    always: list[str] = field(default_factory=list)
    never: set[str] = field(default_factory=set)
    scopes: dict[str, str] = field(default_factory=dict)
    clarify: bool = False


def instructions(prompt: text.Prompt) -> str:
    return "\n".join(t.text for t in prompt.turns if t.role in ("system", "developer"))


def _name_words(function: Function) -> set[str]:
    return set(split_name(function.name).split()) - _NAME_VERBS


def _mentions(clause: str, functions: list[Function]) -> list[tuple[int, int, Function]]:
    """``(start, end, function)`` of every tool the clause names, in order."""
    lowered = clause.lower()
    words = {w: m.start() for m in re.finditer(r"[a-z0-9]+", lowered) for w in [m.group(0)]}
    found = []
    for function in functions:
        exact = re.search(rf"(?<![A-Za-z0-9_]){re.escape(function.name.lower())}(?![A-Za-z0-9_])", lowered)
        if exact:
            found.append((exact.start(), exact.end(), function))
            continue
        significant = _name_words(function)
        if significant and significant <= set(words):
            starts = [words[w] for w in significant]
            found.append((min(starts), max(words[w] + len(w) for w in significant), function))
    named = {f.name for _, _, f in found}
    for m in re.finditer(r"\b([a-z0-9]+)\s+(?:tool|function)\b|([a-z0-9]+)\s*工具", lowered):
        word = m.group(1) or m.group(2)
        owners = [f for f in functions if word in _name_words(f)]
        if len(owners) == 1 and owners[0].name not in named:
            found.append((m.start(), m.end(), owners[0]))
    return sorted(found, key=lambda hit: hit[0])


def policy_of(prompt: text.Prompt, functions: list[Function]) -> Policy:
    """The tool policy of the request's system and developer messages."""
    said = instructions(prompt)
    policy = Policy(clarify=bool(_CLARIFY.search(said)))
    for clause in (c.strip() for c in _CLAUSES.split(said)):
        hits = _mentions(clause, functions) if clause else []
        previous = 0
        for k, (start, end, function) in enumerate(hits):
            before = clause[previous:start]
            after = clause[end:hits[k + 1][0]] if k + 1 < len(hits) else clause[end:]
            previous = end
            rest = _FILLER.sub(" ", f"{before} {after}").strip()
            if _NEVER.search(before):
                policy.never.add(function.name)
            elif _ALWAYS.search(before) and not rest:
                policy.always.append(function.name)
            elif _VERB.search(before) or _VERB.search(after):
                policy.scopes[function.name] = f"{policy.scopes.get(function.name, '')} {before} {after}".strip()
    return policy
