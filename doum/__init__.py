"""doum (도움) — a self-hosted generative-AI work platform for Korean local governments."""

__version__ = "0.1.0"
