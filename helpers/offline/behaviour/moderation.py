"""Moderation scores for the offline simulator: a small zh/en lexicon, a documented rule.

No model runs offline, so a text is scored by cue words and phrases. The rule, all of it:

1. **Cues.** :data:`LEXICON` lists, per category, English cues (whole words, any case) and
   Chinese cues (substrings). Chinese cues are phrases, never a lone character that hides in
   ordinary words (杀 is in 杀毒 "antivirus" and 杀菌 "sterilise", so the cues are 杀死, 杀了,
   杀人...). One regular expression finds them leftmost-longest without overlaps, so 自杀了
   ("killed oneself") is one self-harm cue, not also 杀了 ("killed").
2. **Subcategories count for their parent**: a hit on ``self-harm/intent`` is also a hit on
   ``self-harm``, ``harassment/threatening`` on ``harassment``, and so on (the part before
   ``/``). Some cues name several categories (杀了你 "I'll kill you" is violence and a threat).
3. **Scores.** A category with ``n`` hits scores ``1 - 0.15**n`` (one hit 0.85, two 0.9775),
   at most 0.9999. A category without hits scores a small value in [1e-6, 1e-3), derived
   from a hash of the category and the text: ordinary text scores near 0, and the same text
   always gets the same numbers.
4. **Flagged**: a category is flagged at :data:`THRESHOLD` (0.5) or more; a result is flagged
   when any category is.

Not modelled: negation ("don't kill"), context, irony, other languages, and images (the
simulator cannot see harm in pixels: an image part adds no score, it only appears in
``category_applied_input_types``). A real moderation model is the only judge of real content.
"""

from __future__ import annotations

import hashlib
import functools
import re
from dataclasses import dataclass

#: Every category the SDK's ``openai.types.moderation.Categories`` has, in its order.
CATEGORIES: tuple[str, ...] = (
    "harassment", "harassment/threatening", "hate", "hate/threatening", "illicit", "illicit/violent",
    "self-harm", "self-harm/instructions", "self-harm/intent", "sexual", "sexual/minors",
    "violence", "violence/graphic",
)
#: The categories omni models also score for images (the SDK's ``CategoryAppliedInputTypes``:
#: ``List[Literal["text", "image"]]`` for these, ``List[Literal["text"]]`` for the others).
IMAGE_CATEGORIES = frozenset({"self-harm", "self-harm/instructions", "self-harm/intent", "sexual", "violence", "violence/graphic"})
#: The legacy text-moderation models score these eleven (no ``illicit`` categories).
LEGACY_CATEGORIES = tuple(c for c in CATEGORIES if not c.startswith("illicit"))
THRESHOLD = 0.5
HIT_BASE = 0.15
MAX_SCORE = 0.9999

