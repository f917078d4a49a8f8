"""The dependency lock stays honest: what the code imports is a direct requirement,
and every package the lock installs is pinned to one version with hashes."""

from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
OWN_PACKAGES = {"app", "bot", "db", "handlers", "tests", "bench", "fakeslack"}
RUNTIME_CODE = [ROOT / "app.py", ROOT / "bot", ROOT / "db", ROOT / "handlers"]
TEST_CODE = [ROOT / "tests", ROOT / "bench", ROOT / "fakeslack"]


def direct_requirements(in_file: str | Path) -> dict[str, Requirement]:
    """The requirements an ``.in`` file names, following ``-r`` includes (``-c`` only constrains)."""
    path = ROOT / in_file
    found: dict[str, Requirement] = {}
    for raw in path.read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("-c"):
            continue
        if line.startswith("-r"):
            found.update(direct_requirements(path.parent / line.removeprefix("-r").strip()))
            continue
        requirement = Requirement(line)
        found[canonicalize_name(requirement.name)] = requirement
    return found


def locked_pins(txt_file: str) -> dict[str, tuple[str, int]]:
    """name → (version, number of hashes) from a pip-compile output file."""
    pins: dict[str, tuple[str, int]] = {}
    text = (ROOT / txt_file).read_text()
    for block in re.split(r"\n(?=\S)", text):
        match = re.match(r"([A-Za-z0-9._-]+)==(\S+)", block)
        if match:
            pins[canonicalize_name(match[1])] = (match[2], block.count("--hash=sha256:"))
        elif block.strip() and not block.lstrip().startswith("#"):
            pytest.fail(f"{txt_file}: not an exact pin: {block.splitlines()[0]!r}")
    return pins


def imported_top_level_modules(paths: list[Path]) -> dict[str, Path]:
    """Every absolutely imported top-level module name → one file that imports it."""
    modules: dict[str, Path] = {}
    files = [p for path in paths for p in ([path] if path.is_file() else sorted(path.rglob("*.py")))]
    for file in files:
        for node in ast.walk(ast.parse(file.read_text(), filename=str(file))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                modules.setdefault(name.split(".")[0], file)
    return modules


def third_party(modules: dict[str, Path]) -> dict[str, Path]:
    return {
        name: file
        for name, file in modules.items()
        if name not in sys.stdlib_module_names and name not in OWN_PACKAGES and name != "__future__"
    }


def missing_direct_requirements(code: list[Path], in_file: str | Path) -> list[str]:
    direct = direct_requirements(in_file)
    distributions = packages_distributions()
    problems = []
    for module, file in sorted(third_party(imported_top_level_modules(code)).items()):
        providers = {canonicalize_name(d) for d in distributions.get(module, [])}
        where = file.relative_to(ROOT) if file.is_relative_to(ROOT) else file
        if not providers:
            problems.append(f"{module} (imported by {where}) is not installed: add its distribution to {in_file}")
        elif not providers & direct.keys():
            problems.append(
                f"{module} (imported by {where}) comes from {', '.join(sorted(providers))}, "
                f"which is not a direct requirement in {in_file}"
            )
    return problems


def test_every_package_the_app_imports_is_a_direct_runtime_requirement():
    assert missing_direct_requirements(RUNTIME_CODE, "requirements.in") == []


def test_every_package_the_tests_import_is_a_direct_dev_requirement():
    assert missing_direct_requirements(TEST_CODE, "requirements-dev.in") == []


def test_the_check_catches_a_package_imported_but_not_required(tmp_path):
    module = tmp_path / "uses_yaml.py"
    module.write_text("import yaml\nfrom os import path\nfrom bot import settings\n")
    empty_in = tmp_path / "empty.in"
    empty_in.write_text("# nothing\n")
    problems = missing_direct_requirements([module], empty_in)
    assert len(problems) == 1 and "yaml" in problems[0] and "pyyaml" in problems[0]


@pytest.mark.parametrize(
    "in_file, txt_file", [("requirements.in", "requirements.txt"), ("requirements-dev.in", "requirements-dev.txt")]
)
def test_lock_pins_every_requirement_with_hashes_and_satisfies_the_in_file(in_file, txt_file):
    pins = locked_pins(txt_file)
    assert pins, f"{txt_file} pins nothing"
    assert [name for name, (_, hashes) in pins.items() if hashes == 0] == [], f"{txt_file}: pins without hashes"
    for name, requirement in direct_requirements(in_file).items():
        assert name in pins, f"{name} is in {in_file} but not locked in {txt_file}: run pip-compile"
        assert requirement.specifier.contains(pins[name][0], prereleases=True), (
            f"{txt_file} locks {name}=={pins[name][0]}, outside {in_file}'s {requirement.specifier}: run pip-compile"
        )


def test_dev_lock_installs_the_runtime_packages_at_the_same_versions():
    runtime, dev = locked_pins("requirements.txt"), locked_pins("requirements-dev.txt")
    assert {name: version for name, (version, _) in runtime.items()} == {
        name: dev[name][0] for name in runtime if name in dev
    }
    assert runtime.keys() <= dev.keys()
