"""Conversations with a model: persistence and the streaming turn."""
