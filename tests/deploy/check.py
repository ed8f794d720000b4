"""Checks of the payment stacks that examples/deploy.sh made on a moto_server, through the real
APIs over HTTP (boto3). Called by tests/deploy/run.sh, one phase at a time:

    python3 check.py PHASE

PHASE: primary-record (after deploy --steps 12), deployed (after the whole deploy), seed (puts
object versions and delete markers in the buckets), drill-gone (after the drill), deleted (after
teardown). Settings come from the environment: ENDPOINT, STACK, SUFFIX, DOMAIN, EMAIL, STATE (a
JSON file kept between phases), ARTIFACTS (the artifacts bucket name with {region}), DRILL_STACK.

Each check prints one line: "ok - ...", "FAIL - ...", or "skip - ..." for what moto cannot show
(its CloudFormation ignores the property, or loses it); run.sh counts the lines. Exit status 0
unless the checker itself breaks.
"""
import ast
import json
import os
import sys
import urllib.parse

import boto3
from botocore.exceptions import ClientError

PRIMARY, SECONDARY = "us-east-1", "us-west-2"
REGIONS = (PRIMARY, SECONDARY)
ROLE = {PRIMARY: "primary", SECONDARY: "secondary"}
ENDPOINT = os.environ["ENDPOINT"]
STACK = os.environ.get("STACK", "payments-dev")
SUFFIX = os.environ.get("SUFFIX", "dev")
DOMAIN = os.environ.get("DOMAIN", "")
EMAIL = os.environ.get("EMAIL", "")
STATE = os.environ.get("STATE", "")
ARTIFACTS = os.environ.get("ARTIFACTS", "")
DRILL_STACK = os.environ.get("DRILL_STACK", "")
# Outputs the design requires in both regions, each exported as ${AWS::StackName}-<key>.
EXPORTED = ("FunctionArn", "FunctionUrl", "TableName", "BucketName", "TopicArn", "HealthCheckId")


def client(service, region=PRIMARY):
    return boto3.client(service, region_name=region, endpoint_url=ENDPOINT)


def ok(text):
    print(f"ok - {text}")


def fail(text):
    print(f"FAIL - {text}")


def skip(text):
    print(f"skip - {text}")


def check(cond, text, detail=""):
    if cond:
        ok(text)
    else:
        fail(f"{text}: {detail}" if detail else text)
    return cond


def error_code(e):
    return e.response.get("Error", {}).get("Code", "")


def stack(region, name=STACK):
    return client("cloudformation", region).describe_stacks(StackName=name)["Stacks"][0]


def outputs(region, name=STACK):
    return {o["OutputKey"]: o["OutputValue"] for o in stack(region, name).get("Outputs") or []}


def params(region, name=STACK):
    return {p["ParameterKey"]: p.get("ParameterValue", "") for p in stack(region, name)["Parameters"]}


def host(url):
    return url.split("/")[2]


def tags_ok(what, tags, region):
    """Tags as a dict; an empty dict is a moto gap (its CloudFormation drops them)."""
    if not tags:
        skip(f"{what}: tags (moto's CloudFormation does not apply them)")
        return
    check(tags.get("Environment") == SUFFIX and tags.get("Region") == region,
          f"{what}: tags Environment={SUFFIX}, Region={region}", tags)


def weighted(zone_id, region):
    sets = client("route53").list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]
    return [r for r in sets if r.get("SetIdentifier") == f"{region}-{SUFFIX}"]


def check_record(zone_id, region, weight, outs):
    rec = weighted(zone_id, region)
    if not check(len(rec) == 1, f"{region}: one weighted record in zone {zone_id}", rec):
        return
    rec = rec[0]
    want = {"Name": f"api.{DOMAIN}", "Type": "CNAME", "Weight": weight, "TTL": 60,
            "HealthCheckId": outs["HealthCheckId"], "Value": host(outs["FunctionUrl"])}
    got = {"Name": rec["Name"].rstrip("."), "Type": rec["Type"], "Weight": rec.get("Weight"),
           "TTL": int(rec.get("TTL", -1)), "HealthCheckId": rec.get("HealthCheckId"),
           "Value": rec.get("ResourceRecords", [{}])[0].get("Value", "").rstrip(".")}
    check(got == want, f"{region}: record {want['Name']} CNAME weight {weight}, TTL 60, its own health "
          "check, the function URL's host", got)


