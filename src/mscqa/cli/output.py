"""What every command shares: the settings in the click context, one JSON object per line."""

from __future__ import annotations

import json
from typing import Any

import click

from mscqa.config import Settings


def settings_of(ctx: click.Context) -> Settings:
    settings: Settings = ctx.obj
    return settings


def print_json(payload: Any) -> None:
    click.echo(json.dumps(payload, ensure_ascii=False))
