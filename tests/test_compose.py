"""compose.yaml, the proxy's and Prometheus's configuration, and .env.example.

No Docker daemon runs here: compose.yaml is validated against the Compose
Specification's schema (kept in ../shared beside the project) and against the rules
a production deployment needs, checked one by one below.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from bot import metrics
from bot.logs import SLACK_TOKEN
from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT.parent / "shared" / "compose" / "compose-spec.json"
COMPOSE_TEXT = (ROOT / "compose.yaml").read_text()
COMPOSE = yaml.safe_load(COMPOSE_TEXT)
SERVICES = COMPOSE["services"]
CADDYFILE = (ROOT / "deploy" / "Caddyfile").read_text()
ENV_EXAMPLE = (ROOT / ".env.example").read_text()
INTERPOLATION = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<arg>[^}]*))?\}")
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|_KEY$|CREDENTIAL", re.IGNORECASE)


def interpolate(text: str, env: dict[str, str] | None = None) -> str:
    """Compose's ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error}, with ``env`` as the .env."""
    env = env or {}

    def replace(match: re.Match[str]) -> str:
        name, op, arg = match["name"], match["op"], match["arg"]
        value = env.get(name)
        if op in (":-", "-") and (value is None or (op == ":-" and value == "")):
            return arg
        if op in (":?", "?") and (value is None or (op == ":?" and value == "")):
            raise LookupError(f"{name}: {arg}")
        return value or ""

    return INTERPOLATION.sub(replace, text.replace("$$", "\0")).replace("\0", "$")


