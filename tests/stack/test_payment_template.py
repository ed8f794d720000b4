"""Constraints of the payment stack, checked on the committed template examples/payment.json.

One template is deployed unchanged in us-east-1 (primary) and us-west-2 (secondary), so every
check is made on each region's VIEW of it: a small evaluator decides the Conditions for that
region and parameter values, drops the resources whose Condition is false, and resolves Fn::If
and AWS::NoValue in what is left. Fn::Sub strings are rendered with fixed pseudo parameters
(account 123456789012, partition aws) so names and ARNs can be compared across regions.

Run: python3 -m unittest discover -s tests/stack   (standard library only)
Other template: PAYMENT_TEMPLATE=path/to/template.json
"""
import json
import os
import re
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TEMPLATE = os.environ.get("PAYMENT_TEMPLATE", os.path.join(ROOT, "examples", "payment.json"))
HANDLER = os.path.join(ROOT, "lambda", "payment_processor.py")

PRIMARY, SECONDARY = "us-east-1", "us-west-2"
REGIONS = (PRIMARY, SECONDARY)
ACCOUNT = "123456789012"
SUFFIX_PARAM = "EnvironmentSuffix"
ZONE_ID = "Z0123456789ABCDEFGHIJ"

# Where each resource type of the stack keeps its tags (None: the type has no tags), and its
# physical-name properties ("/"-separated paths below Properties). A type missing here fails
# test_every_type_is_classified, so a new resource type cannot slip past the tag and name checks.
TAGS = {
    "AWS::Backup::BackupPlan": "BackupPlanTags",
    "AWS::Backup::BackupSelection": None,
    "AWS::Backup::BackupVault": "BackupVaultTags",
    "AWS::CloudWatch::Alarm": "Tags",
    "AWS::DynamoDB::GlobalTable": "Replicas/*/Tags",
    "AWS::Events::Rule": "Tags",
    "AWS::IAM::Role": "Tags",
    "AWS::KMS::Key": "Tags",
    "AWS::Lambda::Function": "Tags",
    "AWS::Lambda::Permission": None,
    "AWS::Lambda::Url": None,
    "AWS::Logs::LogGroup": "Tags",
    "AWS::Route53::HealthCheck": "HealthCheckTags",
    "AWS::Route53::HostedZone": "HostedZoneTags",
    "AWS::Route53::RecordSet": None,
    "AWS::S3::Bucket": "Tags",
    "AWS::S3::BucketPolicy": None,
    "AWS::SNS::Topic": "Tags",
    "AWS::SNS::TopicPolicy": None,
    "AWS::SecretsManager::Secret": "Tags",
    "AWS::Synthetics::Canary": "Tags",
}
NAMES = {
    "AWS::Backup::BackupPlan": ["BackupPlan/BackupPlanName"],
    "AWS::Backup::BackupSelection": ["BackupSelection/SelectionName"],
    "AWS::Backup::BackupVault": ["BackupVaultName"],
    "AWS::CloudWatch::Alarm": ["AlarmName"],
    "AWS::DynamoDB::GlobalTable": ["TableName"],
    "AWS::Events::Rule": ["Name"],
    "AWS::IAM::Role": ["RoleName"],
    "AWS::Lambda::Function": ["FunctionName"],
    "AWS::Logs::LogGroup": ["LogGroupName"],
    "AWS::S3::Bucket": ["BucketName"],
    "AWS::SNS::Topic": ["TopicName"],
    "AWS::SecretsManager::Secret": ["Name"],
    "AWS::Synthetics::Canary": ["Name"],
}
EXPORTS = ["FunctionArn", "FunctionUrl", "TableName", "BucketName", "TopicArn", "HealthCheckId"]
RUNTIMES = ["python3.11", "python3.12", "python3.13", "python3.14"]

DROP = object()  # what Ref AWS::NoValue resolves to: the key or item disappears


def load_template():
    with open(TEMPLATE, encoding="utf-8") as f:
        return json.load(f)


