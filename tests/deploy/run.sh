#!/bin/sh
# tests/deploy/run.sh DRLC: examples/deploy.sh against a real moto_server (loopback, free port).
#
# Compiles examples/payment.drl with DRLC, makes a variant of the template that moto's
# CloudFormation can create (moto_template.py: drops the types moto cannot create, one warning
# line per type), then runs deploy.sh with --endpoint-url and dummy credentials:
#   deploy --steps 12 (template through an artifacts bucket)  -> check.py primary-record
#   deploy (all steps)                                        -> check.py deployed
#   status; drill --drill-wait 0 (inline template body)       -> check.py drill-gone
#   object versions + delete markers; teardown --yes          -> check.py deleted
# plus deploy.sh's refusals (no --alert-email, a template too big to inline, example.net, a
# secret still scheduled for deletion, no aws CLI). Real AWS is unreachable for the whole run (HTTPS_PROXY points at a closed
# port), so any aws call that misses --endpoint-url fails. moto is stopped on every exit.
# Ends with "deploy: N passed, N failed"; exit status 1 on any failure.
# Environment: PYTHON (default python3, with boto3 and moto), MOTO_SERVER (default moto_server).
set -eu

[ $# -eq 1 ] || { echo "usage: $0 DRLC" >&2; exit 2; }
case $1 in /*) drlc=$1 ;; *) drlc=$(pwd)/$1 ;; esac
[ -x "$drlc" ] || { echo "deploy-test: $drlc is not an executable drlc" >&2; exit 2; }
root=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
here="$root/tests/deploy"
PYTHON=${PYTHON:-python3}
MOTO_SERVER=${MOTO_SERVER:-moto_server}
command -v "$MOTO_SERVER" >/dev/null 2>&1 || { echo "deploy-test: $MOTO_SERVER is missing (pip install 'moto[server]')" >&2; exit 1; }
command -v aws >/dev/null 2>&1 || { echo "deploy-test: the aws CLI is missing (pip install awscli)" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/deploy-test.XXXXXX")
moto_pid=""
started=$(date +%s)
cleanup() {
  if [ -n "$moto_pid" ]; then
    kill "$moto_pid" 2>/dev/null || true
    wait "$moto_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

results="$tmp/results"
: >"$results"
ok()   { echo "ok - $*" | tee -a "$results"; }
fail() { echo "FAIL - $*" | tee -a "$results"; }

# Bounded runs: every deploy.sh call gets at most 120 s. --foreground keeps it in this process
# group, so that Ctrl-C reaches it too.
if timeout --foreground 5 true 2>/dev/null; then
  bounded() { timeout --foreground 120 "$@"; }
elif command -v timeout >/dev/null 2>&1; then
  bounded() { timeout 120 "$@"; }
else
  bounded() { "$@"; }
fi

# ---- moto_server --------------------------------------------------------------------------
free_port() {
  "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
answers() {
  "$PYTHON" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1] + "/moto-api/", timeout=1)' "$1" 2>/dev/null
}
for attempt in 1 2 3; do
  port=$(free_port)
  endpoint="http://127.0.0.1:$port"
  "$MOTO_SERVER" -p "$port" -H 127.0.0.1 >"$tmp/moto.log" 2>&1 &
  moto_pid=$!
  i=0
  while [ $i -lt 100 ] && kill -0 "$moto_pid" 2>/dev/null && ! answers "$endpoint"; do
    sleep 0.2; i=$((i + 1))
  done
  answers "$endpoint" && break
  kill "$moto_pid" 2>/dev/null || true
  wait "$moto_pid" 2>/dev/null || true
  moto_pid=""
  echo "deploy-test: moto_server did not answer on port $port (attempt $attempt)" >&2
done
[ -n "$moto_pid" ] || { cat "$tmp/moto.log" >&2; echo "deploy-test: cannot start moto_server" >&2; exit 1; }
echo "deploy-test: moto_server $endpoint (pid $moto_pid)"

# Dummy credentials only; no profile, config or credentials file; real AWS unreachable.
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_SESSION_TOKEN=testing
export AWS_DEFAULT_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
unset AWS_PROFILE AWS_ENDPOINT_URL AWS_REGION 2>/dev/null || true
export HTTPS_PROXY=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9 NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
export ENDPOINT="$endpoint" STACK=payments-dev SUFFIX=dev DOMAIN=pay.drlc-test.net EMAIL=ops@drlc-test.net
export STATE="$tmp/state.json" ARTIFACTS='drlc-test-artifacts-{region}' DRILL_STACK=payments-drill

deploy_sh() { bounded bash "$root/examples/deploy.sh" "$@" --endpoint-url "$endpoint"; }
checks() { # checks PHASE: check.py's lines go to the results
  if "$PYTHON" "$here/check.py" "$1" >"$tmp/check.out" 2>&1; then
    tee -a "$results" <"$tmp/check.out"
  else
    cat "$tmp/check.out"
    fail "check.py $1 crashed (see above)"
  fi
}
# expect OUTFILE TEXT PATTERN...: ok TEXT when every grep pattern is in OUTFILE, else FAIL.
expect() {
  file=$1 text=$2
  shift 2
  for pattern in "$@"; do
    if ! grep -q -- "$pattern" "$file"; then
      fail "$text (no '$pattern' in the output)"
      return
    fi
  done
  ok "$text"
}
# run NAME CMD...: runs a step, its output kept in $tmp/NAME.out and shown indented.
run() {
  name=$1
  shift
  if "$@" >"$tmp/$name.out" 2>&1; then status=0; else status=$?; fi
  sed 's/^/    | /' "$tmp/$name.out"
  return $status
}

# ---- the template -------------------------------------------------------------------------
if run compile "$drlc" --allow-read "$root/lambda" "$root/examples/payment.drl" -o "$tmp/stack.json"; then
  ok "drlc compiles examples/payment.drl ($(wc -c <"$tmp/stack.json") bytes)"
else
  fail "drlc compiles examples/payment.drl"; echo "deploy: 0 passed, 1 failed"; exit 1
fi
"$PYTHON" "$here/moto_template.py" "$tmp/stack.json" "$tmp/moto.json"
tpl="$tmp/moto.json"

# ---- refusals (no stack is made) ------------------------------------------------------------
if run no-email deploy_sh deploy -t "$tpl" -d "$DOMAIN" --suffix nomail; then
  fail "deploy without --alert-email is refused"
else
  expect "$tmp/no-email.out" "deploy without --alert-email is refused, naming the option" "needs --alert-email"
fi
"$PYTHON" - "$tpl" "$tmp/big.json" <<'EOF'
import json, sys
t = json.load(open(sys.argv[1]))
t["Metadata"] = {"Padding": "x" * 52000}
json.dump(t, open(sys.argv[2], "w"))
EOF
if run too-big deploy_sh deploy -t "$tmp/big.json" -e "$EMAIL" -d "$DOMAIN"; then
  fail "a template over 51,200 bytes without --artifacts-bucket is refused"
else
  expect "$tmp/too-big.out" "a template over 51,200 bytes needs --artifacts-bucket" "at most 51200 inline" "--artifacts-bucket"
fi
if run reserved bounded bash "$root/examples/deploy.sh" deploy -t "$tpl" -e "$EMAIL" -d pay.example.net; then
  fail "deploy to AWS with --domain pay.example.net is refused"
else
  expect "$tmp/reserved.out" "deploy to AWS with a reserved example.net domain is refused" "RFC 2606"
fi
# An account whose Lambda concurrency quota is 150: moto has no get-account-settings, so a
# wrapper of the aws CLI answers it (the template is the big one: nothing gets created).
mkdir "$tmp/lowquota"
real_aws=$(command -v aws)
cat >"$tmp/lowquota/aws" <<EOF
#!/bin/sh
case " \$* " in *" lambda get-account-settings "*) printf '150\t150\n'; exit 0 ;; esac
exec "$real_aws" "\$@"
EOF
chmod +x "$tmp/lowquota/aws"
(PATH="$tmp/lowquota:$PATH"; export PATH; run lowquota deploy_sh deploy -t "$tmp/big.json" -e "$EMAIL" -d "$DOMAIN") || true
expect "$tmp/lowquota.out" "deploy warns about a Lambda concurrency quota below 200, in each region" \
  "us-west-2: the account's Lambda concurrency quota is 150; .* at least 200" \
  "us-east-1: the account's Lambda concurrency quota is 150; .* at least 200" "L-B99A9384"
# The full template (its secret): a secret of that name waiting for deletion blocks step 2.
aws --endpoint-url "$endpoint" --region us-east-1 secretsmanager create-secret --name payments-api-key-gone \
  --secret-string x >/dev/null
aws --endpoint-url "$endpoint" --region us-east-1 secretsmanager delete-secret --secret-id payments-api-key-gone >/dev/null
if run secret deploy_sh deploy -t "$tmp/stack.json" -e "$EMAIL" -d "$DOMAIN" --suffix gone --steps 2; then
  fail "deploy refuses to create a primary whose secret is scheduled for deletion"
else
  expect "$tmp/secret.out" "deploy refuses to create a primary whose secret is scheduled for deletion" \
    "payments-api-key-gone in us-east-1 is scheduled for deletion" "force-delete-without-recovery"
fi
if ! PATH=/usr/bin:/bin command -v aws >/dev/null 2>&1; then
  if run no-cli env PATH=/usr/bin:/bin bash "$root/examples/deploy.sh" status; then
    fail "status without the aws CLI is refused"
  else
    expect "$tmp/no-cli.out" "without the aws CLI: a helpful error" "AWS CLI (aws) is not installed"
  fi
fi

# ---- deploy ---------------------------------------------------------------------------------
for region in us-east-1 us-west-2; do
  if [ $region = us-east-1 ]; then loc=""; else loc="--create-bucket-configuration LocationConstraint=$region"; fi
  # shellcheck disable=SC2086
  aws --endpoint-url "$endpoint" --region $region s3api create-bucket --bucket "drlc-test-artifacts-$region" $loc >/dev/null
done
if run steps12 deploy_sh deploy -t "$tpl" -e "$EMAIL" -d "$DOMAIN" --artifacts-bucket "$ARTIFACTS" --steps 12; then
  ok "deploy --steps 12: us-west-2 then us-east-1"
else
  fail "deploy --steps 12 (exit $?)"
fi
checks primary-record

if run deploy deploy_sh deploy -t "$tpl" -e "$EMAIL" -d "$DOMAIN" --artifacts-bucket "$ARTIFACTS"; then
  ok "deploy: exit 0"
else
  fail "deploy (exit $?)"
fi
expect "$tmp/deploy.out" "deploy warns that the Lambda concurrency quota (>= 200) could not be read" \
  "cannot read the Lambda concurrency quota in us-west-2.*at least 200" "cannot read the Lambda concurrency quota in us-east-1"
expect "$tmp/deploy.out" "deploy orders us-west-2, us-east-1, us-west-2 with the zone id" \
  "^== 1/3 us-west-2 (secondary): payments-dev, HostedZoneId" "^== 2/3 us-east-1 (primary)" "^== 3/3 us-west-2: HostedZoneId .* already set"
checks deployed

if run status deploy_sh status && grep -q "us-east-1 payments-dev: CREATE_COMPLETE" "$tmp/status.out" &&
   grep -q "us-west-2 payments-dev: UPDATE_COMPLETE" "$tmp/status.out"; then
  ok "status shows both stacks"
else
  fail "status shows both stacks"
fi

# ---- drill (moto models neither health-check inversion nor DNS answers: the flow only) ----------
if run drill deploy_sh drill -t "$tpl" --drill-suffix drill --drill-wait 0; then
  ok "drill: deploy a copy, flip FailoverDrill, restore, delete the copy"
else
  fail "drill (exit $?)"
fi
expect "$tmp/drill.out" "drill flips FailoverDrill=true on the copy's primary, then back" \
  "updating $DRILL_STACK in us-east-1: FailoverDrill=true" "updating $DRILL_STACK in us-east-1: FailoverDrill=false"
checks drill-gone

# ---- teardown -------------------------------------------------------------------------------
checks seed
if run teardown-refused bounded bash "$root/examples/deploy.sh" teardown --endpoint-url "$endpoint" </dev/null; then
  fail "teardown without --yes (no terminal) is refused"
else
  ok "teardown without --yes (no terminal) is refused"
fi
if run teardown deploy_sh teardown --yes; then
  ok "teardown: exit 0"
else
  fail "teardown (exit $?)"
fi
expect "$tmp/teardown.out" "teardown emptied every object version and delete marker of both buckets" \
  "emptied payments-audit-dev-.*-us-east-1 (us-east-1): 5 object versions and delete markers" \
  "emptied payments-audit-dev-.*-us-west-2 (us-west-2): 5 object versions and delete markers"
checks deleted

# ---- summary --------------------------------------------------------------------------------
if grep -q "Traceback" "$tmp/moto.log"; then
  echo "deploy-test: moto_server logged errors:"; grep -B2 -A12 "Traceback" "$tmp/moto.log" | tail -40
fi
passed=$(grep -c '^ok - ' "$results" || true)
failed=$(grep -c '^FAIL - ' "$results" || true)
skipped=$(grep -c '^skip - ' "$results" || true)
echo "deploy-test: $skipped checks skipped (moto cannot show them), $(( $(date +%s) - started )) s"
echo "deploy: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
