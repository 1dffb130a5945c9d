from __future__ import annotations

import pytest

from doum.config.llm import ModelConfig
from doum.privacy.errors import RoutingRefused
from doum.privacy.guard import PrivacyGuard
from doum.privacy.policy import RoutingPolicy

MESSAGES = [
    {"role": "system", "content": "사용자는 홍길동 주무관입니다."},
    {"role": "user", "content": "주민등록번호 900101-1234568, 연락처 010-1234-5678 확인해 줘"},
]


def test_external_model_gets_masked_messages(
    guard: PrivacyGuard, external_model: ModelConfig
) -> None:
    prepared = guard.prepare(MESSAGES, model=external_model, data_class="O", conversation_id="c1")
    sent = str(prepared.messages)
    assert prepared.masked and prepared.model is external_model
    for raw in ("홍길동", "900101-1234568", "010-1234-5678"):
        assert raw not in sent
    assert (
        prepared.messages[1]["content"]
        == "주민등록번호 <주민번호_1>, 연락처 <전화번호_1> 확인해 줘"
    )
    assert prepared.restorer.restore("<이름_1> 주무관님") == "홍길동 주무관님"
    details = prepared.audit_details()
    assert details["masking"]["total"] == 3 and "홍길동" not in str(details)
    assert MESSAGES[1]["content"].startswith("주민등록번호 900101")  # input untouched


def test_placeholders_are_stable_across_turns(
    guard: PrivacyGuard, external_model: ModelConfig
) -> None:
    guard.prepare(MESSAGES, model=external_model, data_class="O", conversation_id="c1")
    later = [
        *MESSAGES,
        {"role": "assistant", "content": "홍길동 님, 확인했습니다."},
        {"role": "user", "content": "김영희 과장에게도 010-1234-5678로 알려 줘"},
    ]
    prepared = guard.prepare(later, model=external_model, data_class="O", conversation_id="c1")
    assert prepared.messages[2]["content"] == "<이름_1> 님, 확인했습니다."
    assert prepared.messages[3]["content"] == "<이름_2> 과장에게도 <전화번호_1>로 알려 줘"


def test_internal_model_gets_original_text(
    guard: PrivacyGuard, internal_model: ModelConfig
) -> None:
    prepared = guard.prepare(MESSAGES, model=internal_model, data_class="C", conversation_id="c1")
    assert not prepared.masked and prepared.messages == MESSAGES
    assert prepared.restorer.restore("<이름_1>") == "<이름_1>"


def test_mask_internal_policy(cipher, internal_model: ModelConfig) -> None:  # type: ignore[no-untyped-def]
    from doum.privacy.detector import PiiDetector
    from doum.privacy.vault_store import MemoryVaultStore

    guard = PrivacyGuard(
        vaults=MemoryVaultStore(cipher),
        policy=RoutingPolicy(mask_internal=True),
        models=[internal_model],
        detector=PiiDetector(),
    )
    prepared = guard.prepare(MESSAGES, model=internal_model, data_class="S", conversation_id="c")
    assert prepared.masked and "900101" not in str(prepared.messages)


def test_sensitive_request_to_external_model_is_rerouted(
    guard: PrivacyGuard, external_model: ModelConfig, internal_model: ModelConfig
) -> None:
    prepared = guard.prepare(MESSAGES, model=external_model, data_class="S", conversation_id="c1")
    assert prepared.model is internal_model and prepared.decision.outcome == "reroute"
    assert "local-qwen" in prepared.decision.message


def test_refusal_sends_nothing(cipher, external_model: ModelConfig) -> None:  # type: ignore[no-untyped-def]
    from doum.privacy.detector import PiiDetector
    from doum.privacy.vault_store import MemoryVaultStore

    guard = PrivacyGuard(
        vaults=MemoryVaultStore(cipher), models=[external_model], detector=PiiDetector()
    )
    with pytest.raises(RoutingRefused) as info:
        guard.prepare(MESSAGES, model=external_model, data_class="C", conversation_id="c1")
    assert info.value.code == "privacy.external_refused" and info.value.http_status == 403
    assert "C(기밀)" in info.value.message


def test_content_parts_are_masked(guard: PrivacyGuard, external_model: ModelConfig) -> None:
    messages = [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "연락처 010-1234-5678"},
                {"type": "image_url", "image_url": {"url": "data:..."}},
            ],
        }
    ]
    prepared = guard.prepare(messages, model=external_model, data_class="O", conversation_id="c")
    assert prepared.messages[0]["content"][0]["text"] == "연락처 <전화번호_1>"
    assert prepared.messages[0]["content"][1] == messages[0]["content"][1]


def test_concurrent_turns_never_share_a_placeholder(
    guard: PrivacyGuard, external_model: ModelConfig
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def turn(i: int) -> str:
        text = f"연락처 010-1234-{i:04d}"
        prepared = guard.prepare(
            [{"role": "user", "content": text}],
            model=external_model,
            data_class="O",
            conversation_id="shared",
        )
        return prepared.messages[0]["content"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        placeholders = list(pool.map(turn, range(40)))
    assert len(set(placeholders)) == 40  # 40 different numbers, 40 different placeholders
    restorer = guard.restorer("shared")
    assert sorted(restorer.restore(p) for p in placeholders) == [
        f"연락처 010-1234-{i:04d}" for i in range(40)
    ]
