# syntax=docker/dockerfile:1
# Production image. gunicorn serves the site; the same image runs the Celery worker and beat
# (see docker-compose.yml and docs/DEPLOY.md). Configuration comes only from the environment.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    DJANGO_PRODUCTION=true \
    DJANGO_STATIC_ROOT=/app/staticfiles \
    DJANGO_MEDIA_ROOT=/data/media

# WeasyPrint's runtime (Pango, HarfBuzz) and fonts: Noto CJK so Chinese renders in the PDFs.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libharfbuzz0b \
        shared-mime-info fonts-noto-cjk fonts-dejavu-core gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, read from pyproject.toml alone, so that a code change does not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .

# Install the project itself (no dev extra), then collect static files for WhiteNoise. Production
# settings refuse to load without a secret key, hosts and message backends: dummy values, for this step only.
RUN pip install --no-deps . \
    && rm -rf build ./*.egg-info \
    && DJANGO_SECRET_KEY=collectstatic-only-not-a-secret DJANGO_ALLOWED_HOSTS=localhost \
        SMS_BACKEND=appraisal.messaging.backends.FileSmsBackend EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend \
        python manage.py collectstatic --noinput \
    && DJANGO_SECRET_KEY=build-only-not-a-secret DJANGO_ALLOWED_HOSTS=localhost \
        SMS_BACKEND=appraisal.messaging.backends.FileSmsBackend EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend \
        python manage.py build_pdf_font \
    && DJANGO_SECRET_KEY=build-only-not-a-secret DJANGO_ALLOWED_HOSTS=localhost \
        SMS_BACKEND=appraisal.messaging.backends.FileSmsBackend EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend \
        python manage.py compilemessages

# Run as an unprivileged user. Uploads (personal data) live in /data/media, a volume that the web and
# worker containers share; Docker copies this directory's ownership into a new named volume.
RUN useradd --create-home --uid 10001 --user-group app \
    && install -d -o app -g app /data/media \
    && install -d -o app -g app -m 700 /data/signing-keys
USER app

EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
