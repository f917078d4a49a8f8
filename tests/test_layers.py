"""The first layer rules (docs/ARCHITECTURE.md), read from every module's imports:

- product code (``bot/`` outside ``bot/sandbox/``, ``handlers/``, ``db/``) never imports the fake
  Slack or the sandbox: a test double is started only when asked for;
- ``bot/services`` (the rules) knows nothing of Slack, of views, of publishing or of handlers.

Imports inside functions count too (``ast`` reads them all)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = ("bot", "handlers", "db")
FAKE_SLACK = ("bot.sandbox", "fakeslack")
NOT_FOR_SERVICES = ("slack_bolt", "slack_sdk", "bot.views", "bot.publishing", "handlers")


def imports_of(path: Path, root: Path = ROOT) -> set[str]:
    """The modules ``path`` imports (absolute names; relative imports resolved against its package)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = ".".join(path.relative_to(root).with_suffix("").parts[:-1])
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def modules(*folders: str, excluding: str | None = None) -> list[Path]:
    paths = [path for folder in folders for path in sorted((ROOT / folder).rglob("*.py"))]
    return [p for p in paths if excluding is None or not p.relative_to(ROOT).as_posix().startswith(excluding)]


def breaches(paths: list[Path], forbidden: tuple[str, ...], root: Path = ROOT) -> list[str]:
    return [
        f"{path.relative_to(root)} imports {name}"
        for path in paths
        for name in sorted(imports_of(path, root))
        if any(name == prefix or name.startswith(prefix + ".") for prefix in forbidden)
    ]


def test_product_code_never_imports_the_fake_slack_or_the_sandbox():
    assert breaches(modules(*PRODUCT, excluding="bot/sandbox/"), FAKE_SLACK) == []


def test_the_services_know_nothing_of_slack_views_publishing_or_handlers():
    assert breaches(modules("bot/services"), NOT_FOR_SERVICES) == []


@pytest.mark.parametrize(
    ("source", "forbidden", "caught"),
    [
        ("from bot.sandbox.fake_slack import FakeSlack\n", FAKE_SLACK, "bot.sandbox.fake_slack"),
        ("def later():\n    import slack_sdk\n", NOT_FOR_SERVICES, "slack_sdk"),
        ("from ...views.text import safe\n", NOT_FOR_SERVICES, "bot.views.text"),
    ],
)
def test_a_deliberate_breach_is_caught(tmp_path, source, forbidden, caught):
    breach = tmp_path / "bot" / "services" / "hire" / "breach.py"
    breach.parent.mkdir(parents=True)
    breach.write_text(source)
    assert f"bot/services/hire/breach.py imports {caught}" in breaches([breach], forbidden, root=tmp_path)
