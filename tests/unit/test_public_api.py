"""Every public name is exported through ``__all__``, exists and is documented."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import types

import pytest

import prmcore

PUBLIC_MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(prmcore.__path__, prefix="prmcore.")
    if not any(part.startswith("_") for part in info.name.split("."))
)


def test_there_are_public_modules() -> None:
    assert "prmcore.errors" in PUBLIC_MODULES
    assert "prmcore.domain" in PUBLIC_MODULES


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_module_has_docstring_and_all(name: str) -> None:
    module = importlib.import_module(name)
    assert (module.__doc__ or "").strip(), f"{name} has no module docstring"
    assert hasattr(module, "__all__"), f"{name} has no __all__"
    assert len(set(module.__all__)) == len(module.__all__), f"{name}.__all__ has duplicates"


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_every_exported_name_exists_and_is_documented(name: str) -> None:
    module = importlib.import_module(name)
    undocumented = []
    for export in module.__all__:
        assert hasattr(module, export), f"{name}.__all__ names missing {export!r}"
        obj = getattr(module, export)
        if isinstance(obj, type | types.FunctionType) and not inspect.getdoc(obj):
            undocumented.append(export)
    assert not undocumented, f"undocumented public names in {name}: {undocumented}"


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_public_methods_are_documented(name: str) -> None:
    module = importlib.import_module(name)
    missing = []
    for export in module.__all__:
        obj = getattr(module, export)
        if not isinstance(obj, type) or obj.__module__ != module.__name__:
            continue
        for attr, value in vars(obj).items():
            if attr.startswith("_"):
                continue
            func = value.fget if isinstance(value, property) else value
            if isinstance(func, staticmethod | classmethod):
                func = func.__func__
            if inspect.isfunction(func) and not inspect.getdoc(func):
                missing.append(f"{export}.{attr}")
    assert not missing, f"undocumented public methods in {name}: {missing}"


def test_importing_prmcore_does_not_import_test_tools() -> None:
    import subprocess
    import sys

    code = (
        "import sys, prmcore, prmcore.domain, prmcore.serialization\n"
        "bad = [m for m in ('hypothesis', 'pytest', 'sqlite3') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "", f"importing prmcore pulled in {out}"