# Category (or categories, joined by "+") -> (English cues, Chinese cues).
LEXICON: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "violence": (
        ("kill", "kills", "killed", "killing", "murder", "murdered", "murdering", "stab", "stabbed", "stabbing",
         "beat him up", "beat her up", "beat them up", "strangle", "strangled"),
        ("杀死", "杀了", "杀人", "谋杀", "砍死", "打死", "弄死", "捅死", "掐死", "暴打"),
    ),
    "violence/graphic": (
        ("gore", "gory", "dismember", "dismembered", "mutilate", "mutilated", "disembowel", "blood everywhere"),
        ("血肉模糊", "肢解", "碎尸", "开膛破肚", "血流成河"),
    ),
    "harassment/threatening+violence": (
        ("kill you", "hurt you", "beat you up", "find where you live", "you will regret", "you're dead", "you are dead"),
        ("杀了你", "弄死你", "打死你", "揍你", "砍死你", "你死定了", "让你好看"),
    ),
    "harassment": (
        ("idiot", "idiots", "stupid", "moron", "morons", "loser", "losers", "shut up", "pathetic", "worthless"),
        ("白痴", "蠢货", "傻逼", "废物", "滚开", "闭嘴", "脑残", "去死"),
    ),
    "hate": (
        ("subhuman", "inferior race", "go back to your country", "vermin"),
        ("劣等民族", "低等种族", "滚回你的国家", "劣等人种"),
    ),
    "hate/threatening+violence": (
        ("genocide", "exterminate them", "wipe them all out", "ethnic cleansing"),
        ("种族灭绝", "消灭所有", "赶尽杀绝", "种族清洗"),
    ),
    "self-harm": (
        ("suicide", "suicidal", "self-harm", "self harm", "cut myself", "cutting myself", "hurt myself"),
        ("自杀", "自残", "割腕", "自伤"),
    ),
    "self-harm/intent": (
        ("kill myself", "want to die", "end my life", "end it all", "don't want to live", "do not want to live"),
        ("想死", "不想活", "轻生", "结束自己的生命", "我要自杀", "我想自杀"),
    ),
    "self-harm/instructions": (
        ("how to kill myself", "ways to commit suicide", "how to commit suicide", "painless way to die"),
        ("怎么自杀", "如何自杀", "自杀方法", "怎样自杀"),
    ),
    "sexual": (
        ("porn", "porno", "pornography", "pornographic", "explicit sex", "nude photos", "nudes"),
        ("色情", "裸照", "黄片", "性爱视频"),
    ),
    "sexual/minors": (
        ("child pornography", "child porn", "csam"),
        ("儿童色情", "未成年人色情"),
    ),
    "illicit": (
        ("shoplift", "shoplifting", "launder money", "money laundering", "steal a car", "pick a lock", "make meth",
         "sell drugs", "hack into"),
        ("偷东西", "洗钱", "入室盗窃", "制毒", "贩毒", "盗号", "偷车", "撬锁"),
    ),
    "illicit/violent": (
        ("make a bomb", "build a bomb", "pipe bomb", "untraceable gun", "ghost gun", "buy a gun illegally"),
        ("制造炸弹", "做炸弹", "自制炸弹", "自制枪", "造枪", "买枪"),
    ),
}


@dataclass(frozen=True)
class Verdict:
    """One input's scores and flags."""

    scores: dict[str, float]
    categories: dict[str, bool]

    @property
    def flagged(self) -> bool:
        return any(self.categories.values())


@functools.lru_cache(maxsize=1)
def _matcher() -> tuple[re.Pattern[str], dict[str, tuple[str, ...]]]:
    """One pattern for every cue, longest first (leftmost-longest), and cue -> its categories."""
    targets: dict[str, tuple[str, ...]] = {}
    english: list[str] = []
    chinese: list[str] = []
    for key, (en, zh) in LEXICON.items():
        for cue in (*en, *zh):
            targets[cue.lower()] = tuple(dict.fromkeys((*targets.get(cue.lower(), ()), *key.split("+"))))
        english += en
        chinese += zh
    alternatives = [(cue, rf"\b{re.escape(cue)}\b") for cue in english] + [(cue, re.escape(cue)) for cue in chinese]
    alternatives.sort(key=lambda pair: -len(pair[0]))
    return re.compile("|".join(pattern for _, pattern in alternatives), re.IGNORECASE), targets


def hits(text: str) -> dict[str, int]:
    """How many cues of each category ``text`` holds (a subcategory's hits count for its parent)."""
    pattern, targets = _matcher()
    counts = dict.fromkeys(CATEGORIES, 0)
    for match in pattern.finditer(text):
        for category in targets[match.group(0).lower()]:
            counts[category] += 1
            if "/" in category:
                counts[category.split("/", 1)[0]] += 1
    return counts


def _quiet(category: str, text: str) -> float:
    """The near-zero score of a category without hits: 10**-(3 + 3u), u from a hash, in [1e-6, 1e-3)."""
    digest = hashlib.sha256(f"{category}\0{text}".encode("utf-8", "surrogatepass")).digest()
    fraction = int.from_bytes(digest[:8], "big") / 2**64
    return 10 ** -(3 + 3 * fraction)


def classify(text: str, categories: tuple[str, ...] = CATEGORIES) -> Verdict:
    """Scores and flags for ``text`` over ``categories``, by the rule in the module docstring."""
    counts = hits(text)
    scores = {c: min(1 - HIT_BASE ** counts[c], MAX_SCORE) if counts[c] else _quiet(c, text) for c in categories}
    return Verdict(scores, {c: scores[c] >= THRESHOLD for c in categories})
