from __future__ import annotations

from doum.errors import DoumError


class JobsError(DoumError):
    default_code = "jobs.queue_unavailable"
    http_status = 503
