FROM python:3.11-slim-bookworm

# WeasyPrint's system libraries and a serif font covering Vietnamese (Liberation Serif 2).
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation2 gettext \
 && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY pyproject.toml ./
RUN pip install "setuptools<81" wheel \
 && pip install --no-build-isolation "xstatic-bootstrap>=5.3"
COPY . .
RUN pip install . \
 && DJANGO_SECRET_KEY=build-only python manage.py compilemessages --ignore=.venv \
 && DJANGO_SECRET_KEY=build-only DJANGO_DEBUG=false python manage.py collectstatic --noinput

RUN useradd --create-home app && mkdir -p /data/media /app/var && chown -R app /data /app/var
USER app
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2"]
