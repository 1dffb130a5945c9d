"""The routing policy: which model may receive which data class, and when to mask.

The administrator edits a :class:`RoutingPolicy` (a JSON document in ``privacy_policy``).
Whatever it says, :meth:`RoutingPolicy.check` enforces the hard rule again at request time:
**C and S never go to an ``external`` model**. The decision is explicit — allowed,
reroute to listed candidates, or refuse with a Korean message code — never a silent send.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from doum.config.llm import ModelConfig
from doum.messages import message_for
from doum.privacy.classes import DataClass

Outcome = Literal["allowed", "reroute", "refuse"]
NEVER_EXTERNAL = frozenset({DataClass.C, DataClass.S})


class RoutingPolicy(BaseModel):
    """Administrator-editable. Empty ``model_classes`` means: each model's configured
    ``allowed_classes``. ``mask_internal`` also masks PII for internal models (external
    models are always masked). ``masked_types`` empty means every PII type."""

    version: int = 1
    model_classes: dict[str, list[DataClass]] = Field(default_factory=dict)
    mask_internal: bool = False
    masked_types: list[str] = Field(default_factory=list)
    allow_reroute: bool = True

    @field_validator("model_classes")
    @classmethod
    def _unique(cls, value: dict[str, list[DataClass]]) -> dict[str, list[DataClass]]:
        return {
            name: sorted(set(classes), key=lambda c: -c.rank) for name, classes in value.items()
        }

    def allowed_classes(self, model: ModelConfig) -> frozenset[DataClass]:
        """What ``model`` may receive: the policy's list (or the model's own), minus C and S
        for an external model — the hard rule, whatever the configuration says."""
        configured = self.model_classes.get(model.name)
        classes = {
            DataClass.of(c)
            for c in (configured if configured is not None else model.allowed_classes)
        }
        if model.location == "external":
            classes -= NEVER_EXTERNAL
        if not model.enabled:
            classes = set()
        return frozenset(classes)

    def may_receive(self, model: ModelConfig, data_class: DataClass | str) -> bool:
        return DataClass.of(data_class) in self.allowed_classes(model)

    def must_mask(self, model: ModelConfig) -> bool:
        return model.location == "external" or self.mask_internal

    def check(
        self,
        model: ModelConfig,
        data_class: DataClass | str,
        *,
        candidates: Sequence[ModelConfig] = (),
    ) -> RoutingDecision:
        """Decide where a request of ``data_class`` aimed at ``model`` may go.

        ``candidates`` are the other configured models; allowed ones are offered for
        rerouting, the model's own ``fallbacks`` first, then internal before external.
        """
        cls = DataClass.of(data_class)
        params = {"model": model.display_name, "data_class": f"{cls.value}({cls.korean})"}
        if self.may_receive(model, cls):
            return RoutingDecision(
                "allowed", model.name, cls, mask=self.must_mask(model), params=params
            )
        order = {name: i for i, name in enumerate(model.fallbacks)}
        allowed = [c for c in candidates if c.name != model.name and self.may_receive(c, cls)]
        allowed.sort(key=lambda c: (order.get(c.name, len(order)), c.location != "internal"))
        reason = (
            "external_model"
            if model.location == "external" and cls in NEVER_EXTERNAL
            else "class_not_allowed"
        )
        if allowed and self.allow_reroute:
            target = allowed[0]
            return RoutingDecision(
                "reroute",
                target.name,
                cls,
                candidates=tuple(c.name for c in allowed),
                requested=model.name,
                reason=reason,
                code="privacy.rerouted",
                mask=self.must_mask(target),
                params={**params, "target": target.display_name},
            )
        return RoutingDecision(
            "refuse",
            model.name,
            cls,
            requested=model.name,
            reason=reason,
            code="privacy.external_refused"
            if reason == "external_model"
            else "privacy.class_refused",
            params=params,
        )


@dataclass(frozen=True)
class RoutingDecision:
    """``outcome``: ``allowed`` (send to ``model``), ``reroute`` (send to ``model``, the first
    of ``candidates``, instead of ``requested``) or ``refuse`` (send nothing; show
    :attr:`message`)."""

    outcome: Outcome
    model: str
    data_class: DataClass
    candidates: tuple[str, ...] = ()
    requested: str = ""
    reason: str = ""
    code: str | None = None
    mask: bool = False
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def sendable(self) -> bool:
        return self.outcome != "refuse"

    @property
    def message(self) -> str:
        """A Korean notice for the user (empty when simply allowed)."""
        return message_for(self.code, **self.params) if self.code else ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "model": self.model,
            "requested": self.requested or self.model,
            "data_class": self.data_class.value,
            "candidates": list(self.candidates),
            "reason": self.reason,
            "code": self.code,
            "masked": self.mask,
        }