class View:
    """The template as CloudFormation sees it in one region with given parameter values."""

    def __init__(self, template, region, **params):
        self.t = template
        self.region = region
        self.params = {k: p.get("Default") for k, p in template.get("Parameters", {}).items()}
        self.params.update(params)
        self._conds = {}
        self.resources = {}
        for name, res in template["Resources"].items():
            if "Condition" not in res or self.condition(res["Condition"]):
                self.resources[name] = dict(res, Properties=self.resolve(res.get("Properties", {})))
        self.outputs = {name: dict(out, Value=self.resolve(out["Value"]))
                        for name, out in template.get("Outputs", {}).items()
                        if "Condition" not in out or self.condition(out["Condition"])}

    # Conditions -------------------------------------------------------------------------
    def condition(self, name):
        if name not in self._conds:
            self._conds[name] = self.truth(self.t["Conditions"][name])
        return self._conds[name]

    def truth(self, node):
        (fn, arg), = node.items()
        if fn == "Condition":
            return self.condition(arg)
        if fn == "Fn::Equals":
            a, b = (self.scalar(x) for x in arg)
            return str(a) == str(b)
        if fn == "Fn::Not":
            return not self.truth(arg[0])
        if fn == "Fn::And":
            return all(self.truth(x) for x in arg)
        if fn == "Fn::Or":
            return any(self.truth(x) for x in arg)
        raise AssertionError(f"not a condition function: {fn}")

    def scalar(self, node):
        """A value inside a condition: a literal, a Ref to a parameter or pseudo parameter."""
        if isinstance(node, dict):
            (fn, arg), = node.items()
            assert fn == "Ref", f"unsupported in a condition: {fn}"
            return self.ref_value(arg)
        return node

    def ref_value(self, name):
        pseudo = {"AWS::Region": self.region, "AWS::AccountId": ACCOUNT, "AWS::Partition": "aws",
                  "AWS::StackName": "payments-stack", "AWS::URLSuffix": "amazonaws.com"}
        if name in pseudo:
            return pseudo[name]
        return self.params[name]

    # Values -----------------------------------------------------------------------------
    def resolve(self, node):
        """Fn::If decided, AWS::NoValue dropped; every other intrinsic kept as it is."""
        if isinstance(node, list):
            items = [self.resolve(x) for x in node]
            return [x for x in items if x is not DROP]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            (fn, arg), = node.items()
            if fn == "Fn::If":
                return self.resolve(arg[1] if self.condition(arg[0]) else arg[2])
            if fn == "Ref" and arg == "AWS::NoValue":
                return DROP
        out = {}
        for key, value in node.items():
            value = self.resolve(value)
            if value is not DROP:
                out[key] = value
        return out

    def render(self, node):
        """A string value: literals as they are, Ref to a parameter or pseudo parameter and
        Fn::Sub over those rendered; anything else (resource attributes) raises KeyError."""
        if isinstance(node, str):
            return node
        (fn, arg), = node.items()
        if fn == "Ref":
            return str(self.ref_value(arg))
        if fn == "Fn::Sub":
            assert isinstance(arg, str), "Fn::Sub with variables"
            return re.sub(r"\$\{([^}!]+)\}", lambda m: str(self.ref_value(m.group(1))), arg)
        raise KeyError(fn)

    def of_type(self, type_name):
        return {k: r for k, r in self.resources.items() if r["Type"] == type_name}

    def one(self, type_name):
        found = self.of_type(type_name)
        assert len(found) == 1, f"{type_name}: {sorted(found)}"
        return next(iter(found.items()))


def views(template, **params):
    return {region: View(template, region, **params) for region in REGIONS}


def at(props, path):
    """Values at a "/"-separated path below props; "*" walks every item of a list."""
    nodes = [props]
    for part in path.split("/"):
        nxt = []
        for n in nodes:
            if part == "*":
                nxt.extend(n if isinstance(n, list) else [])
            elif isinstance(n, dict) and part in n:
                nxt.append(n[part])
        nodes = nxt
    return nodes