# ---- phases ------------------------------------------------------------------------------------

def phase_primary_record():
    """After steps 1 and 2: the primary's zone and weighted record; the secondary has none yet."""
    outs = outputs(PRIMARY)
    zone_id = outs.get("HostedZoneId", "")
    check(zone_id, f"{PRIMARY}: HostedZoneId output", outs)
    check(stack(PRIMARY)["StackStatus"] == "CREATE_COMPLETE", f"{PRIMARY}: {STACK} CREATE_COMPLETE")
    check(stack(SECONDARY)["StackStatus"] == "CREATE_COMPLETE", f"{SECONDARY}: {STACK} CREATE_COMPLETE")
    check(params(SECONDARY).get("HostedZoneId") == "", f"{SECONDARY}: HostedZoneId still empty after steps 1-2")
    if zone_id:
        check_record(zone_id, PRIMARY, 100, outs)
        check(not weighted(zone_id, SECONDARY), f"{SECONDARY}: no record before step 3")
    for region in REGIONS:
        bucket = ARTIFACTS.replace("{region}", region)
        keys = [o["Key"] for o in client("s3", region).list_objects_v2(Bucket=bucket).get("Contents", [])]
        check(any(k.startswith(f"drlc/{STACK}/{region}-") for k in keys),
              f"{region}: template uploaded to the artifacts bucket {bucket}", keys)


