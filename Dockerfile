# The jiandu API and CLI, for use with the Neo4j service in docker-compose.yml.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY jiandu ./jiandu
COPY graph ./graph
COPY ingest ./ingest
COPY api ./api
COPY queries ./queries
COPY visualizations ./visualizations
RUN pip install --no-cache-dir .
ENV JIANDU_STORE=neo4j://neo4j:7687
EXPOSE 8000
CMD ["jiandu", "serve", "--host", "0.0.0.0", "--port", "8000", "--public"]
