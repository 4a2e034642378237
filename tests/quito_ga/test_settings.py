import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-production-secret-key-for-tests-only-9f3b7c1e5a2d8f4b6c0e1a3d5f7b9c2e",
    "DJANGO_ALLOWED_HOSTS": "gobiernoabierto.quito.gob.ec",
    "DJANGO_HTTPS": "1",
    "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "DJANGO_EMAIL_HOST": "smtp.quito.gob.ec",
    "DJANGO_STAFF_MFA": "1",
}


def manage(*args, env):
    base = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_missing_secret_key_in_production_fails_with_one_clear_line():
    result = manage("check", env={"DJANGO_DEBUG": "0"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_debug_mode_runs_without_a_secret_key():
    result = manage("check", env={"DJANGO_DEBUG": "1"})
    assert result.returncode == 0, result.stderr


def test_deploy_check_is_clean_with_production_variables():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_deploy_check_reports_staff_accounts_without_a_second_factor():
    result = manage("check", "--deploy", env={**PRODUCTION_ENV, "DJANGO_STAFF_MFA": "0"})
    assert "quito_ga.W001" in result.stdout + result.stderr
    assert "DJANGO_STAFF_MFA=1" in result.stdout + result.stderr


def test_uploads_go_to_s3_compatible_storage_when_a_bucket_is_configured():
    script = "from django.conf import settings; print(settings.STORAGES['default']['BACKEND'])"
    local = manage("shell", "-c", script, env={"DJANGO_DEBUG": "1"})
    assert local.stdout.strip().endswith("FileSystemStorage")
    s3 = manage("shell", "-c", script, env={"DJANGO_DEBUG": "1", "DJANGO_S3_BUCKET": "evidencias-quito"})
    assert s3.stdout.strip().endswith("storages.backends.s3.S3Storage")
