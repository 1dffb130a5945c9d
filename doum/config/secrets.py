"""Resolving secrets late: the installation secret key and API keys from env/files."""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import os
import secrets
import stat
from pathlib import Path

from doum.config.root import Settings
from doum.errors import ConfigurationError

logger = logging.getLogger(__name__)

SECRET_FILE = "secret_key"
WEAK_SECRETS = {"", "changeme", "change-me", "changethis", "secret", "doum", "password", "test"}
MIN_SECRET_LENGTH = 32


def secret_key(settings: Settings) -> bytes:
    """The installation's secret key.

    Production requires an explicit, strong ``security.secret_key``. Development
    generates one into ``<data_dir>/secret_key`` (mode 0600) on first use.
    """
    configured = settings.security.secret_key
    if configured is not None:
        value = configured.get_secret_value()
        if settings.is_production and (
            value.lower() in WEAK_SECRETS or len(value) < MIN_SECRET_LENGTH
        ):
            raise ConfigurationError("config.default_secret")
        return value.encode()
    if settings.is_production:
        raise ConfigurationError("config.default_secret")
    path = settings.resolved_data_dir() / SECRET_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
        logger.info("generated development secret key", extra={"path": str(path)})
    return path.read_text().strip().encode()


def derive_key(settings: Settings, purpose: str) -> bytes:
    """A 32-byte key for one purpose (audit chain, vault, CSRF …), derived from the
    installation secret so that one leaked derived key reveals nothing else."""
    return hmac.new(secret_key(settings), b"doum:" + purpose.encode(), hashlib.sha256).digest()


def read_api_key(*, env: str = "", file: str = "") -> str:
    """An upstream API key from an environment variable or a secret file."""
    if env:
        value = os.environ.get(env, "")
        if value:
            return value.strip()
    if file:
        path = os.path.expanduser(file)
        try:
            found = os.stat(path)
        except OSError:
            return ""
        if not stat.S_ISREG(found.st_mode):
            return ""
        # Asked for on every upstream request: a file is read again only once it has
        # changed (rewritten, or replaced by another file), so a rotated key applies to
        # the next request. (A rewrite to the same size within the file system's clock
        # tick, a few milliseconds, would go unseen until the next change.)
        return _secret_file(path, found.st_ino, found.st_mtime_ns, found.st_size)
    return ""


@functools.lru_cache(maxsize=64)
def _secret_file(path: str, inode: int, mtime_ns: int, size: int) -> str:
    return Path(path).read_text().strip()
