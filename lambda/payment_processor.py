"""Payment processor of the drlc payment stack: a Lambda function behind a function URL.

Inlined by the compiler as index.py (handler index.handler); stdlib and boto3; Python 3.11+.
  POST /payments       x-api-key, Idempotency-Key; body exactly {"amount": "10.50", "currency":
                       "USD", "merchant_id": "m-1", "customer_id": "c-1"} -> 201
  GET  /payments/{id}  x-api-key -> 200
  GET  /health         no auth, probes the table -> 200 {"status": "ok", "region": R} or 503
amount: a decimal string, 0 < amount < 10^8, at most 2 places (0 for JPY etc.), never a float.
A replay answers the first 201 plus the header idempotent-replayed: true.

Environment: TABLE_NAME (key pk, S); AUDIT_BUCKET; AUDIT_PREFIX (optional, "audit/");
API_KEY_SECRET_ARN (value: the key or {"api_key": "..."}); REGION_ROLE (primary|secondary,
logged); AWS_REGION (set by Lambda); AWS_ENDPOINT_URL (optional, tests; boto3 >= 1.28).

Errors {"error": {"code", "message"}}, codes: 400 invalid_json body_too_large unknown_field
missing_field invalid_amount invalid_currency invalid_merchant_id invalid_customer_id
missing_idempotency_key invalid_idempotency_key; 401 unauthorized; 404 not_found
route_not_found; 405 method_not_allowed; 409 idempotency_conflict; 500 internal_error;
503 service_unavailable (retry).

One TransactWriteItems puts two copies of the record, each if attribute_not_exists(pk):
"idem#<Idempotency-Key>" (the lock) and "txn#<id>" (for GET). A racing loser reads the winner.
Idempotency holds within a region (a global table is last-writer-wins across regions).
Replays rewrite the audit object, so a retry after a failed write (503) redoes it.
IAM: dynamodb:PutItem, GetItem; s3:PutObject; secretsmanager:GetSecretValue.
"""
import base64
import hashlib
import hmac
import json
import os
import re
import time
import traceback
import uuid
from decimal import Decimal

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

MAX_BODY = 8192              # bytes, after base64 decoding
SECRET_REFRESH_SECONDS = 30  # after a key mismatch, refetch the secret at most this often
SECRET_MAX_AGE = 300         # and refetch it anyway at this age, so a revoked key stops working
FIELDS = ("amount", "currency", "merchant_id", "customer_id")
VIEW = ("transaction_id", "status") + FIELDS + ("created_at", "region")
AMOUNT_RE = re.compile(r"(0|[1-9][0-9]{0,7})(\.[0-9]{1,2})?")
REF_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}")
IDEM_RE = re.compile(r"[A-Za-z0-9_.:-]{8,128}")
TXN_RE = re.compile(r"txn_[0-9a-f]{32}")
SAFE = "A-Z a-z 0-9 _ . : -"
# ISO 4217 currencies in circulation: no funds, metals, test or withdrawn codes.
CURRENCIES = frozenset("""
AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD
CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP
GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD
KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN
NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP
SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VED VES
VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG""".split())
ZERO_DECIMAL = frozenset("BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF".split())
# Health probes fail fast: Route 53 waits a few seconds only.
CONFIGS = {"api": Config(connect_timeout=2, read_timeout=5, retries={"total_max_attempts": 3}),
           "health": Config(connect_timeout=1, read_timeout=1, retries={"total_max_attempts": 1})}
_clients = {}
_secret = {"at": float("-inf")}


class ApiError(Exception):
    """A client error: args (status, code, message, headers); never internals."""


INTERNAL = (500, "internal_error", "internal error", None)
UNAVAILABLE = (503, "service_unavailable", "please retry", None)


def _check(ok, code, message, status=400, headers=None):
    if not ok:
        raise ApiError(status, code, message, headers)


def _log(level, event, **fields):
    """One JSON line on stdout. Callers never pass bodies, headers or secrets."""
    print(json.dumps(dict(fields, level=level, event=event, region=os.environ.get("AWS_REGION"),
                          role=os.environ.get("REGION_ROLE"))), flush=True)


def _fail(event, **fields):
    _log("error", event, **fields)
    raise ApiError(*INTERNAL)


def _env(name):
    return os.environ.get(name) or _fail("config_missing", variable=name)


def _client(service, kind="api"):
    """One client per service and kind per container, each from its own session."""
    if (service, kind) not in _clients:
        _clients[service, kind] = boto3.session.Session().client(
            service, region_name=_env("AWS_REGION"), config=CONFIGS[kind])
    return _clients[service, kind]


