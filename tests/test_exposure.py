"""What the server exposes: loopback only unless asked, and exactly pinned dependencies."""

from __future__ import annotations

import re
import tomllib
from typing import Any

import pytest
from click.testing import CliRunner

import mscqa.web.serve
from conftest import ROOT
from mscqa.cli import main
from mscqa.config import Settings, check_bind_address, is_loopback
from mscqa.errors import UsageError


@pytest.fixture
def launched(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Records what the web app would be started with, instead of starting it."""
    calls: list[dict[str, Any]] = []

    def fake_serve(settings: Settings, host: str, port: int) -> None:
        calls.append({"host": host, "port": port})

    monkeypatch.setattr(mscqa.web.serve, "serve", fake_serve)
    monkeypatch.delenv("MSCQA_HOST", raising=False)
    monkeypatch.delenv("MSCQA_PORT", raising=False)
    monkeypatch.delenv("MSCQA_ALLOW_REMOTE", raising=False)
    return calls


def test_serve_binds_loopback_by_default(launched: list[dict[str, Any]]) -> None:
    result = CliRunner().invoke(main, ["serve"])
    assert result.exit_code == 0, result.output
    assert launched == [{"host": "127.0.0.1", "port": 7860}]
    assert result.stderr == ""


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"])
def test_loopback_hosts_need_no_flag(launched: list[dict[str, Any]], host: str) -> None:
    result = CliRunner().invoke(main, ["serve", "--host", host, "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert launched == [{"host": host, "port": 8123}]


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "10.0.0.5", "example.org"])
def test_other_hosts_are_refused_without_the_flag(
    launched: list[dict[str, Any]], host: str
) -> None:
    result = CliRunner().invoke(main, ["serve", "--host", host])
    assert result.exit_code == 2
    assert launched == []
    assert result.stderr.count("\n") == 1 and "--allow-remote" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("how", ["flag", "env"])
def test_other_hosts_with_the_flag_are_served(
    launched: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    args = ["serve", "--host", "0.0.0.0"]
    if how == "flag":
        args.append("--allow-remote")
    else:
        monkeypatch.setenv("MSCQA_ALLOW_REMOTE", "1")
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert launched == [{"host": "0.0.0.0", "port": 7860}]


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "example.org", "127.0.0.2"])
def test_every_address_that_needs_the_flag_gets_the_warning(host: str) -> None:
    """The server prints a warning for exactly the addresses the flag is needed for."""
    warning = mscqa.web.serve.exposure_warning(host)
    if is_loopback(host):
        assert warning is None
        check_bind_address(host, allow_remote=False)
    else:
        assert warning is not None and host in warning
        with pytest.raises(UsageError, match="--allow-remote"):
            check_bind_address(host, allow_remote=False)


def test_a_remote_host_from_the_environment_is_refused_too(
    launched: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MSCQA_HOST", "0.0.0.0")
    result = CliRunner().invoke(main, ["serve"])
    assert result.exit_code == 2 and launched == []


def test_loopback_detection() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("LOCALHOST") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("") and not is_loopback("127.0.0.1.x")


# Pins.

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([A-Za-z0-9.+!-]+)$")


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", requirement.split("==")[0]).lower()


def _lock() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        line = line.split("#")[0].strip()
        if not line:
            continue
        assert PIN.match(line), f"requirements.lock: '{line}' is not pinned as name==version"
        pins[_name(line)] = line.split("==")[1]
    return pins


def _declared() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        declared.extend(extra)
    return declared


def test_every_declared_dependency_is_pinned_and_locked() -> None:
    lock = _lock()
    declared = _declared()
    assert declared
    for requirement in declared:
        assert PIN.match(requirement), f"pyproject.toml: '{requirement}' is not pinned with =="
        name, version = _name(requirement), requirement.split("==")[1]
        assert lock.get(name) == version, (
            f"pyproject.toml pins {requirement} but requirements.lock has {lock.get(name)}"
        )


def test_run_and_test_install_from_the_one_lock_file() -> None:
    makefile = (ROOT / "Makefile").read_text()
    install_lines = [line for line in makefile.splitlines() if "pip install" in line]
    assert install_lines
    for line in install_lines:
        assert "-r requirements.lock" in line or "--no-deps" in line, line
    assert re.search(r"^\$\(STAMP\): requirements.lock", makefile, re.M)
    targets = dict(re.findall(r"^([a-z]+):(.*)$", makefile, re.M))
    assert "index" in targets["run"] and "$(STAMP)" in targets["index"]
    assert "lint" in targets["test"] and "$(STAMP)" in targets["lint"]
    assert "$(STAMP)" in targets["pytest"]


def test_the_lock_file_pins_the_whole_environment() -> None:
    """Nothing the package needs at run time is left for pip to choose."""
    from importlib.metadata import PackageNotFoundError, distribution

    from packaging.requirements import Requirement

    lock = _lock()
    missing = []
    seen: set[str] = set()
    todo = [_name(r) for r in _declared()]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        if name not in lock:
            missing.append(name)
            continue
        try:
            requires = distribution(name).requires or []
        except PackageNotFoundError:  # e.g. a wheel for another platform: nothing to follow
            continue
        for line in requires:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(_name(requirement.name))
    assert not missing, f"not pinned in requirements.lock: {', '.join(sorted(missing))}"
