"""Tests of lambda/payment_processor.py against a real moto_server, spoken to over HTTP.

setUpModule starts moto's server on 127.0.0.1 (a free port), creates the table, the versioned
audit bucket and the secret the way the template does, and imports the handler module by path
with the environment Lambda would give it. The module finds the emulator only through
AWS_ENDPOINT_URL, so the tests also prove boto3 honours that variable. A module cleanup stops
the server whatever happens; on Linux the server also dies with this process.

The server is moto_server's own entry point (moto.server.main) run by this interpreter, with one
change: it handles one request at a time. moto applies TransactWriteItems without a lock (check,
write, and on failure restore a snapshot of the table), so concurrent transactions on one key can
erase a committed item or both commit; 16 threads hit that in 2 of 60 runs. DynamoDB serializes
conflicting transactions; the serialized server models that, and the 16 handlers still race.

Run from the repository root: python3 -m unittest discover -s tests/lambda -v
"""
import base64
import contextlib
import hashlib
import importlib.util
import io
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from unittest import mock

import boto3
from botocore.exceptions import ClientError

ROOT = Path(__file__).resolve().parents[2]
MODULE_PATH = ROOT / "lambda" / "payment_processor.py"
REGION = "us-east-1"
TABLE = "payments-test"
BUCKET = "payments-audit-test"
SECRET_NAME = "payments/api-key"
API_KEY = "key-" + secrets.token_hex(16)
BODY = {"amount": "10.50", "currency": "USD", "merchant_id": "mch_001", "customer_id": "cus-42"}
VIEW_FIELDS = {"transaction_id", "status", "amount", "currency", "merchant_id", "customer_id",
               "created_at", "region"}

server = None    # the moto_server process
ENDPOINT = None  # its URL
SECRET_ARN = None
pp = None        # the module under test


# --- the emulator -------------------------------------------------------------------------------

def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _die_with_parent():
    """Runs in the child before exec: on Linux, SIGTERM it when the test process dies."""
    try:
        import ctypes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _answers(url):
    try:
        with urllib.request.urlopen(url + "/moto-api/", timeout=1) as resp:
            return resp.status == 200
    except OSError:
        return False


# moto_server (moto.server.main), handling one request at a time; see the module docstring.
SERIAL_MOTO_SERVER = """
import sys, threading
from moto.moto_server.werkzeug_app import DomainDispatcherApplication as App
from moto.server import main
call, lock = App.__call__, threading.Lock()
def serial(self, environ, start_response):
    with lock:
        return call(self, environ, start_response)
App.__call__ = serial
sys.exit(main(sys.argv[1:]))
"""


def _start_server():
    """Starts moto's server on a free port and waits until it answers; returns (process, url)."""
    if importlib.util.find_spec("moto") is None:
        raise RuntimeError(f"{sys.executable} has no moto: pip install 'moto[server]'")
    for _ in range(3):  # another process may take the port between probe and bind
        port = _free_port()
        log = tempfile.TemporaryFile()
        cmd = [sys.executable, "-c", SERIAL_MOTO_SERVER, "-H", "127.0.0.1", "-p", str(port)]
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                stdout=log, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)
        unittest.addModuleCleanup(log.close)
        unittest.addModuleCleanup(_stop, proc)  # cleanups run last first: stop, then close
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while proc.poll() is None and time.monotonic() < deadline:
            if _answers(url):
                return proc, url
            time.sleep(0.1)
        _stop(proc)
        log.seek(0)
        sys.stderr.write(log.read().decode(errors="replace")[-2000:])
    raise RuntimeError("moto server did not start")