def _respond(status, body, headers=None):
    return {"statusCode": status, "body": json.dumps(body),
            "headers": {"content-type": "application/json", **(headers or {})}}


# Authentication.

def _fetch_api_key():
    value = _client("secretsmanager").get_secret_value(
        SecretId=_env("API_KEY_SECRET_ARN")).get("SecretString") or ""
    try:
        doc = json.loads(value)
    except ValueError:
        doc = None
    value = doc.get("api_key") if isinstance(doc, dict) else value  # else a plain key
    return value if isinstance(value, str) and value else _fail("secret_unusable")


def _api_key(mismatch):
    """The cached key: refetched when old, or on a mismatch at most once per window."""
    age = time.monotonic() - _secret["at"]
    if age >= SECRET_MAX_AGE or (mismatch and age >= SECRET_REFRESH_SECONDS):
        _secret.update(value=_fetch_api_key(), at=time.monotonic())
    return _secret["value"]


def _authenticate(headers):
    given = headers.get("x-api-key")
    _check(given, "unauthorized", "missing API key", 401)
    given = given.encode("utf-8", "surrogatepass")
    # Constant-time compares; on a mismatch, the key may have been rotated.
    _check(hmac.compare_digest(given, _api_key(False).encode())
           or hmac.compare_digest(given, _api_key(True).encode()),
           "unauthorized", "invalid API key", 401)


# Request parsing: checks run in a fixed order, so each bad request has one stable code.

def _json_body(event):
    raw = event.get("body") or ""
    try:
        b64 = event.get("isBase64Encoded")
        data = base64.b64decode(raw, validate=True) if b64 else raw.encode()
        _check(len(data) <= MAX_BODY, "body_too_large", f"body exceeds {MAX_BODY} bytes")
        body = json.loads(data.decode(), parse_float=Decimal)
    except (ValueError, RecursionError):  # binascii.Error, UnicodeError are ValueErrors
        body = None
    _check(isinstance(body, dict), "invalid_json", "body must be a JSON object")
    return body


def _amount(value, currency):
    """The amount as a normalised string; it never passes through float."""
    places = 0 if currency in ZERO_DECIMAL else 2
    amount = Decimal(value if isinstance(value, str) and AMOUNT_RE.fullmatch(value) else 0)
    _check(amount > 0 and amount.as_tuple().exponent >= -places, "invalid_amount",
           f'amount must be a string like "10.50", > 0, < 10^8, with {places} decimals at most')
    return str(amount.quantize(Decimal(1).scaleb(-places)))


def _payment(body):
    """The validated request in canonical form."""
    unknown = sorted(set(body) - set(FIELDS))
    _check(not unknown, "unknown_field", f"unknown fields: {', '.join(unknown)}"[:80])
    missing = [f for f in FIELDS if f not in body]
    _check(not missing, "missing_field", f"missing fields: {', '.join(missing)}")
    currency = body["currency"]
    _check(isinstance(currency, str) and currency in CURRENCIES, "invalid_currency",
           "currency must be an ISO 4217 code such as USD")
    payment = dict(body, amount=_amount(body["amount"], currency))
    for field in ("merchant_id", "customer_id"):
        _check(isinstance(body[field], str) and REF_RE.fullmatch(body[field]), f"invalid_{field}",
               f"{field}: 1-64 of " + SAFE)
    return payment


def _idempotency_key(headers):
    key = headers.get("idempotency-key")
    _check(key, "missing_idempotency_key", "Idempotency-Key header required")
    _check(IDEM_RE.fullmatch(key), "invalid_idempotency_key", "Idempotency-Key: 8-128 of " + SAFE)
    return key


# Storage.

def _put(table, pk, record):
    item = {k: {"S": v} for k, v in dict(record, pk=pk).items()}
    return {"Put": {"TableName": table, "Item": item,
                    "ConditionExpression": "attribute_not_exists(pk)"}}


def _read(table, pk):
    item = _client("dynamodb").get_item(TableName=table, Key={"pk": {"S": pk}},
                                        ConsistentRead=True).get("Item")
    return item and {k: v["S"] for k, v in item.items() if k != "pk"}


