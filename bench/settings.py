"""Settings for the API load benchmark: the project's, plus a trivial endpoint; throttles off."""

from factcheck.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
SECURE_SSL_REDIRECT = False
API_THROTTLE_RATES = {"token": None, "writes": None}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
