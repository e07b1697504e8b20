"""@mentions in notes (@提及): parse ``@name`` tokens and resolve them against users, officers and squads.

A token matches a user name, an officer id or name, or a squad id or name. Chinese has no spaces, so ``@华阳路中队请处理``
resolves to the longest known name the token starts with. Unknown or ambiguous names are refused with a message that
names them — a note that silently drops a mention would leave someone unaware.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from console.errors import ValidationError

MENTION_RE = re.compile(r"(?<![\w.@])@([\w\-.]+)")
MIN_PREFIX = 2


@dataclass(frozen=True)
class Target:
    """Someone who can be mentioned: kind is ``user``, ``officer`` or ``squad``."""

    kind: str
    id: str
    name: str


@dataclass(frozen=True)
class Mention:
    token: str  # what was written after @
    target: Target


class Directory:
    """Names → targets; a name shared by two targets is ambiguous (use the id)."""

    def __init__(self, targets: Iterable[Target]) -> None:
        self._by_key: dict[str, list[Target]] = {}
        for t in targets:
            for key in {t.id, t.name}:
                if key:
                    bucket = self._by_key.setdefault(key, [])
                    if t not in bucket:
                        bucket.append(t)

    def lookup(self, token: str) -> tuple[str, list[Target]]:
        """Exact match, else the longest known key that ``token`` starts with; returns (matched key, targets)."""
        if token in self._by_key:
            return token, self._by_key[token]
        for end in range(len(token) - 1, MIN_PREFIX - 1, -1):
            key = token[:end]
            if key in self._by_key:
                return key, self._by_key[key]
        return token, []


def parse_tokens(text: str) -> list[str]:
    """The raw ``@tokens`` of a text, in order, without duplicates (e-mail addresses are not mentions)."""
    seen: list[str] = []
    for m in MENTION_RE.finditer(text or ""):
        token = m.group(1).rstrip(".-")
        if token and token not in seen:
            seen.append(token)
    return seen


def resolve(text: str, directory: Directory) -> list[Mention]:
    """Every mention of ``text`` resolved; raises ValidationError naming unknown and ambiguous mentions."""
    mentions: list[Mention] = []
    unknown: list[str] = []
    ambiguous: list[str] = []
    for token in parse_tokens(text):
        key, targets = directory.lookup(token)
        if not targets:
            unknown.append(token)
        elif len(targets) > 1:
            ambiguous.append(f"{key}（{'/'.join(t.id for t in targets)}）")
        elif all(m.target != targets[0] for m in mentions):
            mentions.append(Mention(key, targets[0]))
    if unknown or ambiguous:
        zh, en = [], []
        if unknown:
            zh.append("未知的提及对象：" + "、".join("@" + u for u in unknown))
            en.append("unknown mention(s): " + ", ".join("@" + u for u in unknown))
        if ambiguous:
            zh.append("提及对象不唯一，请用编号：" + "、".join("@" + a for a in ambiguous))
            en.append("ambiguous mention(s), use the id: " + ", ".join("@" + a for a in ambiguous))
        raise ValidationError("；".join(zh) + "（可提及用户名、队员编号/姓名、中队编号/名称）",
                              "; ".join(en) + " (mention a user name, an officer id/name or a squad id/name)")
    return mentions
