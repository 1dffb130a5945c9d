from __future__ import annotations

from pydantic import BaseModel, Field


class DraftingSettings(BaseModel):
    """Drafting studio (owned by doum.drafting)."""

    summary_ratio: float = Field(default=0.33, gt=0.02, le=0.9)
    """Default length of a summary as a share of the source (≈ 1/3)."""
    summary_min_section_chars: int = Field(default=400, ge=50)
    """Sections shorter than this are merged with their neighbours before summarising."""
    summary_concurrency: int = Field(default=4, ge=1, le=64)
    """Model calls a summary runs at once (vLLM batches them; the embedded model queues)."""
    max_content_chars: int = Field(default=300_000, ge=1000)
    """Longest draft body an official may save."""
    max_attachments: int = Field(default=10, ge=0)
    """Files one draft may carry as grounding sources."""
    max_attachment_chars: int = Field(default=3_000_000, ge=1000)
    """Text kept from one attachment (a 200-page report is about 600,000 characters)."""
    source_share: float = Field(default=0.5, gt=0.05, le=0.9)
    """Share of the model's context window given to source passages when drafting."""
    knowledge_top_k: int = Field(default=6, ge=1, le=50)
    """Knowledge-base passages retrieved for one draft."""
    sns_variants: int = Field(default=3, ge=1, le=10)
    """Variants produced by templates that ask for several (SNS, 카드뉴스, 슬로건)."""
    glossary: dict[str, dict[str, str]] = {}
    """Extra translation terms: ``{"en": {"도움센터": "Doum Center"}, "vi": {...}}``;
    they are kept exactly in translations, alongside the built-in glossary."""
    library_page_size: int = Field(default=50, ge=5, le=500)
