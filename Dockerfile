# firecheck's HTTP API and web pages, for docker-compose.yml (which pairs it with Neo4j 5.26).
#   docker compose up --build        → http://localhost:8000, rules in the `neo4j` service
# The image installs the project with its runtime dependencies only (no test or LLM extras).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY reasoning/ reasoning/
COPY graph/ graph/
COPY api/ api/
COPY extraction/ extraction/
COPY finetune/ finetune/
COPY examples/ examples/
RUN pip install . \
    && useradd --create-home --uid 10001 firecheck

USER firecheck
EXPOSE 8000
# /healthz answers without the store (api/deps.py opens it on first use).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=5 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["firecheck", "serve", "--host", "0.0.0.0", "--port", "8000", "--store", "bolt://neo4j:7687"]