def _stop(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def aws(service):
    """A boto3 client of the tests' own, pointed explicitly at the emulator."""
    return boto3.client(service, endpoint_url=ENDPOINT, region_name=REGION,
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def setUpModule():
    global server, ENDPOINT, SECRET_ARN, pp
    env = mock.patch.dict(os.environ)
    env.start()
    unittest.addModuleCleanup(env.stop)
    for name in list(os.environ):
        if name.startswith("AWS_"):
            del os.environ[name]
    os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                      AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull,
                      AWS_EC2_METADATA_DISABLED="true")
    server, ENDPOINT = _start_server()

    aws("dynamodb").create_table(
        TableName=TABLE, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
    aws("s3").create_bucket(Bucket=BUCKET)
    aws("s3").put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    SECRET_ARN = aws("secretsmanager").create_secret(Name=SECRET_NAME, SecretString=API_KEY)["ARN"]

    os.environ.update(AWS_REGION=REGION, AWS_ENDPOINT_URL=ENDPOINT, TABLE_NAME=TABLE,
                      AUDIT_BUCKET=BUCKET, API_KEY_SECRET_ARN=SECRET_ARN, REGION_ROLE="primary")
    spec = importlib.util.spec_from_file_location("payment_processor", MODULE_PATH)
    pp = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(pp)


# --- calling the handler ------------------------------------------------------------------------

class Context:
    aws_request_id = "req-test"


class Response:
    def __init__(self, raw, logs):
        self.raw, self.status, self.headers = raw, raw["statusCode"], raw["headers"]
        self.body = json.loads(raw["body"])
        self.logs = [json.loads(line) for line in logs.splitlines()]

    @property
    def code(self):
        return self.body.get("error", {}).get("code")


def event(method, path, body=None, headers=None, b64=False):
    return {"version": "2.0", "rawPath": path, "rawQueryString": "", "headers": headers or {},
            "requestContext": {"http": {"method": method, "path": path}},
            "body": body, "isBase64Encoded": b64}


def call(method, path, body=None, headers=None, b64=False):
    """Invokes the handler; checks that the response and every log line are JSON, and that no
    log line holds the real API key or whatever key the request carried."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        raw = pp.handler(event(method, path, body, headers, b64), Context())
    assert raw["headers"]["content-type"] == "application/json", raw
    logs = out.getvalue()
    for secret in {API_KEY, (headers or {}).get("x-api-key") or API_KEY}:
        assert secret not in logs, "API key in the log"
    return Response(raw, logs)


def new_key():
    return "idem-" + uuid.uuid4().hex


def post(body=BODY, key=API_KEY, idem="new", raw=None, b64=False):
    """POST /payments; body is JSON-encoded unless raw is given; idem "new" is a fresh key."""
    headers = {"content-type": "application/json"}
    if key is not None:
        headers["x-api-key"] = key
    if idem is not None:
        headers["idempotency-key"] = new_key() if idem == "new" else idem
    data = raw if raw is not None else json.dumps(body)
    if b64:
        data = base64.b64encode(data.encode() if isinstance(data, str) else data).decode()
    return call("POST", "/payments", data, headers, b64)


def get(txn_id, key=API_KEY):
    return call("GET", f"/payments/{txn_id}", headers={"x-api-key": key} if key else {})


def item(pk):
    """The stored item under pk as {name: string}, or None."""
    got = aws("dynamodb").get_item(TableName=TABLE, Key={"pk": {"S": pk}}, ConsistentRead=True)
    return got.get("Item") and {k: v["S"] for k, v in got["Item"].items()}


def items_for(idempotency_key):
    pages = aws("dynamodb").get_paginator("scan").paginate(
        TableName=TABLE, FilterExpression="idempotency_key = :k",
        ExpressionAttributeValues={":k": {"S": idempotency_key}})
    return [i for page in pages for i in page["Items"]]


def canonical_hash(payment):
    text = json.dumps(payment, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def audit_key(view, prefix="audit/"):
    return f"{prefix}{view['created_at'][:10].replace('-', '/')}/{view['transaction_id']}.json"


def audit_versions(key):
    s3 = aws("s3")
    versions = s3.list_object_versions(Bucket=BUCKET, Prefix=key).get("Versions", [])
    return [(v["VersionId"], s3.get_object(Bucket=BUCKET, Key=key, VersionId=v["VersionId"])
             ["Body"].read()) for v in versions if v["Key"] == key]


# --- the tests ----------------------------------------------------------------------------------

class CreateTest(unittest.TestCase):
    def test_created_payment_is_stored_twice_with_string_amount(self):
        idem = new_key()
        resp = post(idem=idem)
        self.assertEqual(resp.status, 201)
        self.assertNotIn("idempotent-replayed", resp.headers)
        view = resp.body
        self.assertEqual(set(view), VIEW_FIELDS)
        self.assertRegex(view["transaction_id"], r"^txn_[0-9a-f]{32}$")
        self.assertEqual({k: view[k] for k in BODY}, BODY)
        self.assertEqual((view["status"], view["region"]), ("accepted", REGION))
        self.assertRegex(view["created_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        stored = item("idem#" + idem)
        self.assertEqual(stored, dict(view, pk="idem#" + idem, idempotency_key=idem,
                                      request_hash=canonical_hash(BODY)))
        self.assertEqual(item("txn#" + view["transaction_id"]),
                         dict(stored, pk="txn#" + view["transaction_id"]))
        raw = aws("dynamodb").get_item(TableName=TABLE, Key={"pk": {"S": "idem#" + idem}})
        self.assertEqual(raw["Item"]["amount"], {"S": "10.50"})  # a string, never a number

    def test_amounts_are_normalised_to_the_currency_minor_unit(self):
        for amount, currency, stored in [
                ("10.5", "USD", "10.50"), ("7", "EUR", "7.00"), ("0.01", "GBP", "0.01"),
                ("99999999.99", "USD", "99999999.99"), ("1000", "JPY", "1000")]:
            with self.subTest(amount=amount, currency=currency):
                resp = post(dict(BODY, amount=amount, currency=currency))
                self.assertEqual(resp.status, 201, resp.body)
                self.assertEqual(resp.body["amount"], stored)

    def test_base64_body_is_decoded(self):
        resp = post(b64=True)
        self.assertEqual(resp.status, 201, resp.body)
        self.assertEqual(resp.body["amount"], "10.50")

    def test_request_log_line_has_outcome_and_no_secrets(self):
        resp = post()
        self.assertEqual(len(resp.logs), 1)
        line = resp.logs[0]
        self.assertEqual((line["event"], line["status"], line["route"], line["method"]),
                         ("request", 201, "/payments", "POST"))
        self.assertEqual(line["transaction_id"], resp.body["transaction_id"])
        self.assertEqual((line["region"], line["role"], line["request_id"]),
                         (REGION, "primary", "req-test"))
        self.assertNotIn("x-api-key", json.dumps(line))


class AuthTest(unittest.TestCase):
    def setUp(self):
        pp._secret["at"] = float("-inf")  # the next request fetches the secret

    def tearDown(self):
        aws("secretsmanager").put_secret_value(SecretId=SECRET_ARN, SecretString=API_KEY)
        pp._secret["at"] = float("-inf")

    def count_fetches(self):
        """A list that grows by one on each GetSecretValue the module sends."""
        fetches, name = [], "before-call.secrets-manager.GetSecretValue"
        events = pp._client("secretsmanager").meta.events

        def hook(**_):
            fetches.append(1)

        events.register(name, hook)
        self.addCleanup(events.unregister, name, hook)
        return fetches

    def assert_unauthorized(self, resp):
        self.assertEqual((resp.status, resp.code), (401, "unauthorized"), resp.body)

    def test_missing_key(self):
        self.assert_unauthorized(post(key=None))
        self.assert_unauthorized(post(key=""))

    def test_wrong_keys(self):
        for key in ["wrong", API_KEY[:-1], API_KEY + "x", API_KEY.upper(), "k\u00e9y", "\ud800"]:
            with self.subTest(key=key):
                self.assert_unauthorized(post(key=key))

    def test_key_is_checked_before_the_body(self):
        self.assert_unauthorized(post(raw="{", key="wrong", idem=None))

    def test_mismatch_refetches_at_most_once_per_window(self):
        self.assertEqual(post().status, 201)  # warm cache
        fetches = self.count_fetches()
        for _ in range(5):
            self.assert_unauthorized(post(key="wrong"))
        self.assertEqual(len(fetches), 0)  # fetched less than SECRET_REFRESH_SECONDS ago
        pp._secret["at"] -= pp.SECRET_REFRESH_SECONDS + 1
        for _ in range(5):
            self.assert_unauthorized(post(key="wrong"))
        self.assertEqual(len(fetches), 1)

    def test_rotated_key_is_picked_up(self):
        self.assertEqual(post().status, 201)
        fetches = self.count_fetches()
        rotated = "rotated-" + secrets.token_hex(16)
        aws("secretsmanager").put_secret_value(SecretId=SECRET_ARN,
                                               SecretString=json.dumps({"api_key": rotated}))
        self.assert_unauthorized(post(key=rotated))  # inside the refresh window
        self.assertEqual(len(fetches), 0)
        with mock.patch.object(pp, "SECRET_REFRESH_SECONDS", 0):
            self.assertEqual(post(key=rotated).status, 201)
            self.assertEqual(len(fetches), 1)
            self.assert_unauthorized(post(key=API_KEY))  # the old key is gone

    def test_old_cache_is_refreshed_even_when_the_key_matches(self):
        self.assertEqual(post().status, 201)
        aws("secretsmanager").put_secret_value(SecretId=SECRET_ARN, SecretString="revoked-all")
        pp._secret["at"] -= pp.SECRET_MAX_AGE
        self.assert_unauthorized(post(key=API_KEY))
        self.assertEqual(post(key="revoked-all").status, 201)

    def test_get_needs_the_key(self):
        txn = post().body["transaction_id"]
        self.assert_unauthorized(get(txn, key=None))
        self.assert_unauthorized(get(txn, key="wrong"))

    def test_unusable_secret_is_a_500(self):
        aws("secretsmanager").put_secret_value(SecretId=SECRET_ARN,
                                               SecretString=json.dumps({"other": "x"}))
        pp._secret["at"] = float("-inf")
        resp = post()
        self.assertEqual((resp.status, resp.body), (500, {"error": {
            "code": "internal_error", "message": "internal error"}}))


class ValidationTest(unittest.TestCase):
    def assert_rejected(self, resp, code, idem=None):
        self.assertEqual((resp.status, resp.code), (400, code), resp.body)
        self.assertEqual(set(resp.body), {"error"})
        self.assertIsInstance(resp.body["error"]["message"], str)
        if idem:
            self.assertIsNone(item("idem#" + idem))

    def test_invalid_fields(self):
        cases = [
            ({"amount": "10.001"}, "invalid_amount"), ({"amount": "0"}, "invalid_amount"),
            ({"amount": "0.00"}, "invalid_amount"), ({"amount": "-5"}, "invalid_amount"),
            ({"amount": 10}, "invalid_amount"), ({"amount": 10.5}, "invalid_amount"),
            ({"amount": "abc"}, "invalid_amount"), ({"amount": "1e3"}, "invalid_amount"),
            ({"amount": " 10"}, "invalid_amount"), ({"amount": "10."}, "invalid_amount"),
            ({"amount": ".5"}, "invalid_amount"), ({"amount": "010"}, "invalid_amount"),
            ({"amount": "100000000"}, "invalid_amount"), ({"amount": "NaN"}, "invalid_amount"),
            ({"amount": "10\n"}, "invalid_amount"), ({"amount": "\u0661\u0660"}, "invalid_amount"),
            ({"amount": None}, "invalid_amount"), ({"amount": ["1"]}, "invalid_amount"),
            ({"amount": "10.5", "currency": "JPY"}, "invalid_amount"),
            ({"currency": "usd"}, "invalid_currency"), ({"currency": "XXX"}, "invalid_currency"),
            ({"currency": "ABC"}, "invalid_currency"), ({"currency": "USDX"}, "invalid_currency"),
            ({"currency": 840}, "invalid_currency"), ({"currency": "XAU"}, "invalid_currency"),
            ({"merchant_id": ""}, "invalid_merchant_id"),
            ({"merchant_id": 5}, "invalid_merchant_id"),
            ({"merchant_id": "a b"}, "invalid_merchant_id"),
            ({"merchant_id": "m" * 65}, "invalid_merchant_id"),
            ({"merchant_id": "../etc"}, "invalid_merchant_id"),
            ({"customer_id": "c<script>"}, "invalid_customer_id"),
            ({"customer_id": {"id": 1}}, "invalid_customer_id"),
            ({"card_number": "4111111111111111"}, "unknown_field"),
        ]
        for change, code in cases:
            with self.subTest(change=change):
                idem = new_key()
                self.assert_rejected(post(dict(BODY, **change), idem=idem), code, idem)

    def test_bounds_that_pass(self):
        for change in [{"merchant_id": "m" * 64}, {"amount": "0.01"}, {"currency": "CHF"}]:
            with self.subTest(change=change):
                self.assertEqual(post(dict(BODY, **change)).status, 201)

    def test_missing_fields(self):
        for field in BODY:
            with self.subTest(field=field):
                body = {k: v for k, v in BODY.items() if k != field}
                resp = post(body)
                self.assert_rejected(resp, "missing_field")
                self.assertIn(field, resp.body["error"]["message"])

    def test_malformed_bodies(self):
        for raw in ["{", "", "[]", '"x"', "null", "1", '{"amount": NaN}x', "\ud800",
                    "[" * 4000 + "]" * 4000]:
            with self.subTest(raw=raw[:20]):
                self.assert_rejected(post(raw=raw), "invalid_json")

    def test_bad_base64_and_bad_utf8(self):
        encoded = base64.b64encode(json.dumps(BODY).encode()).decode()
        for raw in ["not base64!", encoded[:8] + "!" + encoded[8:], encoded[:-1]]:
            with self.subTest(raw=raw):  # stray characters are an error, not skipped
                self.assert_rejected(call("POST", "/payments", raw, {
                    "x-api-key": API_KEY, "idempotency-key": new_key()}, b64=True), "invalid_json")
        self.assert_rejected(post(raw=b'{"amount": "\xff"}', b64=True), "invalid_json")

    def test_oversize_body(self):
        huge = json.dumps(dict(BODY, pad="x" * 9000))
        self.assert_rejected(post(raw=huge), "body_too_large")
        self.assert_rejected(post(raw=huge, b64=True), "body_too_large")

    def test_idempotency_key_header(self):
        self.assert_rejected(post(idem=None), "missing_idempotency_key")
        self.assert_rejected(post(idem=""), "missing_idempotency_key")
        for idem in ["short", "has space here", "k" * 129, "semi;colon-key", "key\nnewline"]:
            with self.subTest(idem=idem):
                self.assert_rejected(post(idem=idem), "invalid_idempotency_key")
        self.assertEqual(post(idem="k" * 128).status, 201)

    def test_header_names_are_case_insensitive(self):
        resp = call("POST", "/payments", json.dumps(BODY),
                    {"X-Api-Key": API_KEY, "Idempotency-Key": new_key()})
        self.assertEqual(resp.status, 201, resp.body)


class IdempotencyTest(unittest.TestCase):
    def test_replay_returns_the_original(self):
        idem = new_key()
        first = post(idem=idem)
        self.assertEqual(first.status, 201)
        for body in [BODY, dict(BODY, amount="10.5")]:  # the same payment, written differently
            again = post(body, idem=idem)
            self.assertEqual((again.status, again.body), (201, first.body))
            self.assertEqual(again.headers.get("idempotent-replayed"), "true")
        self.assertEqual(len(items_for(idem)), 2)

    def test_same_key_other_body_is_a_conflict(self):
        idem = new_key()
        first = post(idem=idem)
        stored = item("idem#" + idem)
        for change in [{"amount": "10.51"}, {"currency": "EUR"}, {"customer_id": "cus-43"}]:
            with self.subTest(change=change):
                resp = post(dict(BODY, **change), idem=idem)
                self.assertEqual((resp.status, resp.code), (409, "idempotency_conflict"))
        self.assertEqual(item("idem#" + idem), stored)
        self.assertEqual(get(first.body["transaction_id"]).body, first.body)
        self.assertEqual(len(items_for(idem)), 2)

    def test_concurrent_requests_store_one_transaction(self):
        idem, threads = new_key(), 16
        ev = event("POST", "/payments", json.dumps(BODY),
                   {"x-api-key": API_KEY, "idempotency-key": idem})
        start = threading.Barrier(threads)

        def one(_):
            start.wait()
            return pp.handler(ev, Context())

        with contextlib.redirect_stdout(io.StringIO()), ThreadPoolExecutor(threads) as pool:
            results = list(pool.map(one, range(threads)))
        self.assertEqual([r["statusCode"] for r in results], [201] * threads)
        ids = {json.loads(r["body"])["transaction_id"] for r in results}
        self.assertEqual(len(ids), 1)
        fresh = [r for r in results if "idempotent-replayed" not in r["headers"]]
        self.assertEqual(len(fresh), 1)
        stored = items_for(idem)
        self.assertEqual(sorted(i["pk"]["S"] for i in stored),
                         sorted(["idem#" + idem, "txn#" + ids.pop()]))


class TransactionConflictTest(unittest.TestCase):
    """A transaction cancelled by a writer that has not committed yet (not seen in moto)."""
    CONFLICT = ClientError({"Error": {"Code": "TransactionCanceledException", "Message": "x"},
                            "CancellationReasons": [{"Code": "TransactionConflict"}]},
                           "TransactWriteItems")

    def test_write_is_retried_until_it_lands(self):
        client, idem, calls = pp._client("dynamodb"), new_key(), []
        real = client.transact_write_items

        def conflict_once(**kwargs):
            calls.append(kwargs)
            if len(calls) == 1:
                raise self.CONFLICT
            return real(**kwargs)

        with mock.patch.object(client, "transact_write_items", side_effect=conflict_once):
            resp = post(idem=idem)
        self.assertEqual(resp.status, 201, resp.body)
        self.assertNotIn("idempotent-replayed", resp.headers)
        self.assertEqual(len(calls), 2)
        self.assertEqual(calls[0], calls[1])  # the same record, so the same transaction id
        self.assertEqual(len(items_for(idem)), 2)

    def test_endless_conflicts_are_a_503(self):
        client, idem = pp._client("dynamodb"), new_key()
        with mock.patch.object(client, "transact_write_items", side_effect=self.CONFLICT) as tw:
            resp = post(idem=idem)
        self.assertEqual((resp.status, resp.code), (503, "service_unavailable"))
        self.assertEqual(tw.call_count, 5)
        self.assertEqual(items_for(idem), [])


class AuditTest(unittest.TestCase):
    def expected(self, view):
        return dict(view, event="payment.accepted", request_hash=canonical_hash(
            {k: view[k] for k in BODY}))

    def test_audit_record_in_versioned_bucket(self):
        idem = new_key()
        view = post(idem=idem).body
        versions = audit_versions(audit_key(view))
        self.assertEqual(len(versions), 1)
        version_id, data = versions[0]
        self.assertNotEqual(version_id, "null")  # versioning is on
        self.assertEqual(json.loads(data), self.expected(view))
        for secret in [API_KEY, idem, "x-api-key"]:
            self.assertNotIn(secret.encode(), data)

    def test_replay_rewrites_identical_content(self):
        idem = new_key()
        view = post(idem=idem).body
        post(idem=idem)
        versions = audit_versions(audit_key(view))
        self.assertEqual(len(versions), 2)
        self.assertEqual(versions[0][1], versions[1][1])

    def test_audit_prefix(self):
        with mock.patch.dict(os.environ, AUDIT_PREFIX="custom/audit/"):
            view = post().body
        self.assertEqual(len(audit_versions(audit_key(view, "custom/audit/"))), 1)
        self.assertEqual(audit_versions(audit_key(view)), [])

    def test_failed_audit_is_a_503_and_the_retry_writes_it(self):
        idem = new_key()
        with mock.patch.dict(os.environ, AUDIT_BUCKET="no-such-bucket-" + uuid.uuid4().hex):
            failed = post(idem=idem)
        self.assertEqual((failed.status, failed.code), (503, "service_unavailable"))
        self.assertEqual(failed.body["error"]["message"], "please retry")
        self.assertIsNotNone(item("idem#" + idem))
        retry = post(idem=idem)
        self.assertEqual(retry.status, 201)
        self.assertEqual(len(audit_versions(audit_key(retry.body))), 1)


class ReadTest(unittest.TestCase):
    def test_get_returns_the_created_view(self):
        created = post().body
        resp = get(created["transaction_id"])
        self.assertEqual((resp.status, resp.body), (200, created))

    def test_unknown_and_malformed_ids_are_404(self):
        for txn in ["txn_" + "0" * 32, "txn_" + uuid.uuid4().hex, "nope", "TXN_" + "a" * 32,
                    "txn_" + "a" * 33, "idem#x"]:
            with self.subTest(txn=txn):
                resp = get(txn)
                self.assertEqual((resp.status, resp.code), (404, "not_found"))


class HealthTest(unittest.TestCase):
    def test_healthy(self):
        resp = call("GET", "/health")
        self.assertEqual((resp.status, resp.body), (200, {"status": "ok", "region": REGION}))

    def test_missing_table_is_unavailable(self):
        with mock.patch.dict(os.environ, TABLE_NAME="no-such-table"):
            resp = call("GET", "/health")
        self.assertEqual((resp.status, resp.body), (503, {"status": "unavailable"}))
        self.assertEqual(resp.logs[0]["cause"], "ResourceNotFoundException")

    def test_unreachable_endpoint_is_unavailable_quickly(self):
        saved = dict(pp._clients)
        pp._clients.clear()  # clients read AWS_ENDPOINT_URL when they are made
        try:
            with mock.patch.dict(os.environ, AWS_ENDPOINT_URL=f"http://127.0.0.1:{_free_port()}"):
                started = time.monotonic()
                resp = call("GET", "/health")
                elapsed = time.monotonic() - started
                payment = post()
        finally:
            pp._clients.clear()
            pp._clients.update(saved)
        self.assertEqual((resp.status, resp.body), (503, {"status": "unavailable"}))
        self.assertLess(elapsed, 3)
        self.assertEqual((payment.status, payment.code), (503, "service_unavailable"))

    def test_missing_configuration(self):
        with mock.patch.dict(os.environ, TABLE_NAME=""):
            health, payment = call("GET", "/health"), post()
        self.assertEqual((health.status, health.body), (503, {"status": "unavailable"}))
        self.assertEqual((payment.status, payment.code), (500, "internal_error"))


class FailureTest(unittest.TestCase):
    def test_aws_failure_is_a_generic_503(self):
        with mock.patch.dict(os.environ, TABLE_NAME="no-such-table"):
            resp = post()
        self.assertEqual((resp.status, resp.body), (503, {"error": {
            "code": "service_unavailable", "message": "please retry"}}))
        failure = [line for line in resp.logs if line["event"] == "failure"]
        self.assertEqual(failure[0]["cause"], "ResourceNotFoundException")

    def test_unexpected_error_is_a_generic_500(self):
        with mock.patch.object(pp, "_audit", side_effect=KeyError("secret detail")):
            resp = post()
        self.assertEqual((resp.status, resp.body), (500, {"error": {
            "code": "internal_error", "message": "internal error"}}))
        self.assertNotIn("secret detail", json.dumps(resp.logs))
        self.assertRegex(resp.logs[0]["cause"], r"^KeyError at line \d+$")


class RouteTest(unittest.TestCase):
    def test_unknown_routes(self):
        for path in ["/", "/nope", "/payments/", "/payments/a/b", "/health/", "/Payments"]:
            with self.subTest(path=path):
                resp = call("GET", path, headers={"x-api-key": API_KEY})
                self.assertEqual((resp.status, resp.code), (404, "route_not_found"))

    def test_wrong_methods(self):
        for method, path, allow in [("DELETE", "/payments", "POST"), ("GET", "/payments", "POST"),
                                    ("POST", "/health", "GET"), ("PUT", "/payments/txn_1", "GET")]:
            with self.subTest(method=method, path=path):
                resp = call(method, path, headers={"x-api-key": API_KEY})
                self.assertEqual((resp.status, resp.code), (405, "method_not_allowed"))
                self.assertEqual(resp.headers["allow"], allow)


if __name__ == "__main__":
    unittest.main()
