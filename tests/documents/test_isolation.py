"""The isolated worker: results, errors, hangs, crashes and memory blow-ups."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from doum.config.documents import DocumentSettings
from doum.documents import read_bytes, read_many
from doum.documents.errors import (
    DocumentError,
    EncryptedDocument,
    ParseMemoryExceeded,
    ParserCrashed,
    ParseTimeout,
)
from doum.documents.isolation import run_isolated
from tests.documents import samples, workers


def test_returns_result() -> None:
    assert run_isolated(workers.add, (2, 3), timeout_seconds=10, memory_mb=256) == 5


def test_document_error_keeps_code_and_params() -> None:
    with pytest.raises(EncryptedDocument) as caught:
        run_isolated(workers.raise_document_error, (), timeout_seconds=10, memory_mb=256)
    assert caught.value.code == "document.encrypted"
    assert "PDF" in caught.value.message


def test_hang_is_killed() -> None:
    started = time.monotonic()
    with pytest.raises(ParseTimeout) as caught:
        run_isolated(workers.sleep_forever, (), timeout_seconds=1, memory_mb=256)
    assert time.monotonic() - started < 8
    assert "1초" in caught.value.message


def test_crash_is_reported() -> None:
    with pytest.raises(ParserCrashed):
        run_isolated(workers.crash, (), timeout_seconds=10, memory_mb=256)


def test_memory_limit() -> None:
    with pytest.raises(ParseMemoryExceeded) as caught:
        run_isolated(workers.allocate, (2048,), timeout_seconds=20, memory_mb=128)
    assert "128MB" in caught.value.message


def test_read_bytes_isolated_matches_in_process() -> None:
    data = samples.hwpx_sample()
    isolated = read_bytes(data, settings=DocumentSettings())
    direct = read_bytes(data, isolated=False, settings=DocumentSettings())
    assert isolated.to_dict() == direct.to_dict()


def test_batch_with_bad_files_imports_the_good_ones(tmp_path: Path) -> None:
    files = {
        "good.hwpx": samples.hwpx_sample(),
        "empty.txt": b"",
        "garbage.hwp": bytes(range(256)) * 8,
        "encrypted.hwp": samples.build_hwp(["비밀"], flags=0x3),
        "good.md": samples.MARKDOWN_STATUTE,
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    outcomes = read_many(sorted(tmp_path.iterdir()), settings=DocumentSettings())
    by_name = {o.path.name: o for o in outcomes}
    assert by_name["good.hwpx"].ok and by_name["good.md"].ok
    assert (
        by_name["empty.txt"].error is not None
        and by_name["empty.txt"].error.code == "document.empty"
    )
    garbage = by_name["garbage.hwp"].error
    assert isinstance(garbage, DocumentError) and garbage.code == "document.unsupported_format"
    encrypted = by_name["encrypted.hwp"].error
    assert encrypted is not None and encrypted.code == "document.encrypted"
