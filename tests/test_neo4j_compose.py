"""docker-compose.yml: Neo4j 5.26 with a healthcheck and a volume, and the firecheck API built
from the Dockerfile, pointed at it. Validated with `docker compose config -q` (the Compose v2
plugin) or, where only the standalone tool is installed, `docker-compose config -q` — neither
needs a Docker engine. Without either it skips, and fails under CI=true.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest
import yaml

from conftest import REPO, in_ci

COMPOSE_FILE = REPO / "docker-compose.yml"
DOCKERFILE = REPO / "Dockerfile"


def compose_command() -> list[str] | None:
    """`docker compose` if the plugin answers, else `docker-compose`, else None."""
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True,
                               timeout=60, check=False)
        if probe.returncode == 0:
            return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


def test_docker_compose_config_accepts_the_file() -> None:
    command = compose_command()
    if command is None:
        message = ("neither `docker compose` nor `docker-compose` is installed "
                   "(Debian: apt-get install docker-compose)")
        if in_ci():
            pytest.fail(f"CI=true: cannot validate docker-compose.yml: {message}", pytrace=False)
        pytest.skip(message)
    done = subprocess.run([*command, "-f", str(COMPOSE_FILE), "config", "-q"], cwd=REPO,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""


def test_neo4j_has_a_healthcheck_and_a_volume_and_firecheck_waits_for_it() -> None:
    compose = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    neo4j, app = compose["services"]["neo4j"], compose["services"]["firecheck"]
    assert neo4j["image"] == "neo4j:5.26"
    assert "cypher-shell" in " ".join(neo4j["healthcheck"]["test"])
    assert "neo4j-data:/data" in neo4j["volumes"]
    assert "neo4j-data" in compose["volumes"]
    assert app["build"]["dockerfile"] == "Dockerfile"
    assert app["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert app["command"] == ["firecheck", "serve", "--host", "0.0.0.0", "--port", "8000",
                              "--store", "bolt://neo4j:7687"]
    assert app["environment"]["NEO4J_URI"] == "bolt://neo4j:7687"
    # The same transaction memory as the test server: a 50,000-rule pack fits in one import.
    assert neo4j["environment"]["NEO4J_db_memory_transaction_max"] == "1g"


def test_the_dockerfile_installs_the_project_and_serves_on_port_8000() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert text.startswith("#") and "\nFROM python:3.11-slim\n" in text
    assert "RUN pip install ." in text
    assert 'CMD ["firecheck", "serve", "--host", "0.0.0.0", "--port", "8000", ' \
           '"--store", "bolt://neo4j:7687"]' in text
    # Every package the project installs is copied into the image.
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    include = pyproject.split("include = [", 1)[1].split("]", 1)[0]
    for package in (p.strip().strip('"').rstrip("*") for p in include.split(",")):
        assert f"COPY {package}/ {package}/" in text, package
