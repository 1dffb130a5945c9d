"""The FastAPI application: Korean HTML UI, JSON API and OpenAI-compatible /v1 API."""