def phase_deployed():
    state = {"health_checks": [], "functions": {}, "buckets": {}, "topics": {}}
    outs = {r: outputs(r) for r in REGIONS}
    zone_id = outs[PRIMARY].get("HostedZoneId", "")
    account = client("sts").get_caller_identity()["Account"]

    # CloudFormation: status, the parameter passed between the stacks, outputs, exports.
    for region in REGIONS:
        st = stack(region)
        want = "CREATE_COMPLETE" if region == PRIMARY else "UPDATE_COMPLETE"
        check(st["StackStatus"] == want, f"{region}: {STACK} {want}", st["StackStatus"])
        p = params(region)
        check(p.get("EnvironmentSuffix") == SUFFIX and p.get("AlertEmail") == EMAIL and
              p.get("DomainName") == DOMAIN and p.get("FailoverDrill") == "false",
              f"{region}: parameters EnvironmentSuffix, AlertEmail, DomainName, FailoverDrill=false", p)
        missing = [k for k in EXPORTED if not outs[region].get(k)]
        check(not missing, f"{region}: outputs {', '.join(EXPORTED)}", f"missing {missing}")
    check(zone_id and params(SECONDARY).get("HostedZoneId") == zone_id,
          f"{SECONDARY}: HostedZoneId parameter = the primary's HostedZoneId output ({zone_id})",
          params(SECONDARY).get("HostedZoneId"))
    check("HostedZoneId" not in outs[SECONDARY] and "NameServers" not in outs[SECONDARY],
          f"{SECONDARY}: no HostedZoneId/NameServers outputs (primary only)", sorted(outs[SECONDARY]))
    for region in REGIONS:
        exports = {e["Name"]: e.get("Value") for e in
                   client("cloudformation", region).list_exports()["Exports"]}
        keys = EXPORTED + (("HostedZoneId",) if region == PRIMARY else ())
        bad = {k: exports.get(f"{STACK}-{k}") for k in keys
               if exports.get(f"{STACK}-{k}") != outs[region].get(k)}
        check(not bad, f"{region}: list-exports has {STACK}-<output> = the output, for {', '.join(keys)}", bad)
        if region == SECONDARY and f"{STACK}-HostedZoneId" in exports:
            if exports[f"{STACK}-HostedZoneId"]:
                fail(f"{SECONDARY}: exports {STACK}-HostedZoneId, an output of the primary only")
            else:
                skip(f"{SECONDARY}: moto lists the primary-only export {STACK}-HostedZoneId without a value "
                     "(it ignores the output's Condition for exports)")

    for region in REGIONS:
        o = outs[region]
        lam, iam, s3 = client("lambda", region), client("iam", region), client("s3", region)
        fn = f"payments-{SUFFIX}"
        bucket = f"payments-audit-{SUFFIX}-{account}-{region}"
        table = f"payments-{SUFFIX}"
        state["functions"][region] = fn
        state["buckets"][region] = bucket
        state["topics"][region] = o.get("TopicArn")

        # Lambda
        try:
            cfg = lam.get_function(FunctionName=fn)["Configuration"]
        except ClientError as e:
            fail(f"{region}: function {fn} exists: {error_code(e)}")
            cfg = None
        if cfg:
            check(cfg["FunctionArn"] == o.get("FunctionArn"), f"{region}: function {fn} = the FunctionArn output")
            runtime = params(region).get("LambdaRuntime")
            check(cfg["Runtime"] == runtime and runtime.startswith("python3."),
                  f"{region}: runtime {runtime} (LambdaRuntime)", cfg["Runtime"])
            check(cfg["Handler"] == "index.handler", f"{region}: handler index.handler", cfg["Handler"])
            check(cfg["Role"].endswith(f":role/payments-fn-{SUFFIX}-{region}"),
                  f"{region}: role payments-fn-{SUFFIX}-{region}", cfg["Role"])
            env = cfg.get("Environment", {}).get("Variables", {})
            want = {"TABLE_NAME": table, "AUDIT_BUCKET": bucket, "AUDIT_PREFIX": "audit/",
                    "API_KEY_SECRET_ARN": f"payments-api-key-{SUFFIX}", "REGION_ROLE": ROLE[region]}
            check(env == want, f"{region}: environment {want}", env)
            conc = lam.get_function_concurrency(FunctionName=fn).get("ReservedConcurrentExecutions")
            check(conc == 100, f"{region}: reserved concurrency 100", conc)
            tags_ok(f"{region}: function", lam.list_tags(Resource=cfg["FunctionArn"]).get("Tags", {}), region)
            policy = json.loads(lam.get_policy(FunctionName=fn)["Policy"])
            texts = [json.dumps(s) for s in policy["Statement"]]
            check(any('"lambda:InvokeFunctionUrl"' in t and "NONE" in t for t in texts) and
                  any('"lambda:InvokeFunction"' in t and "InvokedViaFunctionUrl" in t for t in texts),
                  f"{region}: public URL permissions (InvokeFunctionUrl with auth NONE, InvokeFunction "
                  "via the URL)", texts)
        groups = client("logs", region).describe_log_groups(
            logGroupNamePrefix=f"/aws/lambda/{fn}")["logGroups"]
        check([(g["logGroupName"], g.get("retentionInDays")) for g in groups] == [(f"/aws/lambda/{fn}", 30)],
              f"{region}: log group /aws/lambda/{fn}, 30 days", groups)

        # IAM: the function's role, least privilege
        role_name = f"payments-fn-{SUFFIX}-{region}"
        try:
            role = iam.get_role(RoleName=role_name)["Role"]
            trust = json.dumps(role["AssumeRolePolicyDocument"])
            check("lambda.amazonaws.com" in trust, f"{region}: {role_name} trusts lambda.amazonaws.com", trust)
            tags_ok(f"{region}: role {role_name}", {t["Key"]: t["Value"] for t in role.get("Tags", [])}, region)
            stmts = []
            for pname in iam.list_role_policies(RoleName=role_name)["PolicyNames"]:
                doc = iam.get_role_policy(RoleName=role_name, PolicyName=pname)["PolicyDocument"]
                if isinstance(doc, str):  # moto answers a CloudFormation role's policy as a Python repr
                    try:
                        doc = json.loads(urllib.parse.unquote(doc))
                    except ValueError:
                        doc = ast.literal_eval(doc)
                stmts += doc["Statement"]

            def allows(action, resource):
                for s in stmts:
                    acts = s["Action"] if isinstance(s["Action"], list) else [s["Action"]]
                    res = s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]]
                    if s["Effect"] == "Allow" and action in acts and resource in res:
                        return True
                return False
            arn_table = f"arn:aws:dynamodb:{region}:{account}:table/{table}"
            check(allows("dynamodb:PutItem", arn_table) and allows("dynamodb:GetItem", arn_table),
                  f"{region}: role may GetItem/PutItem on {arn_table}", stmts)
            check(allows("s3:PutObject", f"arn:aws:s3:::{bucket}/audit/*"),
                  f"{region}: role may PutObject under {bucket}/audit/", stmts)
            check(allows("secretsmanager:GetSecretValue",
                         f"arn:aws:secretsmanager:{region}:{account}:secret:payments-api-key-{SUFFIX}-??????"),
                  f"{region}: role may read the API key secret in {region}", stmts)
            wild = [s for s in stmts if "*" in json.dumps(s["Action"])]
            check(not wild, f"{region}: role has no wildcard action", wild)
        except ClientError as e:
            fail(f"{region}: role {role_name}: {error_code(e)}")
        repl = f"payments-audit-replication-{SUFFIX}-{region}"
        try:
            r = iam.get_role(RoleName=repl)["Role"]
            check(region == PRIMARY and "s3.amazonaws.com" in json.dumps(r["AssumeRolePolicyDocument"]),
                  f"{region}: replication role {repl} (primary only, trusts s3.amazonaws.com)")
        except ClientError as e:
            check(region == SECONDARY and error_code(e) == "NoSuchEntity",
                  f"{region}: replication role {repl} only in the primary", error_code(e))

        # S3: the audit bucket
        try:
            loc = s3.get_bucket_location(Bucket=bucket).get("LocationConstraint") or "us-east-1"
            check(loc == region and o.get("BucketName") == bucket,
                  f"{region}: bucket {bucket} in {region} = the BucketName output", (loc, o.get("BucketName")))
            rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
            algo = rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"]
            check(algo in ("AES256", "aws:kms"), f"{region}: bucket encrypted ({algo})", rules)
            tags_ok(f"{region}: bucket", {t["Key"]: t["Value"] for t in
                                          s3.get_bucket_tagging(Bucket=bucket)["TagSet"]}, region)
            status = s3.get_bucket_versioning(Bucket=bucket).get("Status")
            if status is None:
                skip(f"{region}: bucket versioning (moto's CloudFormation ignores VersioningConfiguration)")
            else:
                check(status == "Enabled", f"{region}: bucket versioning Enabled", status)
            try:
                pab = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
                check(all(pab.values()) and len(pab) == 4, f"{region}: public access blocked", pab)
            except ClientError as e:
                if error_code(e) != "NoSuchPublicAccessBlockConfiguration":
                    raise
                skip(f"{region}: public access block (moto's CloudFormation ignores PublicAccessBlockConfiguration)")
            try:
                rep = s3.get_bucket_replication(Bucket=bucket)["ReplicationConfiguration"]
                dest = rep["Rules"][0]["Destination"]["Bucket"]
                check(region == PRIMARY and dest.endswith(f"-{SECONDARY}"),
                      f"{region}: replication to the secondary's bucket, in the primary only", rep)
            except ClientError as e:
                if error_code(e) != "ReplicationConfigurationNotFoundError":
                    raise
                if region == SECONDARY:
                    ok(f"{region}: no replication configuration (secondary)")
                else:
                    skip(f"{region}: replication configuration (moto's CloudFormation ignores ReplicationConfiguration)")
        except ClientError as e:
            fail(f"{region}: bucket {bucket}: {error_code(e)}")

        # SNS and its KMS key
        sns = client("sns", region)
        topic = o.get("TopicArn", "")
        check(topic.endswith(f":payments-alerts-{SUFFIX}") and f":{region}:" in topic,
              f"{region}: topic payments-alerts-{SUFFIX}", topic)
        try:
            attrs = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
            key_id = [r["PhysicalResourceId"] for r in client("cloudformation", region).list_stack_resources(
                StackName=STACK)["StackResourceSummaries"] if r.get("LogicalResourceId") == "AlertsKey"]
            check(key_id and attrs.get("KmsMasterKeyId") == key_id[0],
                  f"{region}: topic encrypted with the stack's KMS key", (attrs.get("KmsMasterKeyId"), key_id))
            if key_id:
                rot = client("kms", region).get_key_rotation_status(KeyId=key_id[0])["KeyRotationEnabled"]
                check(rot, f"{region}: KMS key rotation enabled")
            subs = [(s["Protocol"], s["Endpoint"]) for s in
                    sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]]
            check(subs == [("email", EMAIL)], f"{region}: topic has one email subscription to {EMAIL}", subs)
            tags_ok(f"{region}: topic", {t["Key"]: t["Value"] for t in
                                         sns.list_tags_for_resource(ResourceArn=topic)["Tags"]}, region)
        except ClientError as e:
            fail(f"{region}: topic {topic}: {error_code(e)}")

        # Route 53: this region's health check
        hc_id = o.get("HealthCheckId", "")
        state["health_checks"].append(hc_id)
        try:
            cfg = client("route53").get_health_check(HealthCheckId=hc_id)["HealthCheck"]["HealthCheckConfig"]
            got = {k: cfg.get(k) for k in ("Type", "Port", "ResourcePath", "FullyQualifiedDomainName",
                                           "RequestInterval", "FailureThreshold", "Inverted")}
            want = {"Type": "HTTPS", "Port": 443, "ResourcePath": "/health",
                    "FullyQualifiedDomainName": host(o.get("FunctionUrl", "https://?/")),
                    "RequestInterval": 30, "FailureThreshold": 3, "Inverted": False}
            check(got == want, f"{region}: health check HTTPS 443 /health on the function URL's host, "
                  "not inverted", got)
            if cfg.get("EnableSNI"):
                ok(f"{region}: health check uses SNI")
            else:
                skip(f"{region}: health check EnableSNI (moto's CloudFormation ignores it)")
        except ClientError as e:
            fail(f"{region}: health check {hc_id}: {error_code(e)}")

    # Route 53: the zone (primary) and the secondary's record (step 3)
    zones = [z for z in client("route53").list_hosted_zones()["HostedZones"]
             if z["Name"].rstrip(".") == DOMAIN]
    check([z["Id"].split("/")[-1] for z in zones] == [zone_id],
          f"one hosted zone {DOMAIN}, the primary's HostedZoneId output", zones)
    state["zone"] = zone_id
    if zone_id:
        check_record(zone_id, SECONDARY, 0, outs[SECONDARY])
        if not weighted(zone_id, PRIMARY):
            skip(f"{PRIMARY}: its record is gone after step 3: moto deletes every record of a name when "
                 "CloudFormation updates one (checked after step 2 instead)")
        else:
            check_record(zone_id, PRIMARY, 100, outs[PRIMARY])
    with open(STATE, "w") as f:
        json.dump(state, f)


