#!/usr/bin/env bash
# examples/deploy.sh: deploys the payment stack (examples/payment.drl) to its two regions in the
# order the template needs, tears it down, runs the failover drill, shows its status.
# Read docs/deploy.md first. `examples/deploy.sh --help` lists the options.
#
# One template serves both regions: us-west-2 (secondary, warm standby) and us-east-1 (primary).
#   deploy    1. us-west-2 (its bucket must exist, versioned, before the primary replicates to it)
#             2. us-east-1 (global table with both replicas, secret and replica, replicating
#                bucket, hosted zone, the primary's health check and weighted record)
#             3. us-west-2 again with HostedZoneId = the primary's HostedZoneId output, so it
#                adds its own weighted record (weight 0) to the primary's zone
#   teardown  detach the secondary's record from the zone, then the primary, then the secondary,
#             each bucket emptied of every object version and delete marker first
#   drill     a second copy under another suffix; its primary health check is inverted through
#             the FailoverDrill parameter, Route 53 is watched, then everything is restored
#   status    both stacks, their outputs, health checks and weighted records
set -euo pipefail

readonly PRIMARY=us-east-1 SECONDARY=us-west-2
readonly BODY_LIMIT=51200   # bytes: the most CloudFormation takes inline (--template-body)
readonly RESERVED=100       # the function's ReservedConcurrentExecutions
readonly UNRESERVED_MIN=100 # what Lambda keeps unreserved in every account
readonly QUOTA_CODE=L-B99A9384  # Service Quotas: Lambda "Concurrent executions"

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
root=$(cd -- "$here/.." && pwd)
export AWS_PAGER=""         # AWS CLI v2: never page

# ---- options -------------------------------------------------------------------------------
template="$root/examples/payment.drl"
drlc=${DRLC:-}
stack_base=payments
suffix=dev
alert_email=""
domain=""
runtime=""
artifacts_bucket=""
endpoint_url=""
drill_suffix="drill-$(date -u +%d%H%M)"   # new names on every drill (see cmd_drill)
zone_id=""
drill_wait=600
keep_drill=false
assume_yes=false
steps=123
allow_read=()
extra_params=()
command=""

usage() {
  cat <<EOF
Usage: examples/deploy.sh COMMAND [OPTION]...

Commands:
  deploy     us-west-2, then us-east-1, then us-west-2 again with the hosted zone id
  teardown   delete both stacks: the primary first, buckets emptied of every version first
  drill      failover drill on a second copy (--drill-suffix): deploy it, invert its primary
             health check, watch Route 53 move the name to us-west-2, restore, delete the copy
  status     both stacks, outputs, health checks and weighted records

Template:
  -t, --template FILE     a .drl program (compiled with drlc) or a compiled .json template
                          (default: examples/payment.drl)
      --drlc PATH         the compiler (default: \$DRLC, ./drlc, build/drlc, drlc on PATH)
      --allow-read DIR    passed to drlc; repeatable (default: lambda/ next to the program's
                          directory, where payment.drl reads the function's source)

Stacks:
  -n, --stack-name NAME   stacks are named NAME-SUFFIX in both regions (default: payments)
  -s, --suffix SUFFIX     the EnvironmentSuffix parameter, [a-z0-9-]{2,16} (default: dev)
  -e, --alert-email ADDR  AlertEmail (needed to create a stack; later the previous value is kept)
  -d, --domain NAME       DomainName, the domain the records live in (needed to create a stack)
      --runtime NAME      LambdaRuntime, e.g. python3.13 (default: the template's default)
      --hosted-zone-id ID put the records in this existing zone of the domain instead of a zone
                          that the primary creates (HostedZoneId of the primary)
      --param KEY=VALUE   any other template parameter; repeatable
      --artifacts-bucket NAME
                          upload the template to this S3 bucket and deploy from its URL (needed
                          above $BODY_LIMIT bytes); "{region}" in NAME is replaced by the region,
                          so one bucket per region: my-artifacts-{region}
      --steps LIST        deploy only these steps of 1, 2, 3 (default: 123)

Drill:
      --drill-suffix S    suffix of the drill's copy (default: drill-DDHHMM, new each time,
                          because a deleted stack leaves its secret scheduled for deletion)
      --drill-wait SECS   how long to watch Route 53 after each flip (default: 600)
      --keep-drill        leave the drill's copy deployed

Other:
      --endpoint-url URL  send every AWS call there (an emulator such as moto_server)
  -y, --yes               teardown without asking
  -h, --help              this help

Prerequisites (checked): the AWS CLI, credentials, a Lambda concurrency quota of at least
$((RESERVED + UNRESERVED_MIN)) per region ($((2 * RESERVED + UNRESERVED_MIN)) for the drill's second copy). Stacks are created with
CAPABILITY_NAMED_IAM (the template names its IAM roles). See docs/deploy.md.
EOF
}

say()  { printf 'deploy.sh: %s\n' "$*"; }
warn() { printf 'deploy.sh: warning: %s\n' "$*" >&2; }
die()  { printf 'deploy.sh: error: %s\n' "$*" >&2; exit 1; }
step() { printf '\n== %s\n' "$*"; }

need_arg() { [[ $# -ge 2 && -n $2 ]] || die "option $1 needs a value (see --help)"; }

while [[ $# -gt 0 ]]; do
  if [[ $1 == --*=* ]]; then   # --option=value
    set -- "${1%%=*}" "${1#*=}" "${@:2}"
  fi
  case $1 in
    deploy|teardown|drill|status)
      [[ -z $command ]] || die "one command at a time ($command, $1)"
      command=$1 ;;
    -t|--template) need_arg "$@"; template=$2; shift ;;
    --drlc) need_arg "$@"; drlc=$2; shift ;;
    --allow-read) need_arg "$@"; allow_read+=("$2"); shift ;;
    -n|--stack-name) need_arg "$@"; stack_base=$2; shift ;;
    -s|--suffix) need_arg "$@"; suffix=$2; shift ;;
    -e|--alert-email) need_arg "$@"; alert_email=$2; shift ;;
    -d|--domain) need_arg "$@"; domain=$2; shift ;;
    --runtime) need_arg "$@"; runtime=$2; shift ;;
    --hosted-zone-id) need_arg "$@"; zone_id=${2#/hostedzone/}; shift ;;
    --param) need_arg "$@"; extra_params+=("$2"); shift ;;
    --artifacts-bucket) need_arg "$@"; artifacts_bucket=$2; shift ;;
    --steps) need_arg "$@"; steps=${2//,/}; shift ;;
    --endpoint-url) need_arg "$@"; endpoint_url=$2; shift ;;
    --drill-suffix) need_arg "$@"; drill_suffix=$2; shift ;;
    --drill-wait) need_arg "$@"; drill_wait=$2; shift ;;
    --keep-drill) keep_drill=true ;;
    -y|--yes) assume_yes=true ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
  shift
