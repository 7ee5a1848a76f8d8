"""Schemathesis hooks of tests/api/conformance.py (loaded through SCHEMATHESIS_HOOKS).

Package uploads are `application/zip` bodies, which schemathesis has no serializer for: they
are sent as raw bytes, like `application/octet-stream`.
"""

import schemathesis

schemathesis.serializer.alias("application/zip", "application/octet-stream")
