"""The Dockerfile can't be built here (no Docker engine); check what would silently rot."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def test_image_contains_every_package_the_app_imports():
    for package in ("bot", "handlers", "db"):
        assert f"COPY {package} ./{package}" in DOCKERFILE
    assert "COPY app.py" in DOCKERFILE


def test_image_is_multi_stage_non_root_and_health_checked():
    assert DOCKERFILE.count("FROM python:3.11-slim") == 2
    assert "USER hiredesk" in DOCKERFILE and "HEALTHCHECK" in DOCKERFILE and "/healthz" in DOCKERFILE
    assert "pip install -r /tmp/requirements.txt" in DOCKERFILE  # the same pinned requirements as CI
