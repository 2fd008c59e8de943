"""schemathesis hooks for `npm run fuzz` (scripts/fuzz.ts): sign the ConnectPSP webhooks it generates.

ConnectPSP signs each webhook with HMAC-SHA256 (hex) of the raw body keyed with the CryptoToken. Without a
signature every generated event stops at the 401 and the receiver itself is never fuzzed. A case that carries
an X-Connect-Signature header gets the right one for the exact bytes requests will send (json.dumps with its
defaults); a case without the header is left alone, so the missing-header checks still see their 401.
"""

import hashlib
import hmac
import json
import os

import schemathesis

CRYPTO_TOKEN = os.environ["FUZZ_CONNECTPSP_CRYPTO_TOKEN"].encode()


@schemathesis.hook
def before_call(context, case, kwargs):
    if case.path != "/webhooks/connectpsp" or not case.headers or "X-Connect-Signature" not in case.headers:
        return
    if not isinstance(case.body, (dict, list)):
        return
    raw = json.dumps(case.body, allow_nan=False).encode("utf-8")
    case.headers["X-Connect-Signature"] = hmac.new(CRYPTO_TOKEN, raw, hashlib.sha256).hexdigest()