done
[[ -n $command ]] || { usage >&2; exit 2; }

# Values end up in JSON and in resource names: check them here, with the template's own rules.
valid_suffix() { [[ $1 =~ ^[a-z0-9-]{2,16}$ ]]; }
valid_suffix "$suffix" || die "--suffix '$suffix': 2 to 16 of a-z 0-9 -"
valid_suffix "$drill_suffix" || die "--drill-suffix '$drill_suffix': 2 to 16 of a-z 0-9 -"
[[ $drill_suffix != "$suffix" ]] || die "--drill-suffix must differ from --suffix ($suffix)"
[[ $stack_base =~ ^[A-Za-z][A-Za-z0-9-]{0,100}$ ]] || die "--stack-name '$stack_base': a letter, then letters, digits, -"
[[ -z $alert_email || $alert_email =~ ^[^[:space:]\"\\@]+@[^[:space:]\"\\@]+\.[^[:space:]\"\\@]+$ ]] ||
  die "--alert-email '$alert_email' is not an email address"
[[ -z $domain || $domain =~ ^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$ ]] ||
  die "--domain '$domain': a lower-case domain name such as pay.example.org"
# Nobody can delegate these to a zone of theirs (and Route 53 refuses them): an emulator only.
[[ -n $endpoint_url || -z $domain || ! $domain =~ (^|\.)example\.(com|net|org)$ ]] ||
  die "--domain $domain: example.com/.net/.org are reserved (RFC 2606): Route 53 refuses them and nobody can delegate them; use a domain you own"
[[ -z $runtime || $runtime =~ ^[a-z0-9.]+$ ]] || die "--runtime '$runtime' is not a runtime name"
[[ -z $zone_id || $zone_id =~ ^[A-Z0-9]{1,32}$ ]] || die "--hosted-zone-id '$zone_id' is not a hosted zone id"
[[ $steps =~ ^[123]+$ ]] || die "--steps '$steps': some of 1, 2, 3"
[[ $drill_wait =~ ^[0-9]+$ ]] || die "--drill-wait '$drill_wait': seconds"
[[ -z $artifacts_bucket || $artifacts_bucket =~ ^[a-z0-9.{}-]{3,70}$ ]] ||
  die "--artifacts-bucket '$artifacts_bucket' is not a bucket name"
for kv in "${extra_params[@]+"${extra_params[@]}"}"; do
  [[ $kv =~ ^[A-Za-z0-9]+=[^\"\\]*$ ]] || die "--param '$kv': KEY=VALUE, without \" or \\"
done

work=$(mktemp -d "${TMPDIR:-/tmp}/deploy.XXXXXX")
trap 'rm -rf "$work"' EXIT

# ---- AWS helpers ---------------------------------------------------------------------------
endpoint_args=()
[[ -z $endpoint_url ]] || endpoint_args=(--endpoint-url "$endpoint_url")

# aws_in REGION ARGS...: the AWS CLI in REGION, through --endpoint-url when given.
aws_in() {
  local region=$1
  shift
  aws --region "$region" "${endpoint_args[@]+"${endpoint_args[@]}"}" "$@"
}

# The stack's status, or NONE when it does not exist.
stack_status() {
  local out
  if out=$(aws_in "$1" cloudformation describe-stacks --stack-name "$2" \
             --query 'Stacks[0].StackStatus' --output text 2>&1); then
    printf '%s\n' "$out"
  elif [[ $out == *"does not exist"* ]]; then
    echo NONE
  else
    die "cannot describe stack $2 in $1: $out"
  fi
}

# stack_output REGION STACK KEY: the output whose key ends with KEY ("" when there is none), so
# that a program with an id prefix (payment_stack(id = "Blue")) works too.
stack_output() {
  local v
  v=$(aws_in "$1" cloudformation describe-stacks --stack-name "$2" --output text \
        --query "Stacks[0].Outputs[?ends_with(OutputKey, '$3')].OutputValue | [0]" 2>/dev/null) || v=""
  [[ $v == None ]] && v=""
  printf '%s\n' "$v"
}

# stack_param REGION STACK KEY: a parameter's current value ("" when unset or no stack).
stack_param() {
  local v
  v=$(aws_in "$1" cloudformation describe-stacks --stack-name "$2" --output text \
        --query "Stacks[0].Parameters[?ParameterKey=='$3'].ParameterValue | [0]" 2>/dev/null) || v=""
  [[ $v == None ]] && v=""
  printf '%s\n' "$v"
}

# The failed events of a stack, newest first: why a create, update or delete did not complete,
# with a hint for the failures this stack is known to meet.
show_failures() {
  local events
  events=$(aws_in "$1" cloudformation describe-stack-events --stack-name "$2" --output text \
    --query "StackEvents[?ends_with(ResourceStatus, 'FAILED')] | [0:12].[Timestamp, LogicalResourceId, ResourceType, ResourceStatusReason]" \
    2>&1) || true
  warn "what failed in $2 ($1), newest first:"
  printf '%s\n' "$events" >&2
  case $events in
    *"replica regions"*)
      warn "hint: Secrets Manager deletes a replicated secret only without its replicas: aws secretsmanager remove-regions-from-replication --region $PRIMARY --secret-id <the secret> --remove-replica-regions $SECONDARY, then teardown again" ;;
    *HostedZoneNotEmpty*)
      warn "hint: the zone still holds a record of the secondary: update the secondary with HostedZoneId empty, or delete it first" ;;
    *BucketNotEmpty*|*"is not empty"*)
      warn "hint: a bucket got objects after it was emptied: run teardown again" ;;
    *ReservedConcurrentExecutions*|*UnreservedConcurrentExecution*)
      warn "hint: the account's Lambda concurrency quota is too low (at least $((RESERVED + UNRESERVED_MIN)) per region): Service Quotas, lambda $QUOTA_CODE" ;;
    *"versioning"*|*"Versioning"*)
      warn "hint: the replication destination (the secondary's bucket) must exist and be versioned: deploy $SECONDARY first" ;;
  esac
}

wait_stack() { # wait_stack REGION STACK create|update|delete
  say "waiting for $2 in $1 (stack-$3-complete)..."
  if ! aws_in "$1" cloudformation wait "stack-$3-complete" --stack-name "$2"; then
    show_failures "$1" "$2"
    die "$2 in $1 did not reach ${3^^}_COMPLETE (now $(stack_status "$1" "$2"))"
  fi
  say "$2 in $1: ${3^^}_COMPLETE"
}

# ---- prerequisites -------------------------------------------------------------------------
check_cli() {
  command -v aws >/dev/null 2>&1 ||
    die "the AWS CLI (aws) is not installed: https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html"
  local out
  if ! out=$(aws_in "$PRIMARY" sts get-caller-identity --query Arn --output text 2>&1); then
    die "no usable AWS credentials (${out##*$'\n'}): set AWS_PROFILE, run 'aws configure' or 'aws sso login', or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
  fi
  say "credentials: $out${endpoint_url:+ (endpoint $endpoint_url)}"
}

# check_quota COPIES STACK: warns when an account's Lambda concurrency quota is below what COPIES
# functions with 100 reserved each need (Lambda keeps 100 unreserved), or when too little is
# left unreserved for STACK's function, if STACK does not exist yet in the region.
check_quota() {
  local copies=$1 stack=$2 region out limit unreserved need
  need=$((copies * RESERVED + UNRESERVED_MIN))
  for region in "$SECONDARY" "$PRIMARY"; do
    if ! out=$(aws_in "$region" lambda get-account-settings --output text \
                 --query '[AccountLimit.ConcurrentExecutions, AccountLimit.UnreservedConcurrentExecutions]' 2>&1) ||
       ! read -r limit unreserved <<<"$out" || ! [[ $limit =~ ^[0-9]+$ && $unreserved =~ ^[0-9]+$ ]]; then
      warn "cannot read the Lambda concurrency quota in $region (${out##*$'\n'}); it must be at least $need"
      continue
    fi
    if ((limit < need)); then
      warn "$region: the account's Lambda concurrency quota is $limit; $copies function(s) reserving $RESERVED each need at least $need (Service Quotas: lambda $QUOTA_CODE 'Concurrent executions' in $region). The stack would fail on the function."
    elif [[ $(stack_status "$region" "$stack") == NONE ]] && ((unreserved - RESERVED < UNRESERVED_MIN)); then
      warn "$region: only $unreserved concurrent executions are unreserved; reserving $RESERVED more for $stack would leave less than $UNRESERVED_MIN (other functions reserve the rest)"
    else
      say "$region: Lambda concurrency quota $limit, $unreserved unreserved: enough"
    fi
  done
}

# ---- the template --------------------------------------------------------------------------
find_drlc() {
  local c
  for c in "$drlc" "$root/drlc" "$root/build/drlc" "$(command -v drlc || true)"; do
    [[ -n $c && -x $c ]] && { drlc=$c; return; }
  done
  die "no drlc: build it (./configure && make), give --drlc PATH, or pass a compiled --template .json"
}

tpl=""   # the compiled template
compile_template() {
  [[ -r $template ]] || die "cannot read the template $template"
  case $template in
    *.json) tpl=$template ;;
    *.drl)
      find_drlc
      local args=() dir
      if [[ ${#allow_read[@]} -eq 0 ]]; then
        dir="$(dirname -- "$template")/../lambda"
        [[ -d $dir ]] && allow_read=("$dir")
      fi
      for dir in "${allow_read[@]+"${allow_read[@]}"}"; do args+=(--allow-read "$dir"); done
      tpl="$work/stack.json"
      "$drlc" "${args[@]+"${args[@]}"}" "$template" -o "$tpl" || die "drlc could not compile $template"
      say "compiled $template with $drlc" ;;
    *) die "--template must be a .drl program or a .json template: $template" ;;
  esac
  local size
  size=$(wc -c <"$tpl")
  say "template: $size bytes"
  if ((size > BODY_LIMIT)) && [[ -z $artifacts_bucket ]]; then
    die "the template is $size bytes; CloudFormation takes at most $BODY_LIMIT inline: give --artifacts-bucket NAME (an S3 bucket in each region, e.g. my-artifacts-{region})"
  fi
}

# The names of the template's parameters, one a line.
template_params() {
  if command -v jq >/dev/null 2>&1; then
    jq -r '.Parameters // {} | keys[]' "$1"
  elif command -v python3 >/dev/null 2>&1; then
    python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1])).get("Parameters", {})))' "$1"
  else
    die "reading the template needs jq or python3"
  fi
}

