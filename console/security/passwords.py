"""Salted, slow password hashes (argon2id via argon2-cffi); parameters are configurable so tests can run fast."""

from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError


@dataclass(frozen=True)
class HashParams:
    """argon2id cost: ``time_cost`` passes over ``memory_cost_kib`` KiB (defaults: argon2-cffi's RFC 9106 low-memory)."""

    time_cost: int = 3
    memory_cost_kib: int = 65536
    parallelism: int = 4


FAST_TEST_PARAMS = HashParams(time_cost=1, memory_cost_kib=1024, parallelism=1)


class PasswordHashing:
    """Hash and verify; a hash made with other parameters still verifies and reports ``needs_rehash``."""

    def __init__(self, params: HashParams | None = None) -> None:
        p = params or HashParams()
        self._hasher = PasswordHasher(time_cost=p.time_cost, memory_cost=p.memory_cost_kib, parallelism=p.parallelism)

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return bool(self._hasher.verify(password_hash, password))
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        try:
            return bool(self._hasher.check_needs_rehash(password_hash))
        except (InvalidHashError, ValueError):
            return True