def phase_seed():
    """Object versions and delete markers in both buckets, for teardown to remove."""
    with open(STATE) as f:
        state = json.load(f)
    for region, bucket in state["buckets"].items():
        s3 = client("s3", region)
        # moto's CloudFormation does not apply VersioningConfiguration; AWS's does.
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        for n in range(3):
            s3.put_object(Bucket=bucket, Key="audit/2026/01/01/txn_1.json", Body=f"v{n}".encode())
        s3.put_object(Bucket=bucket, Key="audit/odd name \u00fc+%.json", Body=b"x")
        s3.delete_object(Bucket=bucket, Key="audit/2026/01/01/txn_1.json")
        v = s3.list_object_versions(Bucket=bucket)
        check(len(v.get("Versions", [])) == 4 and len(v.get("DeleteMarkers", [])) == 1,
              f"{region}: {bucket} holds 4 object versions and 1 delete marker",
              (len(v.get("Versions", [])), len(v.get("DeleteMarkers", []))))


def stack_deleted(region, name):
    summaries = client("cloudformation", region).list_stacks()["StackSummaries"]
    statuses = [s["StackStatus"] for s in summaries if s["StackName"] == name]
    live = [s for s in statuses if s != "DELETE_COMPLETE"]
    return bool(statuses) and not live, statuses