def refs(node):
    """Every logical id that node refers to, through Ref, Fn::GetAtt or Fn::Sub."""
    found = set()
    if isinstance(node, list):
        for x in node:
            found |= refs(x)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str):
                found.add(value)
            elif key == "Fn::GetAtt":
                found.add(value[0] if isinstance(value, list) else value.split(".")[0])
            elif key == "Fn::Sub":
                text, variables = (value, {}) if isinstance(value, str) else value
                found |= {m.split(".")[0] for m in re.findall(r"\$\{([^}!]+)\}", text)} - set(variables)
                found |= refs(list(variables.values()))
            else:
                found |= refs(value)
    return found


def url_host_of(function_url_id):
    return {"Fn::Select": [2, {"Fn::Split": ["/", {"Fn::GetAtt": [function_url_id, "FunctionUrl"]}]}]}


class TemplateTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.t = load_template()
        cls.v = views(cls.t)                             # as first deployed: no zone id yet
        cls.vz = {PRIMARY: cls.v[PRIMARY],               # then the secondary updated with the
                  SECONDARY: View(cls.t, SECONDARY, HostedZoneId=ZONE_ID)}  # primary's zone id
        cls.all_views = [(r, v) for r, v in cls.v.items()] + [(r, v) for r, v in cls.vz.items()]

    # The template as a whole ----------------------------------------------------------------
    def test_size_fits_an_inline_template_body(self):
        self.assertLess(os.path.getsize(TEMPLATE), 51200)

    def test_every_type_is_classified(self):
        for name, res in self.t["Resources"].items():
            self.assertIn(res["Type"], TAGS, f"{name}: add its type to TAGS and NAMES")

    def test_references_exist_in_each_region(self):
        params = set(self.t["Parameters"])
        for region, v in self.all_views:
            for name, res in list(v.resources.items()) + list(v.outputs.items()):
                body = {k: res.get(k) for k in ("Properties", "Value", "DependsOn")}
                deps = res.get("DependsOn", [])
                for target in refs(body) | set(deps if isinstance(deps, list) else [deps]):
                    if target.startswith("AWS::"):
                        continue
                    self.assertTrue(target in v.resources or target in params,
                                    f"{region}: {name} refers to {target}, which is not there")

    def test_no_retain_or_snapshot(self):
        for name, res in self.t["Resources"].items():
            for policy in ("DeletionPolicy", "UpdateReplacePolicy"):
                self.assertNotIn(res.get(policy, "Delete"), ("Retain", "RetainExceptOnCreate", "Snapshot"),
                                 f"{name} {policy}")

    def test_suffix_in_every_physical_name(self):
        for region, v in self.all_views:
            for name, res in v.resources.items():
                for path in NAMES.get(res["Type"], []):
                    values = at(res["Properties"], path)
                    self.assertEqual(len(values), 1, f"{region}: {name} has no {path}")
                    text = json.dumps(values[0])
                    self.assertIn("${%s}" % SUFFIX_PARAM, text, f"{region}: {name} {path}: {text}")

    def test_environment_and_region_tags_on_every_taggable_resource(self):
        env = {"Ref": SUFFIX_PARAM}
        for region, v in self.all_views:
            for name, res in v.resources.items():
                path = TAGS[res["Type"]]
                if path is None:
                    continue
                tag_sets = at(res["Properties"], path)
                self.assertTrue(tag_sets, f"{region}: {name} has no tags at {path}")
                for i, tags in enumerate(tag_sets):
                    if isinstance(tags, list):
                        tags = {t["Key"]: t["Value"] for t in tags}
                    self.assertEqual(tags.get("Environment"), env, f"{region}: {name}")
                    where = res["Properties"]["Replicas"][i]["Region"] if "Replicas" in path else region
                    self.assertIn(v.render(tags.get("Region")), (where,), f"{region}: {name}")

    def test_iam_allows_no_wildcard_action_and_scoped_resources(self):
        for region, v in self.all_views:
            for name, role in v.of_type("AWS::IAM::Role").items():
                for policy in role["Properties"].get("Policies", []):
                    for st in policy["PolicyDocument"]["Statement"]:
                        actions = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
                        for action in actions:
                            self.assertNotIn("*", action, f"{region}: {name} allows {action}")
                        resources = st["Resource"] if isinstance(st["Resource"], list) else [st["Resource"]]
                        if "*" in resources:   # only where IAM has no resource: metric data, scoped
                            self.assertEqual(actions, ["cloudwatch:PutMetricData"], f"{region}: {name}")
                            self.assertIn("cloudwatch:namespace", json.dumps(st["Condition"]))

    def test_role_names_carry_the_region(self):
        for region, v in self.all_views:
            for name, role in v.of_type("AWS::IAM::Role").items():
                self.assertTrue(v.render(role["Properties"]["RoleName"]).endswith("-" + region), name)

    # Lambda --------------------------------------------------------------------------------
    def test_runtime_parameter(self):
        p = self.t["Parameters"]["LambdaRuntime"]
        self.assertEqual(p["Type"], "String")
        self.assertEqual(p["Default"], "python3.11")
        self.assertEqual(p["AllowedValues"], RUNTIMES)

    def test_function(self):
        for region, v in self.all_views:
            name, fn = v.one("AWS::Lambda::Function")
            props = fn["Properties"]
            self.assertEqual(props["Runtime"], {"Ref": "LambdaRuntime"})
            self.assertEqual(props["ReservedConcurrentExecutions"], 100)
            self.assertEqual(props["Handler"], "index.handler")
            with open(HANDLER, encoding="utf-8") as f:
                self.assertEqual(props["Code"], {"ZipFile": f.read()})
            env = props["Environment"]["Variables"]
            self.assertEqual(set(env), {"TABLE_NAME", "AUDIT_BUCKET", "API_KEY_SECRET_ARN",
                                        "REGION_ROLE", "AUDIT_PREFIX"})
            self.assertEqual(env["REGION_ROLE"], "primary" if region == PRIMARY else "secondary")
            self.assertEqual(v.render(env["TABLE_NAME"]), "payments-dev")
            bucket, _ = v.one("AWS::S3::Bucket")
            self.assertEqual(env["AUDIT_BUCKET"], {"Ref": bucket})
            self.assertEqual(v.render(env["API_KEY_SECRET_ARN"]),
                             v.render(View(self.t, PRIMARY).one("AWS::SecretsManager::Secret")[1]
                                      ["Properties"]["Name"]))
            logs = [lg for lg in v.of_type("AWS::Logs::LogGroup").values()
                    if v.render(lg["Properties"]["LogGroupName"]) == "/aws/lambda/" + v.render(props["FunctionName"])]
            self.assertEqual(len(logs), 1, "the function's own log group")
            self.assertGreater(logs[0]["Properties"]["RetentionInDays"], 0)

    def test_public_url_and_its_two_permissions(self):
        for region, v in self.all_views:
            fn, _ = v.one("AWS::Lambda::Function")
            _, url = v.one("AWS::Lambda::Url")
            self.assertEqual(url["Properties"]["AuthType"], "NONE")
            perms = [p["Properties"] for p in v.of_type("AWS::Lambda::Permission").values()]
            for p in perms:
                self.assertEqual(p["FunctionName"], {"Ref": fn})
                self.assertEqual(p["Principal"], "*")
            self.assertEqual(sorted((p["Action"], p.get("FunctionUrlAuthType"), p.get("InvokedViaFunctionUrl"))
                                    for p in perms),
                             [("lambda:InvokeFunction", None, True), ("lambda:InvokeFunctionUrl", "NONE", None)])

    def test_function_role_is_least_privilege(self):
        for region, v in self.all_views:
            _, fn = v.one("AWS::Lambda::Function")
            role = v.resources[fn["Properties"]["Role"]["Fn::GetAtt"][0]]
            self.assertEqual(role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"],
                             {"Service": "lambda.amazonaws.com"})
            grants = {}
            for policy in role["Properties"]["Policies"]:
                for st in policy["PolicyDocument"]["Statement"]:
                    self.assertEqual(st["Effect"], "Allow")
                    resources = st["Resource"] if isinstance(st["Resource"], list) else [st["Resource"]]
                    for action in st["Action"]:
                        grants[action] = [r if isinstance(r, dict) and "Fn::GetAtt" in r else v.render(r)
                                          for r in resources]
            table = f"arn:aws:dynamodb:{region}:{ACCOUNT}:table/payments-dev"
            for action in ("GetItem", "PutItem", "ConditionCheckItem", "DescribeTable"):
                self.assertEqual(grants["dynamodb:" + action], [table, table + "/index/*"])
            self.assertEqual(grants["s3:PutObject"],
                             [f"arn:aws:s3:::payments-audit-dev-{ACCOUNT}-{region}/audit/*"])
            self.assertEqual(grants["secretsmanager:GetSecretValue"],
                             [f"arn:aws:secretsmanager:{region}:{ACCOUNT}:secret:payments-api-key-dev-??????"])
            self.assertEqual(grants["logs:PutLogEvents"], [{"Fn::GetAtt": ["FunctionLogs", "Arn"]}])
            self.assertEqual(set(grants), {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:ConditionCheckItem",
                                           "dynamodb:DescribeTable", "s3:PutObject", "secretsmanager:GetSecretValue",
                                           "logs:CreateLogStream", "logs:PutLogEvents"})

    # DynamoDB ------------------------------------------------------------------------------
    def test_global_table_in_primary_only(self):
        self.assertEqual(len(self.v[SECONDARY].of_type("AWS::DynamoDB::GlobalTable")), 0)
        _, table = self.v[PRIMARY].one("AWS::DynamoDB::GlobalTable")
        props = table["Properties"]
        self.assertEqual(props["BillingMode"], "PAY_PER_REQUEST")
        self.assertEqual(props["StreamSpecification"], {"StreamViewType": "NEW_AND_OLD_IMAGES"})
        self.assertEqual(props["KeySchema"], [{"AttributeName": "pk", "KeyType": "HASH"}])
        self.assertEqual(props["AttributeDefinitions"], [{"AttributeName": "pk", "AttributeType": "S"}])
        self.assertEqual(sorted(r["Region"] for r in props["Replicas"]), list(REGIONS))
        for replica in props["Replicas"]:
            self.assertEqual(replica["PointInTimeRecoverySpecification"], {"PointInTimeRecoveryEnabled": True})
            self.assertTrue(replica["Tags"])

    # S3 ------------------------------------------------------------------------------------
    def test_buckets_are_versioned_encrypted_private_and_tls_only(self):
        for region, v in self.all_views:
            policies = {p["Properties"]["Bucket"]["Ref"]: p["Properties"]["PolicyDocument"]
                        for p in v.of_type("AWS::S3::BucketPolicy").values()}
            for name, bucket in v.of_type("AWS::S3::Bucket").items():
                props = bucket["Properties"]
                self.assertEqual(props["VersioningConfiguration"], {"Status": "Enabled"})
                self.assertTrue(props["BucketEncryption"]["ServerSideEncryptionConfiguration"])
                self.assertEqual(props["PublicAccessBlockConfiguration"],
                                 dict.fromkeys(["BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls",
                                                "RestrictPublicBuckets"], True))
                self.assertTrue(v.render(props["BucketName"]).endswith(f"-dev-{ACCOUNT}-{region}"))
                deny = [s for s in policies[name]["Statement"] if s["Effect"] == "Deny"]
                self.assertEqual(deny[0]["Condition"], {"Bool": {"aws:SecureTransport": "false"}})

    def test_replication_only_in_primary_to_the_secondary_bucket(self):
        _, secondary_bucket = self.v[SECONDARY].one("AWS::S3::Bucket")
        self.assertNotIn("ReplicationConfiguration", secondary_bucket["Properties"])
        self.assertEqual(len(self.v[SECONDARY].of_type("AWS::IAM::Role")), 1, "only the function's role")
        v = self.v[PRIMARY]
        _, bucket = v.one("AWS::S3::Bucket")
        config = bucket["Properties"]["ReplicationConfiguration"]
        role = config["Role"]["Fn::GetAtt"][0]
        self.assertIn(role, v.of_type("AWS::IAM::Role"))
        destination = self.v[SECONDARY].render(secondary_bucket["Properties"]["BucketName"])
        self.assertEqual([v.render(r["Destination"]["Bucket"]) for r in config["Rules"]],
                         ["arn:aws:s3:::" + destination])
        self.assertEqual([r["Status"] for r in config["Rules"]], ["Enabled"])

    # Secrets Manager -----------------------------------------------------------------------
    def test_secret_in_primary_only_generated_and_replicated(self):
        self.assertEqual(len(self.v[SECONDARY].of_type("AWS::SecretsManager::Secret")), 0)
        _, secret = self.v[PRIMARY].one("AWS::SecretsManager::Secret")
        props = secret["Properties"]
        self.assertEqual(props["ReplicaRegions"], [{"Region": SECONDARY}])
        self.assertIn("GenerateSecretString", props)
        self.assertNotIn("SecretString", props)

    # Route 53 ------------------------------------------------------------------------------
    def test_health_check_per_region(self):
        for region, v in self.all_views:
            _, hc = v.one("AWS::Route53::HealthCheck")
            url, _ = v.one("AWS::Lambda::Url")
            config = hc["Properties"]["HealthCheckConfig"]
            self.assertEqual(config["Type"], "HTTPS")
            self.assertEqual(config["Port"], 443)
            self.assertIs(config["EnableSNI"], True)
            self.assertEqual(config["ResourcePath"], "/health")
            self.assertEqual(config["FullyQualifiedDomainName"], url_host_of(url))
            self.assertIs(config["Inverted"], False)
        for region, v in views(self.t, FailoverDrill="true").items():
            self.assertIs(v.one("AWS::Route53::HealthCheck")[1]["Properties"]["HealthCheckConfig"]["Inverted"], True)

    def test_hosted_zone_in_primary_only(self):
        zone, _ = self.v[PRIMARY].one("AWS::Route53::HostedZone")
        self.assertEqual(self.v[PRIMARY].outputs["HostedZoneId"]["Value"], {"Ref": zone})
        self.assertIn("NameServers", self.v[PRIMARY].outputs)
        self.assertEqual(self.vz[SECONDARY].of_type("AWS::Route53::HostedZone"), {})

    def test_primary_can_use_an_existing_zone(self):
        v = View(self.t, PRIMARY, HostedZoneId=ZONE_ID)
        self.assertEqual(v.of_type("AWS::Route53::HostedZone"), {})
        self.assertEqual(v.one("AWS::Route53::RecordSet")[1]["Properties"]["HostedZoneId"], {"Ref": "HostedZoneId"})
        self.assertEqual(v.outputs["HostedZoneId"]["Value"], {"Ref": "HostedZoneId"})
        self.assertNotIn("NameServers", v.outputs)

    def test_weighted_records(self):
        self.assertEqual(self.v[SECONDARY].of_type("AWS::Route53::RecordSet"), {},
                         "the secondary's record waits for HostedZoneId")
        records = {}
        for region in REGIONS:
            v = self.vz[region]
            _, rec = v.one("AWS::Route53::RecordSet")
            props = rec["Properties"]
            hc, _ = v.one("AWS::Route53::HealthCheck")
            url, _ = v.one("AWS::Lambda::Url")
            self.assertEqual(props["Type"], "CNAME")
            self.assertEqual(str(props["TTL"]), "60")
            self.assertEqual(v.render(props["SetIdentifier"]), region + "-dev")  # region and suffix
            self.assertEqual(props["HealthCheckId"], {"Ref": hc})
            self.assertEqual(props["ResourceRecords"], [url_host_of(url)])
            zone = (v.one("AWS::Route53::HostedZone")[0] if region == PRIMARY else "HostedZoneId")
            self.assertEqual(props["HostedZoneId"], {"Ref": zone})
            records[region] = props
        self.assertEqual(records[PRIMARY]["Weight"], 100)
        self.assertEqual(records[SECONDARY]["Weight"], 0)
        self.assertEqual(records[PRIMARY]["Name"], records[SECONDARY]["Name"])

    # CloudWatch and SNS --------------------------------------------------------------------
    def test_alarms(self):
        for region, v in self.all_views:
            _, fn = v.one("AWS::Lambda::Function")
            other = SECONDARY if region == PRIMARY else PRIMARY
            seen = set()
            for name, alarm in v.of_type("AWS::CloudWatch::Alarm").items():
                p = alarm["Properties"]
                dims = {d["Name"]: d["Value"] for d in p.get("Dimensions", [])}
                seen.add((p["Namespace"], p["MetricName"], tuple(sorted(dims))))
                if p["Namespace"] == "AWS/Lambda":
                    self.assertEqual(dims["FunctionName"], {"Ref": "Function"})
                if p["Namespace"] == "AWS/DynamoDB":
                    self.assertEqual(v.render(dims["TableName"]), "payments-dev")
                if p["MetricName"] == "ReplicationLatency":
                    self.assertEqual(dims["ReceivingRegion"], other)
                for key in ("Threshold", "EvaluationPeriods", "Period", "ComparisonOperator"):
                    self.assertIn(key, p, f"{region}: {name}")
            self.assertLessEqual({("AWS/Lambda", "Errors", ("FunctionName",)),
                                  ("AWS/DynamoDB", "ReadThrottleEvents", ("TableName",)),
                                  ("AWS/DynamoDB", "WriteThrottleEvents", ("TableName",)),
                                  ("AWS/DynamoDB", "ThrottledRequests", ("Operation", "TableName")),
                                  ("AWS/DynamoDB", "ReplicationLatency", ("ReceivingRegion", "TableName"))}, seen)

    def test_every_alarm_notifies_the_topic_on_alarm_and_ok(self):
        for region, v in self.all_views:
            topic, _ = v.one("AWS::SNS::Topic")
            for name, alarm in v.of_type("AWS::CloudWatch::Alarm").items():
                self.assertEqual(alarm["Properties"]["AlarmActions"], [{"Ref": topic}], f"{region}: {name}")
                self.assertEqual(alarm["Properties"]["OKActions"], [{"Ref": topic}], f"{region}: {name}")

    def test_topic_is_encrypted_subscribed_and_open_to_cloudwatch(self):
        for region, v in self.all_views:
            topic, t = v.one("AWS::SNS::Topic")
            self.assertIn("KmsMasterKeyId", t["Properties"])
            self.assertEqual(t["Properties"]["Subscription"], [{"Endpoint": {"Ref": "AlertEmail"}, "Protocol": "email"}])
            _, policy = v.one("AWS::SNS::TopicPolicy")
            self.assertEqual(policy["Properties"]["Topics"], [{"Ref": topic}])
            allowed = [s for s in policy["Properties"]["PolicyDocument"]["Statement"]
                       if s["Effect"] == "Allow" and s["Action"] == "sns:Publish"]
            self.assertIn("cloudwatch.amazonaws.com", json.dumps(allowed))
            key = t["Properties"]["KmsMasterKeyId"]
            if isinstance(key, dict):   # a key of the stack: CloudWatch must be able to use it
                statements = v.resources[key["Ref"]]["Properties"]["KeyPolicy"]["Statement"]
                self.assertTrue(any("cloudwatch.amazonaws.com" in json.dumps(s.get("Principal"))
                                    and "kms:GenerateDataKey*" in s["Action"] for s in statements))

    # Outputs -------------------------------------------------------------------------------
    def test_exports(self):
        for region, v in self.all_views:
            for name in EXPORTS:
                self.assertIn(name, v.outputs, f"{region}: output {name}")
                self.assertEqual(v.outputs[name]["Export"]["Name"], {"Fn::Sub": "${AWS::StackName}-" + name})
            self.assertEqual(v.outputs["FunctionArn"]["Value"], {"Fn::GetAtt": ["Function", "Arn"]})
            self.assertEqual(v.render(v.outputs["TableName"]["Value"]), "payments-dev")
        self.assertIn("HostedZoneId", self.v[PRIMARY].outputs)


if __name__ == "__main__":
    unittest.main()
