# Front-end packages from npm (package-lock.json), copied into the image below.
FROM node:20-slim AS static
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM python:3.11-slim-bookworm

# WeasyPrint's system libraries and a serif font covering Vietnamese (Liberation Serif 2).
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation2 gettext \
 && rm -rf /var/lib/apt/lists/*

# The image never runs in debug: the secret key and the hosts come from the environment.
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 DJANGO_DEBUG=false
WORKDIR /app
COPY requirements.txt ./
RUN pip install --upgrade pip setuptools wheel && pip install -r requirements.txt
COPY . .
COPY --from=static /app/node_modules/bootstrap/dist /app/node_modules/bootstrap/dist
RUN DJANGO_SECRET_KEY=build-only python manage.py compilemessages --ignore=.venv \
 && DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput

RUN useradd --create-home app && mkdir -p /data/media /app/var && chown -R app /data /app/var
USER app
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2"]
