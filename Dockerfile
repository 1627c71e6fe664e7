FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app

COPY pyproject.toml README.md ./
COPY archive ./archive
COPY ingest ./ingest
RUN pip install --no-cache-dir .

COPY . .
# Collect static files at build time; the key is a placeholder only collectstatic sees.
RUN PRODUCTION=true SECRET_KEY=collectstatic DATABASE_URL=postgres://x@localhost/x \
    python manage.py collectstatic --noinput

RUN useradd --system --home /app archive && chown -R archive /app
USER archive
EXPOSE 8000
CMD ["sh", "-c", "python manage.py migrate --noinput && gunicorn archive.wsgi --bind 0.0.0.0:8000 --workers 3 --access-logfile -"]