def _store(key, payment, digest):
    """(record, replayed): stores a new record, or returns the one stored under key."""
    table = _env("TABLE_NAME")
    record = dict(payment, transaction_id=f"txn_{uuid.uuid4().hex}", idempotency_key=key,
                  request_hash=digest, status="accepted", region=_env("AWS_REGION"),
                  created_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
    for attempt in range(5):
        try:
            _client("dynamodb").transact_write_items(TransactItems=[
                _put(table, "idem#" + key, record),
                _put(table, "txn#" + record["transaction_id"], record)])
            return record, False
        except ClientError as e:
            if e.response["Error"]["Code"] != "TransactionCanceledException":
                raise
        existing = _read(table, "idem#" + key)  # a replay, or a lost race
        if existing:
            return existing, True
        time.sleep(0.02 * (attempt + 1))  # the winner has not committed yet
    raise ApiError(*UNAVAILABLE)


def _audit(record):
    """Writes the audit object: the same content each time for one transaction."""
    doc = {k: record[k] for k in VIEW + ("request_hash",)}
    day = record["created_at"][:10].replace("-", "/")
    _client("s3").put_object(
        Bucket=_env("AUDIT_BUCKET"), ContentType="application/json",
        Key=f"{os.environ.get('AUDIT_PREFIX', 'audit/')}{day}/{record['transaction_id']}.json",
        Body=json.dumps(dict(doc, event="payment.accepted"), sort_keys=True).encode())


# Routes: each takes (event, lower-cased headers, path argument, log fields).

def _create(event, headers, _, log):
    _authenticate(headers)
    key = _idempotency_key(headers)
    payment = _payment(_json_body(event))
    canonical = json.dumps(payment, sort_keys=True, separators=(",", ":")).encode()
    digest = hashlib.sha256(canonical).hexdigest()
    record, replayed = _store(key, payment, digest)
    log.update(transaction_id=record["transaction_id"], replayed=replayed)
    _check(record["request_hash"] == digest, "idempotency_conflict",
           "Idempotency-Key already used with another body", 409)
    _audit(record)
    return _respond(201, {k: record[k] for k in VIEW},
                    {"idempotent-replayed": "true"} if replayed else None)


def _get(_, headers, txn_id, log):
    _authenticate(headers)
    record = TXN_RE.fullmatch(txn_id) and _read(_env("TABLE_NAME"), "txn#" + txn_id)
    _check(record, "not_found", "no such payment", 404)
    return _respond(200, {k: record[k] for k in VIEW})


def _health(_, __, ___, log):
    """GetItem of a key never written: cheap, short timeouts, no retries."""
    try:
        _client("dynamodb", "health").get_item(
            TableName=_env("TABLE_NAME"), Key={"pk": {"S": "health#probe"}})
        return _respond(200, {"status": "ok", "region": os.environ.get("AWS_REGION")})
    except (ApiError, BotoCoreError, ClientError) as e:
        log["cause"] = _cause(e)
        return _respond(503, {"status": "unavailable"})


ROUTES = {"/health": {"GET": _health}, "/payments": {"POST": _create},
          "/payments/{id}": {"GET": _get}}


def _dispatch(event, method, log):
    path = event.get("rawPath") or "/"
    head, _, arg = path.rpartition("/")
    route = "/payments/{id}" if head == "/payments" and arg else path
    _check(route in ROUTES, "route_not_found", "no such route", 404)
    log["route"] = route
    _check(method in ROUTES[route], "method_not_allowed", "method not allowed", 405,
           {"allow": ", ".join(ROUTES[route])})
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    return ROUTES[route][method](event, headers, arg, log)


def _cause(e):
    """AWS error code, or class and line: never the message, which may hold data."""
    if isinstance(e, ClientError):
        return e.response.get("Error", {}).get("Code")
    return f"{type(e).__name__} at line {traceback.extract_tb(e.__traceback__)[-1].lineno}"


def handler(event, context):
    """Lambda entry point: a function URL event in, a JSON response out, a log line."""
    started = time.monotonic()
    method = ((event.get("requestContext") or {}).get("http") or {}).get("method")
    log = {"method": method, "request_id": getattr(context, "aws_request_id", None)}
    try:
        response = _dispatch(event, method, log)
    except Exception as e:  # any failure is a JSON error; details go to the log only
        if not isinstance(e, ApiError):
            _log("error", "failure", cause=_cause(e), **log)
            e = ApiError(*UNAVAILABLE if isinstance(e, (BotoCoreError, ClientError)) else INTERNAL)
        status, log["error"], message, headers = e.args
        response = _respond(status, {"error": {"code": log["error"], "message": message}}, headers)
    _log("info", "request", status=response["statusCode"],
         ms=round((time.monotonic() - started) * 1000), **log)
    return response
