"""Shared helpers for CLI commands: errors become Korean messages and exit codes."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, ParamSpec, TypeVar

import click

from doum.errors import DoumError

P = ParamSpec("P")
R = TypeVar("R")


def fail(error: DoumError, *, as_json: bool = False) -> None:
    if as_json:
        click.echo(json.dumps({"error": error.to_dict()}, ensure_ascii=False))
    else:
        click.echo(f"오류 [{error.code}] {error.message}", err=True)
    sys.exit(2 if error.http_status < 500 else 1)


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn a :class:`DoumError` into a Korean message on stderr and a non-zero exit."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except DoumError as error:
            fail(error, as_json=bool(kwargs.get("as_json")))
            raise AssertionError("unreachable") from error

    return wrapper


@contextmanager
def json_errors(as_json: bool) -> Iterator[None]:
    try:
        yield
    except DoumError as error:
        fail(error, as_json=as_json)


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, default=str))
