"""One settings root for doum.

Settings come from (highest priority first) keyword arguments, environment variables
(``DOUM_`` prefix, ``__`` between nested sections, e.g. ``DOUM_SERVER__PORT``), a TOML
file (``DOUM_CONFIG`` or ``./doum.toml``) and the defaults below. ``DATABASE_URL`` is
accepted as an alias of ``DOUM_DATABASE__URL``.

Read settings through :func:`get_settings`; nothing here is built at import time.
"""

from doum.config.root import Settings, get_settings, reset_settings_cache

__all__ = ["Settings", "get_settings", "reset_settings_cache"]
