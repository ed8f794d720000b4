"""Writes a variant of a CloudFormation template that moto's CloudFormation can create.

    python3 moto_template.py IN.json OUT.json

moto (5.x) "creates" a resource of a type it has no CloudFormation model for by doing nothing
(one log line; list-stack-resources still says CREATE_COMPLETE), and a Fn::GetAtt on such a
resource in an output makes create-stack fail with a 500. So this variant:
  - drops every resource whose type moto cannot create, with one warning line per type;
  - replaces whatever referred to a dropped resource with a placeholder string:
        {"Ref": X}                     "placeholder-X"
        {"Fn::GetAtt": [X, "...Url"]}  "https://placeholder-x.lambda-url.<region>.on.aws/" (so
                                       Fn::Split/Fn::Select still find a host in it)
        {"Fn::GetAtt": [X, "Arn"]}     "arn:aws:placeholder:<region>:000000000000:X"
        {"Fn::GetAtt": [X, A]}         "placeholder-X-A"
        ${X} and ${X.A} in Fn::Sub     the same strings
        DependsOn X                    removed
  - replaces the attributes moto cannot give (UNSUPPORTED_ATTRIBUTES) and removes the
    properties moto fails on (UNSUPPORTED_PROPERTIES), with a warning line each.
Parameters, conditions and everything else are left as they are.
"""
import json
import re
import sys

# Found by trying (moto 5.2.1, create-stack of the payment template on moto_server): no
# CloudFormation model in moto, so nothing is created and references to them cannot resolve.
UNSUPPORTED = {
    "AWS::CloudWatch::Alarm",
    "AWS::DynamoDB::GlobalTable",
    "AWS::Lambda::Url",
    "AWS::S3::BucketPolicy",
    "AWS::SNS::TopicPolicy",
    "AWS::SecretsManager::Secret",
    # the optional parts of payment_stack (backup = true, canary = true):
    "AWS::Backup::BackupVault",
    "AWS::Backup::BackupPlan",
    "AWS::Backup::BackupSelection",
    "AWS::Synthetics::Canary",
}

# Attributes of types moto creates but cannot give: a Fn::GetAtt on them fails, and with it every
# output of the stack (describe-stacks shows none). Value: the placeholder used instead.
UNSUPPORTED_ATTRIBUTES = {
    ("AWS::Route53::HostedZone", "NameServers"): ["ns-1.placeholder.invalid",
                                                  "ns-2.placeholder.invalid"],
}

# Properties moto fails on (create-stack answers 500), removed from the variant.
UNSUPPORTED_PROPERTIES = {
    ("AWS::KMS::Key", "Tags"): "moto's KMS reads CloudFormation tags as TagKey/TagValue",
}


def moto_model_types():
    """The resource types the installed moto has a CloudFormation model for, or None.

    A safety net for types added to the template later: moto would skip them silently."""
    try:
        from moto.cloudformation.parsing import get_model_map
    except ImportError:
        return None
    return set(get_model_map())


def placeholder(logical_id, attr=None, in_sub=False):
    if attr is None:
        return f"placeholder-{logical_id}"
    region = "${AWS::Region}"
    if attr.endswith("Url"):
        text = f"https://placeholder-{logical_id.lower()}.lambda-url.{region}.on.aws/"
    elif attr == "Arn":
        text = f"arn:aws:placeholder:{region}:000000000000:{logical_id}"
    else:
        return f"placeholder-{logical_id}-{attr}"
    return text if in_sub else {"Fn::Sub": text}


class Rewriter:
    def __init__(self, types, dropped):
        self.types = types        # logical id -> type, of every resource of the template
        self.dropped = dropped    # logical ids
        self.attr_gaps = set()

    def getatt(self, target, attr, in_sub=False):
        """The replacement of target.attr, or None to keep the reference."""
        if target in self.dropped:
            return placeholder(target, attr, in_sub)
        gap = (self.types.get(target), attr)
        if gap in UNSUPPORTED_ATTRIBUTES:
            self.attr_gaps.add(gap)
            value = UNSUPPORTED_ATTRIBUTES[gap]
            return ",".join(value) if in_sub and isinstance(value, list) else value
        return None

    def __call__(self, node):
        if isinstance(node, list):
            return [self(v) for v in node]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            (key, value), = node.items()
            if key == "Ref" and value in self.dropped:
                return placeholder(value)
            if key == "Fn::GetAtt":
                target, attr = value.split(".", 1) if isinstance(value, str) else value
                new = self.getatt(target, attr)
                if new is not None:
                    return new
            if key == "Fn::Sub":
                return {"Fn::Sub": self.sub(value)}
        return {k: self(v) for k, v in node.items()}

    def sub(self, value):
        text, names = (value, {}) if isinstance(value, str) else value

        def one(m):
            target, _, attr = m.group(1).partition(".")
            if target in names:
                return m.group(0)
            new = self.getatt(target, attr, in_sub=True) if attr else (
                placeholder(target) if target in self.dropped else None)
            return m.group(0) if new is None else new
        text = re.sub(r"\$\{([A-Za-z0-9:.]+)\}", one, text)
        return text if isinstance(value, str) else [text, self(names)]


def main(src, dst):
    with open(src) as f:
        template = json.load(f)
    known = moto_model_types()
    resources = template.get("Resources", {})
    types = {logical_id: res["Type"] for logical_id, res in resources.items()}
    skipped = {}
    for logical_id, kind in types.items():
        if kind in UNSUPPORTED or (known is not None and kind not in known):
            skipped.setdefault(kind, []).append(logical_id)
    for kind in sorted(skipped):
        print(f"warning: moto cannot create {kind}: skipped {', '.join(sorted(skipped[kind]))}")
    rewrite = Rewriter(types, {i for ids in skipped.values() for i in ids})
    kept = {}
    for logical_id, res in resources.items():
        if logical_id in rewrite.dropped:
            continue
        res = rewrite(res)
        for (kind, prop), why in sorted(UNSUPPORTED_PROPERTIES.items()):
            if res["Type"] == kind and prop in res.get("Properties", {}):
                del res["Properties"][prop]
                print(f"warning: moto cannot create {kind} with {prop} ({why}): "
                      f"removed from {logical_id}")
        deps = res.get("DependsOn")
        if deps is not None:
            deps = [d for d in ([deps] if isinstance(deps, str) else deps)
                    if d not in rewrite.dropped]
            if deps:
                res["DependsOn"] = deps
            else:
                del res["DependsOn"]
        kept[logical_id] = res
    template["Resources"] = kept
    if "Outputs" in template:
        template["Outputs"] = rewrite(template["Outputs"])
    for kind, attr in sorted(rewrite.attr_gaps):
        print(f"warning: moto cannot give {kind} attribute {attr}: placeholder used")
    with open(dst, "w") as f:
        json.dump(template, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: moto_template.py IN.json OUT.json")
    main(*sys.argv[1:3])