def strings_in(node, path=()):
    """Every string in a parsed YAML tree with where it is."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from strings_in(value, (*path, str(key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from strings_in(value, (*path, str(index)))
    elif isinstance(node, str):
        yield path, node


def test_compose_matches_the_compose_specification():
    if not SPEC.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{SPEC} is missing in CI")
        pytest.skip(f"{SPEC} not found: the Compose Specification's schema is kept in ../shared, beside the project")
    schema = json.loads(SPEC.read_text())
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(COMPOSE), key=lambda e: list(e.path))
    assert [f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors] == []


def test_the_services_of_a_production_deployment():
    assert {"db", "migrate", "app", "proxy"} <= SERVICES.keys()


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_every_image_is_pinned_to_a_version(service):
    image = interpolate(SERVICES[service]["image"])
    name, _, tag = image.rpartition(":") if ":" in image.rsplit("/", 1)[-1] else (image, "", "")
    assert tag, f"{service}: {image} has no tag"
    assert tag != "latest" and "@" not in name
    if "build" not in SERVICES[service]:  # someone else's image: an exact release, not a moving major
        assert re.match(r"v?\d+\.\d+(\.\d+)?", tag), f"{service}: {image} is not pinned to a release"


@pytest.mark.parametrize("service", ["db", "app"])
def test_database_and_app_have_health_checks(service):
    check = SERVICES[service]["healthcheck"]
    assert check.get("test") and not check.get("disable")
    assert check["test"][0] in ("CMD", "CMD-SHELL")


def test_the_app_checks_its_health_endpoint():
    assert "/healthz" in " ".join(SERVICES["app"]["healthcheck"]["test"])


def test_start_up_order_waits_for_a_healthy_database_and_a_finished_migration():
    assert SERVICES["migrate"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert SERVICES["app"]["depends_on"] == {
        "db": {"condition": "service_healthy"},
        "migrate": {"condition": "service_completed_successfully"},
    }
    assert SERVICES["proxy"]["depends_on"]["app"]["condition"] == "service_healthy"


def test_the_migration_is_a_one_off_of_the_app_s_own_image():
    migrate = SERVICES["migrate"]
    assert migrate["command"] == ["python", "app.py", "migrate"] and migrate["restart"] == "no"
    assert migrate["image"] == SERVICES["app"]["image"] and migrate["build"] == SERVICES["app"]["build"]
    assert migrate["environment"]["DATABASE_URL"] == SERVICES["app"]["environment"]["DATABASE_URL"]
    # Replicas don't race to migrate at start: the release step did it once.
    assert SERVICES["app"]["environment"]["HIREDESK_MIGRATE_AT_START"] == "off"


def test_the_app_scales_behind_the_proxy():
    app = SERVICES["app"]
    assert "container_name" not in app and "ports" not in app, "a fixed name or host port stops --scale app=N"
    assert "scale" not in app and "replicas" not in app.get("deploy", {})
    assert "restart" in app and "stop_grace_period" in app


def test_the_database_keeps_its_data_in_a_named_volume():
    mounts = SERVICES["db"]["volumes"]
    assert "db-data:/var/lib/postgresql/data" in mounts and "db-data" in COMPOSE["volumes"]


def test_no_secret_is_written_into_compose_yaml():
    for path, value in strings_in(COMPOSE):
        where = "/".join(path)
        assert not SLACK_TOKEN.search(value), f"{where}: a Slack token"
        if SECRET_NAME.search(path[-1]):
            assert INTERPOLATION.fullmatch(value), f"{where}: a secret must come from .env as ${{...}}, not inline"
        for user_info in re.findall(r"://[^/@\s]*:([^/@\s]*)@", value):
            assert INTERPOLATION.fullmatch(user_info), f"{where}: a password inline in a URL"
    for service in ("app", "migrate"):
        assert SERVICES[service]["env_file"] == ".env"
    assert ".env" in (ROOT / ".gitignore").read_text().split()


def test_compose_refuses_to_start_without_the_secrets():
    url = SERVICES["app"]["environment"]["DATABASE_URL"]
    with pytest.raises(LookupError, match="POSTGRES_PASSWORD"):
        interpolate(url)
    assert interpolate(url, {"POSTGRES_PASSWORD": "abc123"}) == "postgresql+psycopg2://hiredesk:abc123@db:5432/hiredesk"
    for variable in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"):
        with pytest.raises(LookupError, match=variable):
            interpolate(SERVICES["app"]["environment"][variable])


def published_ports(service: dict) -> list[str]:
    return [str(port if not isinstance(port, dict) else port.get("published", "")) for port in service.get("ports", [])]


def test_metrics_are_not_published():
    for name, service in SERVICES.items():
        for port in published_ports(service):
            assert not interpolate(port).endswith(":3000"), f"{name} publishes the app's port"
    assert re.search(r"handle /metrics\*\s*\{\s*respond 404\s*\}", CADDYFILE), "the proxy must not pass /metrics on"
    assert CADDYFILE.index("handle /metrics*") < CADDYFILE.index("reverse_proxy")
    for port in published_ports(SERVICES.get("prometheus", {})):
        assert port.startswith("127.0.0.1:"), "Prometheus is for this host only"


def test_the_proxy_buffers_requests_balances_replicas_and_takes_a_domain():
    proxy = SERVICES["proxy"]
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"]
    assert re.search(r"request_buffers\s+unlimited", CADDYFILE) and re.search(r"max_size\s+\d+MB", CADDYFILE)
    assert re.search(r"dynamic a app 3000", CADDYFILE), "every replica of the app service, re-resolved"
    assert "{$HIREDESK_DOMAIN}" in CADDYFILE and interpolate(proxy["environment"]["HIREDESK_DOMAIN"]) == ":80"
    assert (
        interpolate(proxy["environment"]["HIREDESK_DOMAIN"], {"HIREDESK_DOMAIN": "hd.example.com"}) == "hd.example.com"
    )
    assert {interpolate(p) for p in published_ports(proxy)} == {"80:80", "443:443", "443:443/udp"}
    assert "caddy-data:/data" in proxy["volumes"], "certificates survive a restart"


def variables_the_app_reads() -> set[str]:
    names = {field.alias for field in Settings.model_fields.values() if field.alias}
    for path in [ROOT / "app.py", *(ROOT / "bot").rglob("*.py"), *(ROOT / "db").rglob("*.py")]:
        names |= set(re.findall(r"os\.environ(?:\.get\(|\[)\s*[\"']([A-Z][A-Z0-9_]+)[\"']", path.read_text()))
    names.add(metrics.MULTIPROCESS_DIR_VARIABLE)
    names |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]+)", (ROOT / "deploy" / "docker-entrypoint.sh").read_text()))
    return names


def test_env_example_lists_every_variable():
    listed = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", ENV_EXAMPLE, re.MULTILINE))
    compose_variables = {m["name"] for m in INTERPOLATION.finditer(COMPOSE_TEXT)}
    assert sorted((variables_the_app_reads() | compose_variables) - listed) == []
    assert {"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "POSTGRES_PASSWORD"} <= set(
        re.findall(r"^([A-Z][A-Z0-9_]+)=$", ENV_EXAMPLE, re.MULTILINE)
    ), "the secrets compose requires are there to fill in"


def test_env_example_holds_no_secret():
    for line in ENV_EXAMPLE.splitlines():
        name, _, value = line.lstrip("# ").partition("=")
        if SECRET_NAME.search(name) and not line.startswith("#"):
            assert value == "", f"{name} must be left for the operator to fill in"
    assert not SLACK_TOKEN.search(ENV_EXAMPLE.replace("xoxb-…", "").replace("xapp-…", ""))


def test_prometheus_scrapes_every_replica_and_alerts_on_metrics_that_exist(delivery_counts_registered):
    config = yaml.safe_load((ROOT / "deploy" / "prometheus.yml").read_text())
    (job,) = config["scrape_configs"]
    assert job["dns_sd_configs"] == [{"names": ["app"], "type": "A", "port": 3000, "refresh_interval": "15s"}]
    exposed = {m.split()[2] for m in metrics.render()[0].decode().splitlines() if m.startswith("# TYPE ")}
    rules = yaml.safe_load((ROOT / "deploy" / "alerts.yml").read_text())["groups"][0]["rules"]
    assert rules
    for rule in rules:
        for name in re.findall(r"\bhiredesk_[a-z_]+", rule["expr"]):
            family = re.sub(r"_(bucket|sum|count)$", "", name)
            assert family in exposed, f"{rule['alert']} uses {name}, which the app does not expose"


@pytest.fixture
def delivery_counts_registered():
    metrics.register_delivery_counts(lambda: {"pending": 0, "failed": 0, "posted": 0})
    yield
    metrics.register_delivery_counts(None)
