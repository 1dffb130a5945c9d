"""Test doubles that sites and our own tests use through the real protocols:
a fake OpenAI-compatible server on loopback and a scripted ChatModel backend."""
