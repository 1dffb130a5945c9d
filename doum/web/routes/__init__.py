"""All routers, in the order they are mounted."""

from doum.web.routes import (
    admin,
    assistants,
    audit,
    auth,
    chat,
    drafting,
    drafting_templates,
    knowledge,
    knowledge_pages,
    library,
    openai_api,
    pages,
    privacy,
    screening,
    tokens,
)

# FastAPI tries routes in this order: the OpenAI-compatible API, called by other systems
# hundreds of times a second, goes first (its /v1 prefix is its own).
ROUTERS = [
    openai_api.router,
    auth.router,
    chat.router,
    admin.router,
    privacy.router,
    screening.router,
    audit.router,
    tokens.router,
    drafting.router,
    drafting_templates.router,
    library.router,
    knowledge.router,
    knowledge_pages.router,
    assistants.router,
    pages.router,
]
