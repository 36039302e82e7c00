"""Settings of the test deployments (subprocesses): the platform's, with a fast password hasher."""

from tongban.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
