"""One settings root: defaults, environment, TOML file, secrets handling."""

from __future__ import annotations

from pathlib import Path

import pytest

from doum.config import Settings, get_settings, reset_settings_cache
from doum.config.secrets import read_api_key, secret_key
from doum.errors import ConfigurationError


def test_defaults_are_the_embedded_shape(tmp_path: Path) -> None:
    settings = Settings()
    assert settings.mode == "development"
    assert settings.database.url == ""
    assert settings.jobs.backend == "sqlite"
    assert settings.privacy.default_class == "S"


def test_environment_and_toml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "site.toml"
    config.write_text(
        """
organisation = "전북특별자치도"
[server]
port = 9000
[[llm.models]]
name = "qwen3-32b"
upstream_model = "Qwen/Qwen3-32B"
context_length = 32768
[[llm.models.endpoints]]
base_url = "http://gpu1:8000/v1"
[[llm.models.endpoints]]
base_url = "http://gpu2:8000/v1"
api_key_env = "VLLM_KEY"
""",
        encoding="utf-8",
    )
    monkeypatch.setenv("DOUM_CONFIG", str(config))
    monkeypatch.setenv("DOUM_SERVER__HOST", "0.0.0.0")
    monkeypatch.setenv("DATABASE_URL", "postgresql://doum@db/doum")
    reset_settings_cache()
    settings = get_settings()
    assert settings.organisation == "전북특별자치도"
    assert (settings.server.host, settings.server.port) == ("0.0.0.0", 9000)
    assert settings.database.url == "postgresql://doum@db/doum"
    model = settings.llm.models[0]
    assert model.request_model == "Qwen/Qwen3-32B"
    assert [e.base_url for e in model.endpoints] == ["http://gpu1:8000/v1", "http://gpu2:8000/v1"]


def test_unknown_keys_are_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError):
        Settings(serverr={"port": 1})  # type: ignore[call-arg]


def test_production_refuses_default_secrets(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as caught:
        secret_key(Settings(mode="production", data_dir=tmp_path))
    assert caught.value.code == "config.default_secret"
    with pytest.raises(ConfigurationError):
        secret_key(
            Settings(mode="production", data_dir=tmp_path, security={"secret_key": "changeme"})
        )
    strong = "x" * 40
    assert (
        secret_key(Settings(mode="production", security={"secret_key": strong})) == strong.encode()
    )


def test_development_secret_is_generated_once_and_private(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    first = secret_key(settings)
    assert first == secret_key(settings) and len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_secrets_are_not_serialised() -> None:
    settings = Settings(security={"secret_key": "super-secret-value-1234567890-abcdef"})
    assert "super-secret" not in repr(settings)
    assert "super-secret" not in settings.model_dump_json()


def test_api_keys_from_env_or_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITE_KEY", "from-env")
    key_file = tmp_path / "key"
    key_file.write_text("from-file\n")
    assert read_api_key(env="SITE_KEY") == "from-env"
    assert read_api_key(env="MISSING", file=str(key_file)) == "from-file"
    assert read_api_key() == ""
    assert read_api_key(file=str(tmp_path / "missing")) == ""
    assert read_api_key(file=str(tmp_path)) == "", "a directory is not a key file"


def test_a_key_file_is_read_again_only_when_it_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read per upstream request: cached by the file's identity, so rotating the key
    (rewriting the file, or replacing it) applies to the next request."""
    import os

    reads: list[Path] = []
    read_text = Path.read_text
    monkeypatch.setattr(
        Path, "read_text", lambda self, *a, **k: reads.append(self) or read_text(self, *a, **k)
    )
    key_file = tmp_path / "key"
    key_file.write_text("first-key\n")
    assert [read_api_key(file=str(key_file)) for _ in range(3)] == ["first-key"] * 3
    assert len(reads) == 1
    key_file.write_text("second-key\n")
    os.utime(key_file, ns=(1, 1))  # rewritten: another time and size
    assert read_api_key(file=str(key_file)) == "second-key"
    replacement = tmp_path / "key.new"
    replacement.write_text("third-key!\n")
    os.utime(replacement, ns=(1, 1))
    replacement.rename(key_file)  # same path, time and size: another file
    assert read_api_key(file=str(key_file)) == "third-key!"
    assert len(reads) == 3


def test_server_refuses_to_start_in_production_with_default_secret(tmp_path: Path) -> None:
    from doum.runtime import Runtime
    from doum.web.app import startup

    with pytest.raises(ConfigurationError):
        startup(Runtime.create(Settings(mode="production", data_dir=tmp_path)))
