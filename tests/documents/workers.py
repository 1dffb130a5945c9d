"""Module-level functions the isolation tests run inside a worker process."""

from __future__ import annotations

import os
import signal
import time

from doum.documents.errors import EncryptedDocument


def sleep_forever() -> None:
    while True:
        time.sleep(1)


def crash() -> None:
    os.kill(os.getpid(), signal.SIGSEGV)


def allocate(megabytes: int) -> int:
    block = bytearray(megabytes * 1_048_576)
    return len(block)


def raise_document_error() -> None:
    raise EncryptedDocument(format="PDF")


def add(a: int, b: int) -> int:
    return a + b
