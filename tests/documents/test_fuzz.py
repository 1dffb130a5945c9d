"""Fuzzing: every parser gets >= 10,000 mutated inputs and may only raise DocumentError.

Mutations are structure-aware where it matters: for zip formats the main XML part is
mutated and re-zipped (a byte flip in the raw zip mostly just fails the CRC); for HWP
the decompressed record stream is mutated and rebuilt into a valid OLE container. A
seeded generator keeps runs reproducible; ``DOUM_FUZZ_SEED`` and
``DOUM_FUZZ_EXAMPLES`` widen a run locally. A smaller hypothesis run per parser adds
shrinking, so a failure is reported as a minimal input.
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import time
import zipfile
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from doum.documents.errors import DocumentError
from doum.documents.parser import parser_for
from tests.documents import samples

EXAMPLES = int(os.environ.get("DOUM_FUZZ_EXAMPLES", "10000"))
SEED = int(os.environ.get("DOUM_FUZZ_SEED", "20250318"))
_INTERESTING = [
    b"\x00",
    b"\xff",
    b"<",
    b">",
    b"&",
    b'"',
    b"\x0b\x00",
    b"\xff\xff\xff\xff",
    b"999999999",
    b"-1",
]


def mutate(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        if not out:
            out += rng.randbytes(rng.randint(1, 16))
            continue
        pos = rng.randrange(len(out))
        op = rng.randrange(6)
        if op == 0:
            out[pos] ^= rng.randint(1, 255)
        elif op == 1:
            out[pos:pos] = (
                rng.choice(_INTERESTING) if rng.random() < 0.5 else rng.randbytes(rng.randint(1, 8))
            )
        elif op == 2:
            del out[pos : pos + rng.randint(1, 64)]
        elif op == 3:
            del out[pos:]
        elif op == 4:
            chunk = out[pos : pos + rng.randint(1, 256)]
            insert_at = rng.randrange(len(out))
            out[insert_at:insert_at] = chunk * rng.randint(1, 3)
        else:
            out[pos : pos + 4] = rng.randbytes(4)
    return bytes(out)


def _rezip(seed: bytes, member: str) -> Callable[[random.Random], bytes]:
    archive = zipfile.ZipFile(io.BytesIO(seed))
    members = {i.filename: archive.read(i.filename) for i in archive.infolist()}

    def build(rng: random.Random) -> bytes:
        changed = dict(members)
        changed[member] = mutate(members[member], rng)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as out:
            for name, data in changed.items():
                out.writestr(name, data)
        return buffer.getvalue()

    return build


def _hwp_body(rng: random.Random) -> bytes:
    body = samples.hwp_paragraph("제1조(목적) 본문") + samples.hwp_paragraph(
        "□ 표", controls=samples.hwp_table([["가", "나"], ["다", "라"]])
    )
    return samples.build_hwp(body=mutate(body, rng), flags=rng.choice([0, 1]))


def _raw(seed: bytes) -> Callable[[random.Random], bytes]:
    return lambda rng: mutate(seed, rng)


def _generators(fmt: str) -> list[Callable[[random.Random], bytes]]:
    if fmt == "hwp":
        return [_hwp_body, _raw(samples.build_hwp(["본문", "○ 항목"], preview="본문"))]
    if fmt == "hwpx":
        seed = samples.hwpx_sample()
        return [
            _rezip(seed, "Contents/section0.xml"),
            _rezip(seed, "Contents/header.xml"),
            _raw(seed),
        ]
    if fmt == "docx":
        seed = samples.small_docx()
        return [_rezip(seed, "word/document.xml"), _raw(seed)]
    if fmt == "xlsx":
        seed = samples.xlsx_sample()
        return [_rezip(seed, "xl/worksheets/sheet1.xml"), _raw(seed)]
    if fmt == "odt":
        seed = samples.odt_sample()
        return [_rezip(seed, "content.xml"), _raw(seed)]
    if fmt == "pdf":
        return [_raw(samples.pdf_sample(pages=1))]
    seeds = {
        "html": samples.HTML_SAMPLE,
        "md": samples.MARKDOWN_STATUTE,
        "txt": samples.TEXT_SAMPLE,
        "csv": samples.CSV_SAMPLE,
    }
    return [_raw(seeds[fmt])]


FORMATS = ["hwp", "hwpx", "docx", "xlsx", "odt", "pdf", "html", "md", "txt", "csv"]


@pytest.mark.slow
@pytest.mark.parametrize("fmt", FORMATS)
def test_mutated_inputs_only_raise_document_errors(fmt: str) -> None:
    parser = parser_for(fmt)
    generators = _generators(fmt)
    rng = random.Random(f"{SEED}-{fmt}")
    count = EXAMPLES
    outcomes = {"parsed": 0, "rejected": 0}
    started = time.monotonic()
    for i in range(count):
        data = generators[i % len(generators)](rng)
        try:
            parser.parse(data)
            outcomes["parsed"] += 1
        except DocumentError as error:
            assert error.code.startswith("document."), error.code
            outcomes["rejected"] += 1
        except Exception as exc:  # pragma: no cover - this is the failure being hunted
            raise AssertionError(
                f"{fmt} input #{i} raised {type(exc).__name__}: {exc!r}; data={data[:200]!r}"
            ) from exc
    elapsed = time.monotonic() - started
    assert sum(outcomes.values()) == count
    # The mutations must exercise the parser, not only its first check.
    assert outcomes["parsed"] >= count // 100, outcomes
    print(f"{fmt}: {count} inputs in {elapsed:.1f}s {outcomes}")


@pytest.mark.parametrize("fmt", ["hwp", "hwpx", "docx", "odt", "html", "md"])
def test_hypothesis_shrinks_failures(fmt: str) -> None:
    parser = parser_for(fmt)
    generators = _generators(fmt)

    @settings(
        max_examples=150,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.integers(0, 2**32 - 1), st.integers(0, len(generators) - 1))
    def run(seed: int, which: int) -> None:
        data = generators[which](random.Random(seed))
        with contextlib.suppress(DocumentError):
            parser.parse(data)

    run()
