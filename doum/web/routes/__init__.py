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

ROUTERS = [
    auth.router,
    chat.router,
    admin.router,
    privacy.router,
    screening.router,
    audit.router,
    tokens.router,
    openai_api.router,
    drafting.router,
    drafting_templates.router,
    library.router,
    knowledge.router,
    knowledge_pages.router,
    assistants.router,
    pages.router,
]
