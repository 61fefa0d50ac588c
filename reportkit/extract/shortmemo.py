"""A bounded memo for the results of short texts: cells and labels repeat across reports,
whole paragraphs do not. A plain ``dict`` (so ``map(memo.get, texts)`` stays a C-level
look-up on the hot path) that remembers only keys of at most ``max_chars`` characters and
is emptied when it holds ``most``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class ShortMemo(dict, Generic[T]):
    """``compute(text)`` remembered for short texts (module docstring)."""

    def __init__(self, compute: Callable[[str], T], max_chars: int, most: int) -> None:
        super().__init__()
        self._compute, self.max_chars, self.most = compute, max_chars, most

    def remember(self, text: str) -> T:
        """``compute(text)``, kept when ``text`` is short (the memo emptied first when
        full)."""
        value = self._compute(text)
        if len(text) <= self.max_chars:
            if len(self) >= self.most:
                self.clear()
            self[text] = value
        return value