def phase_drill_gone():
    for region in REGIONS:
        gone, statuses = stack_deleted(region, DRILL_STACK)
        check(gone, f"{region}: the drill's copy {DRILL_STACK} DELETE_COMPLETE", statuses)
        st = stack(region)
        check(st["StackStatus"] in ("CREATE_COMPLETE", "UPDATE_COMPLETE") and
              params(region).get("FailoverDrill") == "false",
              f"{region}: {STACK} untouched by the drill (FailoverDrill=false)", st["StackStatus"])
    drill_fn = "payments-" + DRILL_STACK.rsplit("-", 1)[-1]
    try:
        client("lambda", PRIMARY).get_function(FunctionName=drill_fn)
        fail(f"{PRIMARY}: the drill's function {drill_fn} is gone")
    except ClientError as e:
        check(error_code(e) == "ResourceNotFoundException", f"{PRIMARY}: the drill's function {drill_fn} is gone",
              error_code(e))


def phase_deleted():
    with open(STATE) as f:
        state = json.load(f)
    for region in REGIONS:
        gone, statuses = stack_deleted(region, STACK)
        check(gone, f"{region}: {STACK} DELETE_COMPLETE", statuses)
        try:
            client("s3", region).head_bucket(Bucket=state["buckets"][region])
            fail(f"{region}: bucket {state['buckets'][region]} deleted")
        except ClientError as e:
            check(e.response["ResponseMetadata"]["HTTPStatusCode"] == 404,
                  f"{region}: bucket {state['buckets'][region]} deleted (with its versions)", error_code(e))
        try:
            client("lambda", region).get_function(FunctionName=state["functions"][region])
            fail(f"{region}: function deleted")
        except ClientError as e:
            check(error_code(e) == "ResourceNotFoundException", f"{region}: function deleted", error_code(e))
        topics = [t["TopicArn"] for t in client("sns", region).list_topics()["Topics"]]
        check(state["topics"][region] not in topics, f"{region}: topic deleted", topics)
        exports = [e["Name"] for e in client("cloudformation", region).list_exports()["Exports"]]
        check(not [e for e in exports if e.startswith(f"{STACK}-")], f"{region}: exports gone", exports)
        for name in (f"payments-fn-{SUFFIX}-{region}", f"payments-audit-replication-{SUFFIX}-{region}"):
            try:
                client("iam").get_role(RoleName=name)
                fail(f"role {name} deleted")
            except ClientError as e:
                check(error_code(e) == "NoSuchEntity", f"role {name} deleted", error_code(e))
    hcs = [h["Id"] for h in client("route53").list_health_checks()["HealthChecks"]]
    if set(state["health_checks"]) & set(hcs):
        skip("health checks deleted (moto's CloudFormation never deletes a health check)")
    else:
        ok("health checks deleted")
    zones = [z["Id"].split("/")[-1] for z in client("route53").list_hosted_zones()["HostedZones"]]
    if state.get("zone") in zones:
        skip("hosted zone deleted (moto's CloudFormation never deletes a hosted zone)")
    else:
        ok("hosted zone deleted")


PHASES = {"primary-record": phase_primary_record, "deployed": phase_deployed, "seed": phase_seed,
          "drill-gone": phase_drill_gone, "deleted": phase_deleted}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in PHASES:
        sys.exit(f"usage: check.py {{{'|'.join(PHASES)}}}")
    PHASES[sys.argv[1]]()