# template_args REGION STACK: how create-stack/update-stack get the template (body or S3 URL).
template_args() {
  if [[ -z $artifacts_bucket ]]; then
    printf '%s\n' --template-body "file://$tpl"
    return
  fi
  local bucket=${artifacts_bucket//\{region\}/$1} key sum
  sum=$(cksum <"$tpl" | cut -d' ' -f1)
  key="drlc/$2/$1-$sum.json"
  aws_in "$1" s3 cp "$tpl" "s3://$bucket/$key" --only-show-errors >&2 ||
    die "cannot upload the template to s3://$bucket/$key (the bucket must exist, in $1, writable by you)"
  # Path-style URL: valid for bucket names with dots too.
  printf '%s\n' --template-url "https://s3.$1.amazonaws.com/$bucket/$key"
}

json_str() { local s=$1; s=${s//\\/\\\\}; printf '"%s"' "${s//\"/\\\"}"; }

# stack_params REGION STACK: the stack's parameters, "KEY<tab>VALUE" a line ("" if no stack).
stack_params() {
  [[ $(stack_status "$1" "$2") != NONE ]] || return 0
  aws_in "$1" cloudformation describe-stacks --stack-name "$2" --output text \
    --query 'Stacks[0].Parameters[].[ParameterKey, ParameterValue]'
}

# write_params FILE NAMES CURRENT KEY=VALUE...: the --parameters file. A parameter of NAMES (the
# template's) without a KEY=VALUE keeps the stack's current value (CURRENT: stack_params), else
# gets the template's default. Current values are passed as values, not UsePreviousValue, which
# only a NoEcho parameter (shown as ****) needs, as emulators lose the defaulted ones.
write_params() {
  local file=$1 names=$2 current=$3 name kv value sep="" found key cur
  shift 3
  {
    printf '['
    for name in $names; do
      found=false
      for kv in "$@"; do
        if [[ ${kv%%=*} == "$name" ]]; then
          value=${kv#*=}
          found=true
        fi
      done
      if ! $found; then
        while IFS=$'\t' read -r key cur; do
          if [[ $key == "$name" ]]; then
            value=$cur
            found=true
          fi
        done <<<"$current"
        [[ $value != "None" ]] || value=""
      fi
      if ! $found; then
        continue
      elif [[ $value == "****" ]]; then
        printf '%s\n  {"ParameterKey": %s, "UsePreviousValue": true}' "$sep" "$(json_str "$name")"
      else
        printf '%s\n  {"ParameterKey": %s, "ParameterValue": %s}' "$sep" "$(json_str "$name")" "$(json_str "$value")"
      fi
      sep=,
    done
    printf '\n]\n'
  } >"$file"
}

# apply REGION STACK KEY=VALUE...: creates or updates the stack from the compiled template.
apply() {
  local region=$1 stack=$2 status names current existing out
  shift 2
  status=$(stack_status "$region" "$stack")
  case $status in
    ROLLBACK_COMPLETE)
      warn "$stack in $region is ROLLBACK_COMPLETE (its first create failed; nothing is left in it): deleting it"
      aws_in "$region" cloudformation delete-stack --stack-name "$stack"
      wait_stack "$region" "$stack" delete
      status=NONE ;;
    *_IN_PROGRESS) die "$stack in $region is busy ($status): wait, then run again" ;;
  esac
  names=$(template_params "$tpl" | tr '\n' ' ')
  current=$(stack_params "$region" "$stack")
  existing=$(cut -f1 <<<"$current" | tr '\n' ' ')
  local required option
  for required in AlertEmail:--alert-email DomainName:--domain; do
    option=${required#*:}
    required=${required%%:*}
    if [[ " $names " == *" $required "* && " $existing " != *" $required "* ]] &&
       ! printf '%s\n' "$@" | grep -q "^$required="; then
      die "creating $stack in $region needs $option (the $required parameter)"
    fi
  done
  write_params "$work/params.json" "$names" "$current" "$@"
  local tpl_args
  mapfile -t tpl_args < <(template_args "$region" "$stack")
  [[ ${#tpl_args[@]} -eq 2 ]] || exit 1
  if [[ $status == NONE ]]; then
    say "creating $stack in $region"
    aws_in "$region" cloudformation create-stack --stack-name "$stack" "${tpl_args[@]}" \
      --parameters "file://$work/params.json" --capabilities CAPABILITY_NAMED_IAM \
      --query StackId --output text
    wait_stack "$region" "$stack" create
  else
    say "updating $stack in $region ($status)"
    if ! out=$(aws_in "$region" cloudformation update-stack --stack-name "$stack" "${tpl_args[@]}" \
                 --parameters "file://$work/params.json" --capabilities CAPABILITY_NAMED_IAM \
                 --query StackId --output text 2>&1); then
      [[ $out == *"No updates are to be performed"* ]] || die "update of $stack in $region: $out"
      say "$stack in $region: no changes"
      return
    fi
    wait_stack "$region" "$stack" update
  fi
}

# set_params REGION STACK KEY=VALUE...: an update with the stack's own template, changing only
# the given parameters (the drill's flip, teardown's detaching of the secondary's record).
# Returns 1, with a warning, when the update fails.
set_params() {
  local region=$1 stack=$2 current out
  shift 2
  current=$(stack_params "$region" "$stack")
  write_params "$work/params.json" "$(cut -f1 <<<"$current" | tr '\n' ' ')" "$current" "$@"
  say "updating $stack in $region: $*"
  if ! out=$(aws_in "$region" cloudformation update-stack --stack-name "$stack" --use-previous-template \
               --parameters "file://$work/params.json" --capabilities CAPABILITY_NAMED_IAM \
               --query StackId --output text 2>&1); then
    if [[ $out == *"No updates are to be performed"* ]]; then
      say "$stack in $region: no changes"
      return 0
    fi
    warn "update of $stack in $region failed: ${out//$'\n'/ }"
    return 1
  fi
  if ! aws_in "$region" cloudformation wait stack-update-complete --stack-name "$stack"; then
    show_failures "$region" "$stack"
    warn "$stack in $region did not reach UPDATE_COMPLETE (now $(stack_status "$region" "$stack"))"
    return 1
  fi
  say "$stack in $region: UPDATE_COMPLETE"
}

# The names of the template's secrets for suffix $1 (those with a literal name or a Fn::Sub of
# EnvironmentSuffix only), one a line.
secret_names() {
  local names
  if command -v jq >/dev/null 2>&1; then
    names=$(jq -r '.Resources // {} | .[] | select(.Type == "AWS::SecretsManager::Secret")
                   | .Properties.Name | if type == "object" then .["Fn::Sub"] else . end | strings' "$tpl")
  else
    names=$(python3 -c '
import json, sys
for r in json.load(open(sys.argv[1])).get("Resources", {}).values():
    if r.get("Type") == "AWS::SecretsManager::Secret":
        n = r.get("Properties", {}).get("Name")
        n = n.get("Fn::Sub") if isinstance(n, dict) else n
        if isinstance(n, str):
            print(n)' "$tpl")
  fi
  names=${names//\$\{EnvironmentSuffix\}/$1}
  grep -v '[$][{]' <<<"$names" || true
}

# A stack that is deleted only schedules its secret's deletion (7 to 30 days): creating the
# primary again with the same suffix fails on the secret until then. Say so before step 2.
check_secrets() {
  local name deleted
  while read -r name; do
    [[ -n $name ]] || continue
    deleted=$(aws_in "$PRIMARY" secretsmanager describe-secret --secret-id "$name" \
                --query 'DeletedDate' --output text 2>/dev/null) || continue
    if [[ -n $deleted && $deleted != None ]]; then
      die "the secret $name in $PRIMARY is scheduled for deletion (DeletedDate $deleted: an earlier teardown), so the primary cannot create it again yet: delete it now with 'aws secretsmanager delete-secret --region $PRIMARY --secret-id $name --force-delete-without-recovery', or use another --suffix"
    fi
    die "the secret $name already exists in $PRIMARY, outside the stack: the primary would fail to create it"
  done < <(secret_names "$1")
}

# ---- deploy --------------------------------------------------------------------------------
# deploy_all SUFFIX ZONE: the three steps for the stacks of SUFFIX; ZONE: an existing zone for
# the primary, or "" to have it create one.
deploy_all() {
  local sfx=$1 primary_zone=$2 stack="$stack_base-$1" zone="" zone_now bucket versioning
  local common=("EnvironmentSuffix=$sfx" FailoverDrill=false)
  [[ -z $alert_email ]] || common+=("AlertEmail=$alert_email")
  [[ -z $domain ]] || common+=("DomainName=$domain")
  [[ -z $runtime ]] || common+=("LambdaRuntime=$runtime")
  common+=("${extra_params[@]+"${extra_params[@]}"}")

  # A primary that already exists already has its zone: the secondary keeps its record.
  [[ $(stack_status "$PRIMARY" "$stack") == NONE ]] || zone=$(stack_output "$PRIMARY" "$stack" HostedZoneId)
  if [[ $steps == *1* ]]; then
    step "1/3 $SECONDARY (secondary): $stack${zone:+, HostedZoneId $zone}"
    apply "$SECONDARY" "$stack" "${common[@]}" "HostedZoneId=$zone"
    # The primary's replication needs this bucket, versioned, before step 2.
    bucket=$(stack_output "$SECONDARY" "$stack" BucketName)
    versioning=$(aws_in "$SECONDARY" s3api get-bucket-versioning --bucket "$bucket" \
                   --query Status --output text 2>/dev/null || true)
    if [[ $versioning != Enabled ]]; then
      if [[ -n $endpoint_url ]]; then
        warn "the replication destination $bucket is not versioned ($versioning): the emulator does not apply VersioningConfiguration; AWS would refuse the primary's replication"
      else
        die "the replication destination $bucket in $SECONDARY is not versioned ($versioning): the primary's replication would fail"
      fi
    fi
  fi
  if [[ $steps == *2* ]]; then
    step "2/3 $PRIMARY (primary): $stack${primary_zone:+, in the existing zone $primary_zone}"
    [[ $(stack_status "$PRIMARY" "$stack") != NONE ]] || check_secrets "$sfx"
    apply "$PRIMARY" "$stack" "${common[@]}" "HostedZoneId=$primary_zone"
  fi
  if [[ $steps == *3* ]]; then
    zone_now=$(stack_output "$PRIMARY" "$stack" HostedZoneId)
    [[ -n $zone_now ]] || die "the primary stack $stack in $PRIMARY has no HostedZoneId output: deploy step 2 first"
    if [[ $zone_now == "$zone" && $steps == *1* ]]; then
      step "3/3 $SECONDARY: HostedZoneId $zone_now was already set in step 1"
    else
      step "3/3 $SECONDARY (secondary): HostedZoneId $zone_now, its weighted record"
      apply "$SECONDARY" "$stack" "${common[@]}" "HostedZoneId=$zone_now"
    fi
  fi
}

cmd_deploy() {
  check_cli
  check_quota 1 "$stack_base-$suffix"
  compile_template
  deploy_all "$suffix" "$zone_id"
  step "deployed"
  show_stacks "$suffix"
  local ns
  ns=$(stack_output "$PRIMARY" "$stack_base-$suffix" NameServers)
  [[ -z $ns ]] || say "delegate the domain to the zone: NS records in the parent zone for $(stack_param "$PRIMARY" "$stack_base-$suffix" DomainName): $ns"
  say "confirm the SNS subscription emails sent to $(stack_param "$PRIMARY" "$stack_base-$suffix" AlertEmail) (one per region)"
}

# ---- teardown ------------------------------------------------------------------------------
# Deletes every object version and delete marker, 1000 at a time (a versioned bucket is not
# empty until then, and CloudFormation cannot delete a bucket that is not empty).
empty_bucket() {
  local region=$1 bucket=$2 n errors total=0 rounds=0
  # shellcheck disable=SC2016  # JMESPath literals, not shell
  local all='[Versions || `[]`, DeleteMarkers || `[]`][]'
  if ! aws_in "$region" s3api head-bucket --bucket "$bucket" >/dev/null 2>&1; then
    say "bucket $bucket ($region) is gone already"
    return
  fi
  while :; do
    n=$(aws_in "$region" s3api list-object-versions --bucket "$bucket" --no-paginate --max-keys 1000 \
          --query "length($all)" --output text)
    ((n > 0)) || break
    ((++rounds <= 10000)) || die "cannot empty $bucket: objects keep coming back"
    aws_in "$region" s3api list-object-versions --bucket "$bucket" --no-paginate --max-keys 1000 \
      --query "{Objects: $all.{Key: Key, VersionId: VersionId}, Quiet: \`true\`}" --output json >"$work/delete.json"
    errors=$(aws_in "$region" s3api delete-objects --bucket "$bucket" --delete "file://$work/delete.json" \
               --query 'Errors[0:5].[Key, Code, Message]' --output text)
    [[ -z $errors || $errors == None ]] || die "cannot delete from $bucket: $errors"
    total=$((total + n))
  done
  say "emptied $bucket ($region): $total object versions and delete markers deleted"
}

delete_stack() { # delete_stack REGION STACK
  local region=$1 stack=$2 status bucket
  status=$(stack_status "$region" "$stack")
  if [[ $status == NONE ]]; then
    say "$stack in $region: no such stack"
    return
  fi
  [[ $status != *_IN_PROGRESS ]] || die "$stack in $region is busy ($status): wait, then run again"
  bucket=$(stack_output "$region" "$stack" BucketName)
  if [[ -z $bucket ]]; then
    bucket=$(aws_in "$region" cloudformation describe-stack-resources --stack-name "$stack" --output text \
               --query "StackResources[?ResourceType=='AWS::S3::Bucket'].PhysicalResourceId | [0]" 2>/dev/null || true)
    [[ $bucket != None ]] || bucket=""
  fi
  [[ -z $bucket ]] || empty_bucket "$region" "$bucket"
  say "deleting $stack in $region"
  aws_in "$region" cloudformation delete-stack --stack-name "$stack"
  wait_stack "$region" "$stack" delete
}

# teardown_all SUFFIX: the primary first, so that nothing replicates into the secondary's bucket
# any more when it is emptied; the primary owns the table and the secret with their replicas.
teardown_all() {
  local stack="$stack_base-$1" order=("$PRIMARY" "$SECONDARY")
  # The secondary's weighted record lives in the primary's zone, and Route 53 cannot delete a
  # zone that still holds it (HostedZoneNotEmpty): the secondary lets go of it first. If that
  # update fails, deleting the secondary first releases the zone as well.
  if [[ $(stack_status "$SECONDARY" "$stack") != NONE && -n $(stack_param "$SECONDARY" "$stack" HostedZoneId) &&
        $(stack_status "$PRIMARY" "$stack") != NONE ]]; then
    step "$SECONDARY: remove the secondary's record from the primary's zone (HostedZoneId empty)"
    if ! set_params "$SECONDARY" "$stack" HostedZoneId=; then
      warn "the secondary still holds its record in the primary's zone: deleting the secondary first"
      order=("$SECONDARY" "$PRIMARY")
    fi
  fi
  local region
  for region in "${order[@]}"; do
    if [[ $region == "$PRIMARY" ]]; then step "$PRIMARY (primary): delete $stack"; else step "$SECONDARY (secondary): delete $stack"; fi
    delete_stack "$region" "$stack"
  done
}

cmd_teardown() {
  check_cli
  if ! $assume_yes; then
    [[ -t 0 ]] || die "teardown deletes the table, the buckets and every object in them: run with --yes"
    local answer
    read -r -p "Delete $stack_base-$suffix in $PRIMARY and $SECONDARY, its table and all audit objects? Type the suffix ($suffix) to confirm: " answer
    [[ $answer == "$suffix" ]] || die "not confirmed"
  fi
  teardown_all "$suffix"
  step "deleted"
}

# ---- status --------------------------------------------------------------------------------
# The weighted records of the stack's zone: name, set identifier, weight, value, health check.
show_records() {
  local zone=$1
  aws_in "$PRIMARY" route53 list-resource-record-sets --hosted-zone-id "$zone" --output text \
    --query 'ResourceRecordSets[?SetIdentifier].[Name, Type, SetIdentifier, Weight, ResourceRecords[0].Value, HealthCheckId]' || true
}

health_summary() { # REGION-independent: Route 53 is global
  local id=$1 out ok bad
  out=$(aws_in "$PRIMARY" route53 get-health-check-status --health-check-id "$id" --output text \
          --query 'HealthCheckObservations[].StatusReport.Status' 2>/dev/null) || { echo "unknown"; return; }
  ok=$(tr '\t' '\n' <<<"$out" | grep -c '^Success' || true)
  bad=$(tr '\t' '\n' <<<"$out" | grep -vc '^Success' || true)
  [[ -n $out ]] || bad=0
  echo "$ok checkers report healthy, $bad unhealthy"
}

show_stacks() { # show_stacks SUFFIX
  local stack="$stack_base-$1" region status hc zone inverted
  for region in "$PRIMARY" "$SECONDARY"; do
    status=$(stack_status "$region" "$stack")
    printf '\n%s %s: %s\n' "$region" "$stack" "$status"
    [[ $status != NONE ]] || continue
    aws_in "$region" cloudformation describe-stacks --stack-name "$stack" --output text \
      --query 'Stacks[0].Outputs[].[OutputKey, OutputValue]' | sed 's/^/  /' || true
    printf '  parameters: HostedZoneId=%s FailoverDrill=%s\n' \
      "$(stack_param "$region" "$stack" HostedZoneId)" "$(stack_param "$region" "$stack" FailoverDrill)"
    hc=$(stack_output "$region" "$stack" HealthCheckId)
    if [[ -n $hc ]]; then
      inverted=$(aws_in "$PRIMARY" route53 get-health-check --health-check-id "$hc" --output text \
                   --query 'HealthCheck.HealthCheckConfig.Inverted' 2>/dev/null || echo "?")
      printf '  health check %s (inverted: %s): %s\n' "$hc" "$inverted" "$(health_summary "$hc")"
    fi
  done
  zone=$(stack_output "$PRIMARY" "$stack" HostedZoneId)
  if [[ -n $zone ]]; then
    printf '\nweighted records in zone %s:\n' "$zone"
    show_records "$zone" | sed 's/^/  /'
  fi
}

cmd_status() {
  check_cli
  show_stacks "$suffix"
}

# ---- drill ---------------------------------------------------------------------------------
# What Route 53 answers for NAME now: asked of the zone's own name servers with dig when it is
# installed (authoritative, health-aware, no delegation needed, so the drill's copy can share the
# domain), else through the API (test-dns-answer). "unavailable" when neither works.
dns_answer() { # dns_answer ZONE NAME
  local out ns
  if [[ -z $endpoint_url ]] && command -v dig >/dev/null 2>&1; then
    ns=$(aws_in "$PRIMARY" route53 get-hosted-zone --id "$1" --output text \
           --query 'DelegationSet.NameServers[0]' 2>/dev/null) || ns=""
    if [[ -n $ns && $ns != None ]]; then
      out=$(dig +short +norecurse +time=3 +tries=1 CNAME "$2" "@$ns" 2>/dev/null | head -n 1) || out=""
      out=${out%.}
      echo "${out:-none}"
      return
    fi
  fi
  out=$(aws_in "$PRIMARY" route53 test-dns-answer --hosted-zone-id "$1" --record-name "$2" \
          --record-type CNAME --query 'RecordData[0]' --output text 2>&1) || { echo "unavailable"; return; }
  out=${out%.}
  [[ $out != None ]] || out=""
  echo "${out:-none}"
}

# watch_dns ZONE NAME WANT HC: polls until the zone answers WANT, for at most --drill-wait.
# Returns 1 when it never does, 2 when the answer cannot be read at all.
watch_dns() {
  local zone=$1 name=$2 want=$3 hc=$4 start now answer
  start=$SECONDS
  while :; do
    answer=$(dns_answer "$zone" "$name")
    now=$((SECONDS - start))
    say "t+${now}s  $name -> $answer   primary health check: $(health_summary "$hc")"
    if [[ $answer == "$want" ]]; then
      say "Route 53 answers $want after ${now}s"
      return 0
    fi
    if [[ $answer == unavailable ]]; then
      warn "test-dns-answer is not available here (an emulator?): cannot watch the answer"
      return 2
    fi
    if ((now >= drill_wait)); then
      warn "Route 53 still answers $answer after ${drill_wait}s (expected $want); health checks need about FailureThreshold x RequestInterval (3 x 30 s) plus propagation"
      return 1
    fi
    sleep 15
  done
}

drill_flipped=false
drill_stack=""
drill_restore() {
  if $drill_flipped; then
    warn "the drill was interrupted: restoring FailoverDrill=false on $drill_stack in $PRIMARY"
    drill_flipped=false
    set_params "$PRIMARY" "$drill_stack" FailoverDrill=false ||
      warn "restore it yourself: examples/deploy.sh drill ... or an update of $drill_stack with FailoverDrill=false"
  fi
  rm -rf "$work"
}

cmd_drill() {
  local main="$stack_base-$suffix" stack="$stack_base-$drill_suffix" zone name hc primary_host secondary_host region inverted
  local ok=true observed=true
  # drill_watch ZONE NAME WANT HC: watch_dns, noting in ok/observed how it went.
  drill_watch() {
    local rc=0
    watch_dns "$@" || rc=$?
    ((rc != 1)) || ok=false
    ((rc != 2)) || observed=false
  }
  check_cli
  check_quota 2 "$stack_base-$drill_suffix"
  compile_template
  # The copy gets the same email and domain as the main stacks unless told otherwise.
  [[ -n $alert_email ]] || alert_email=$(stack_param "$PRIMARY" "$main" AlertEmail)
  [[ -n $domain ]] || domain=$(stack_param "$PRIMARY" "$main" DomainName)
  [[ -n $alert_email && -n $domain ]] || die "the drill's copy needs --alert-email and --domain (or a deployed $main to take them from)"

  step "drill 1/5: deploy a second copy, $stack (suffix $drill_suffix); $main is not touched"
  deploy_all "$drill_suffix" ""   # its own zone: records of the same name and set identifiers
                                 # in the real zone would collide with the main stacks'
  zone=$(stack_output "$PRIMARY" "$stack" HostedZoneId)
  hc=$(stack_output "$PRIMARY" "$stack" HealthCheckId)
  primary_host=$(stack_output "$PRIMARY" "$stack" FunctionUrl | cut -d/ -f3)
  secondary_host=$(stack_output "$SECONDARY" "$stack" FunctionUrl | cut -d/ -f3)
  name=$(aws_in "$PRIMARY" route53 list-resource-record-sets --hosted-zone-id "$zone" --output text \
           --query "ResourceRecordSets[?SetIdentifier].Name | [0]")
  name=${name%.}
  [[ -n $name && $name != None ]] || die "no weighted record in zone $zone"
  for region in "$PRIMARY" "$SECONDARY"; do
    [[ $(aws_in "$PRIMARY" route53 list-resource-record-sets --hosted-zone-id "$zone" --output text \
           --query "length(ResourceRecordSets[?starts_with(SetIdentifier || '', '$region-')])") != 0 ]] ||
      warn "zone $zone has no weighted record of $region"
  done

  step "drill 2/5: before: $name should answer $primary_host (weight 100; $secondary_host has 0)"
  show_records "$zone"
  drill_watch "$zone" "$name" "$primary_host" "$hc"

  step "drill 3/5: invert the primary's health check (FailoverDrill=true on $stack in $PRIMARY)"
  drill_stack=$stack
  drill_flipped=true
  trap drill_restore EXIT
  trap 'exit 130' INT TERM
  set_params "$PRIMARY" "$stack" FailoverDrill=true || die "cannot invert the health check"
  inverted=$(aws_in "$PRIMARY" route53 get-health-check --health-check-id "$hc" \
               --query 'HealthCheck.HealthCheckConfig.Inverted' --output text)
  if [[ $inverted == True ]]; then
    say "health check $hc is inverted: Route 53 now treats $PRIMARY as unhealthy"
  elif [[ -n $endpoint_url ]]; then
    warn "health check $hc is not inverted (Inverted: $inverted): the emulator ignores Inverted"
  else
    warn "health check $hc is not inverted (Inverted: $inverted): FailoverDrill did not reach it"
    ok=false
  fi

  step "drill 4/5: watch Route 53 move $name to the secondary, $secondary_host"
  drill_watch "$zone" "$name" "$secondary_host" "$hc"

  step "drill 5/5: restore (FailoverDrill=false) and watch $name come back to $primary_host"
  set_params "$PRIMARY" "$stack" FailoverDrill=false || die "cannot restore FailoverDrill=false on $stack in $PRIMARY"
  drill_flipped=false
  drill_watch "$zone" "$name" "$primary_host" "$hc"

  if $keep_drill; then
    say "the copy $stack stays deployed (--keep-drill): examples/deploy.sh teardown --suffix $drill_suffix"
  else
    step "drill: delete the copy $stack"
    teardown_all "$drill_suffix"
  fi
  $ok || die "the drill finished, but Route 53 did not behave as expected (see above)"
  if $observed; then
    step "drill passed: Route 53 moved $name to $SECONDARY and back"
  else
    step "drill finished: Route 53's answers could not be observed here, so the failover itself was not verified"
  fi
}

case $command in
  deploy) cmd_deploy ;;
  teardown) cmd_teardown ;;
  drill) cmd_drill ;;
  status) cmd_status ;;
esac
