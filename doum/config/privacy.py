from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class PrivacySettings(BaseModel):
    """PII masking, data classes and content filters (owned by doum.privacy)."""

    default_class: Literal["C", "S", "O"] = "S"
    """Class of a document, knowledge base, assistant, conversation or upload that has
    none set."""
    mask_internal: bool = False
    """Also mask PII for internal models (external models are always masked). The
    administrator's routing policy, once saved, takes precedence."""
    min_score: float = Field(default=0.5, ge=0.0, le=1.0)
    """Detections below this confidence are not masked."""
    name_model: bool = True
    """Use the kiwipiepy morphological analyser as a recall aid for names (slower)."""
    profanity_filter: bool = True
    """Flag abusive language on the citizen channel."""
    injection_filter: bool = True
    """Flag and quote instruction-like text inside retrieved documents."""
