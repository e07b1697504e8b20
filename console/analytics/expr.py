"""Boolean expressions over fact-table flags, as written in the indicator registry (``filed & ~voided_after_file``).

Grammar: ``expr := term ('|' term)*``, ``term := factor ('&' factor)*``, ``factor := '~' factor | '(' expr ')' | NAME``.
Names are validated against the fact columns so a typo in the registry is a DataFileError, not a wrong figure.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from console.errors import DataFileError

BoolArray = npt.NDArray[np.bool_]
TOKEN_RE = re.compile(r"\s*(?:([A-Za-z_][A-Za-z0-9_]*)|(.))")


def tokenize(text: str) -> list[str]:
    tokens: list[str] = []
    for m in TOKEN_RE.finditer(text):
        name, sym = m.group(1), m.group(2)
        if name:
            tokens.append(name)
        elif sym and not sym.isspace():
            if sym not in "&|~()":
                raise DataFileError(f"指标表达式“{text}”含非法字符“{sym}”", f"expression {text!r}: bad character {sym!r}")
            tokens.append(sym)
    return tokens


def names_in(text: str) -> set[str]:
    return {t for t in tokenize(text) if t not in "&|~()"}


def evaluate(text: str, lookup: Callable[[str], BoolArray]) -> BoolArray:
    """Evaluate ``text`` with ``lookup(name)`` giving each flag array."""
    tokens = tokenize(text)
    pos = 0

    def peek() -> str | None:
        return tokens[pos] if pos < len(tokens) else None

    def take() -> str:
        nonlocal pos
        if pos >= len(tokens):
            raise DataFileError(f"指标表达式“{text}”不完整", f"expression {text!r} is incomplete")
        pos += 1
        return tokens[pos - 1]

    def expr() -> BoolArray:
        out = term()
        while peek() == "|":
            take()
            out = out | term()
        return out

    def term() -> BoolArray:
        out = factor()
        while peek() == "&":
            take()
            out = out & factor()
        return out

    def factor() -> BoolArray:
        tok = take()
        if tok == "~":
            return ~factor()
        if tok == "(":
            out = expr()
            if take() != ")":
                raise DataFileError(f"指标表达式“{text}”括号不匹配", f"expression {text!r}: unbalanced parentheses")
            return out
        if tok in "&|)":
            raise DataFileError(f"指标表达式“{text}”语法错误", f"expression {text!r}: unexpected {tok!r}")
        return lookup(tok)

    result = expr()
    if pos != len(tokens):
        raise DataFileError(f"指标表达式“{text}”语法错误", f"expression {text!r}: trailing {tokens[pos]!r}")
    return result
