"""The last pass of the instruction writer: word-for-word replacements, case, commas, quotes.

A reply is a list of :class:`Piece` s; protected pieces (the repeated request, a required
start or end phrase, a chosen option) keep their words, the others may have words swapped
one for one, so no pass here changes a word or sentence count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .constraints import CapitalWords, Case, Forbidden, Instructions, LetterCount, NoCommas, Quoted, WordCount
from .filler import WORD, Avoid

_SWAPS = ("this", "that", "one", "some", "so", "we", "go", "on", "up", "now", "more", "plan", "idea", "mood", "yes", "by", "my",
          "do", "be", "all", "key", "fun", "big", "sky", "run", "own", "way", "new", "hum", "ha", "oh", "aha", "uh", "hmm")
_TOKEN = re.compile(r"[A-Za-z]+")


@dataclass
class Piece:
    text: str
    protected: bool = False


def _swap_words(pieces: list[Piece], bad, avoid: Avoid, budget: int | None = None) -> None:
    """Replace words for which ``bad(word)`` holds, in unprotected pieces (after the first ``budget``)."""
    seen = 0
    pool = [w for w in _SWAPS if avoid.ok(w) and not bad(w)] or ["hm"]
    turn = 0

    def swap(m: re.Match) -> str:
        nonlocal seen, turn
        word = m.group(0)
        if not bad(word):
            return word
        seen += 1
        if budget is not None and seen <= budget:
            return word
        turn += 1
        new = pool[turn % len(pool)]
        return new.capitalize() if word[:1].isupper() else new

    for piece in pieces:
        if not piece.protected:
            piece.text = _TOKEN.sub(swap, piece.text)


def _letter_total(pieces: list[Piece], letter: str) -> int:
    return sum(p.text.lower().count(letter) for p in pieces)


def _caps_tokens(text: str) -> int:
    return sum(1 for w in re.findall(r"[A-Za-z][A-Za-z.']*", text) if w.isupper())


def apply(pieces: list[Piece], found: Instructions, avoid: Avoid) -> str:
    """Enforce the word-level constraints on ``pieces`` and return the final text."""
    for forbidden in found.get(Forbidden):
        words = [w.lower() for w in forbidden.words]
        _swap_words(pieces, lambda w, words=words: w.lower() in words, avoid)
    for counted in found.get(WordCount):
        if counted.span.high is not None:
            key = counted.word.lower()
            protected = sum(len(re.findall(re.escape(key), p.text, re.I)) for p in pieces if p.protected)
            _swap_words(pieces, lambda w, key=key: key in w.lower(), avoid, max(counted.span.high - protected, 0))
    for letters in found.get(LetterCount):
        if letters.span.high is not None and _letter_total(pieces, letters.letter) > letters.span.high:
            letter = letters.letter
            _swap_words(pieces, lambda w, letter=letter: letter in w.lower(), avoid)
    case = found.first(Case)
    capital = found.first(CapitalWords)
    if capital is not None and case is None:
        _capital_words(pieces, capital)
    if found.first(NoCommas):  # not in the repeated request or a required phrase: those stay word for word
        for piece in pieces:
            if not piece.protected:
                piece.text = re.sub(r"\s*[,，]\s*", lambda m: "；" if "，" in m.group(0) else " ", piece.text)
    text = "".join(p.text for p in pieces)
    if case is not None:
        text = text.lower() if case.kind == "lower" else text.upper()
    if found.first(Quoted):
        text = '"' + text.strip().strip('"') + '"'
    return text


def _capital_words(pieces: list[Piece], capital: CapitalWords) -> None:
    have = sum(_caps_tokens(p.text) for p in pieces)
    if capital.span.high is not None and have > capital.span.high:
        _swap_words(pieces, lambda w: len(w) > 1 and w.isupper(), Avoid(), capital.span.high)
        return
    need = capital.span.low - have + (1 if capital.span.low else 0)  # one spare: tokenizers split "P.S." differently
    for piece in pieces:
        if need <= 0:
            return
        if piece.protected:
            continue

        def shout(m: re.Match) -> str:
            nonlocal need
            word = m.group(0)
            if need > 0 and len(word) > 2 and not word.isupper():
                need -= 1
                return word.upper()
            return word

        piece.text = re.sub(r"(?<=\s)[A-Za-z]{3,}", shout, piece.text)


def count_sentences(text: str) -> int:
    """Sentences the way a Punkt tokenizer ends them: at . ! ? (and 。！？) not after an initial."""
    total = 0
    for m in re.finditer(r"[.!?。！？]+(?=[\s\"”*)\]]|$)|[。！？]+", text):
        before = text[max(0, m.start() - 3):m.start()]
        if m.group(0).startswith(".") and re.search(r"(?:^|[\s.])[A-Za-z]$", before):
            continue  # "P.S." or an initial: no sentence ends there
        total += 1
    return total


def words_of(text: str, lang: str) -> int:
    from .filler import zh_count

    return zh_count(text) if lang == "zh" else len(WORD.findall(text))
