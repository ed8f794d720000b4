#!/usr/bin/env python3
"""Generate src/spec_data.c from the CloudFormation resource provider
schemas shipped inside the installed cfn-lint package.

Usage (from the repository root):

    python3 tools/gen-spec.py [--cfnlint DIR] [--output src/spec_data.c]

Standard library only: cfn-lint is located with importlib.util.find_spec()
(which does not import it) and its data files are read directly; the Python
tables in it (providers/<region>.py, schema/_getatts.py) are read with the
ast module, never executed.

What it does, per resource type in the union of us-east-1 and us-west-2:
  * applies cfn-lint's own schema patches (data/schemas/patches) to the
    shipped schema, which lacks some of them (see Patcher below);
  * flattens the JSON schema into a small graph of "nodes" (one per distinct
    shape): $ref resolved, oneOf/anyOf merged as a union of shapes and
    properties, allOf merged as an intersection of types plus the union of
    properties; patterns, lengths, min/max and the like are dropped;
  * derives the GetAtt attribute names the way cfn-lint does;
  * derives taggability, the Tags property and its shape, and the
    physical-name property (rule + override table below);
and it copies the Lambda runtime lifecycle table (the data of rule E2533).

The output format is documented in docs/spec-data.md and in the header of
the generated file.  See src/spec.c for the reader.
"""

import argparse
import ast
import collections
import importlib.metadata
import importlib.util
import json
import os
import re
import sys

import json_patch  # tools/json_patch.py, next to this file

REGIONS = (("us-east-1", "us_east_1", 4), ("us-west-2", "us_west_2", 8))

# Flag bits stored per type (must match SPEC_F_* in src/spec.h).
F_TAGGABLE = 1
F_TAGS_MAP = 2

# Physical-name overrides: type -> property name, or None for "has none".
# Everything else follows the rule in physical_name().
PHYSICAL_NAME_OVERRIDES = {
    # Name is the DNS domain the zone serves, not a name CloudFormation
    # would otherwise invent.
    "AWS::Route53::HostedZone": None,
    # A record's Name is its DNS name.
    "AWS::Route53::RecordSet": None,
    # Name is a DNS domain.
    "AWS::ServiceDiscovery::PrivateDnsNamespace": None,
    "AWS::ServiceDiscovery::PublicDnsNamespace": None,
}

# Tag property overrides (Properties-relative paths) for types whose schema
# has no tagging metadata but whose tags live below the top level.
TAGS_OVERRIDES = {
    # Global tables are tagged per replica.
    "AWS::DynamoDB::GlobalTable": "/properties/Replicas/*/Tags",
}

# Characters used as separators in the node encoding; schema text that
# would contain them is rejected so the encoding stays unambiguous.
SEPARATORS = set(";,|=!\n\0")

STRUCTURAL = {
    "type", "properties", "patternProperties", "additionalProperties",
    "items", "prefixItems", "enum", "enumCaseInsensitive", "const", "oneOf",
    "anyOf", "allOf", "$ref", "required",
}
STRING_HINTS = {"pattern", "minLength", "maxLength", "format"}
NUMBER_HINTS = {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
                "multipleOf"}
ARRAY_HINTS = {"items", "prefixItems", "minItems", "maxItems", "uniqueItems",
               "insertionOrder"}
OBJECT_HINTS = {"properties", "patternProperties", "additionalProperties",
                "required", "minProperties", "maxProperties"}

TYPE_LETTER = {"string": "s", "integer": "i", "number": "n",
               "boolean": "b", "array": "l", "object": "o"}
KIND_ORDER = "sinblo"


def fail(msg):
    sys.exit("gen-spec: " + msg)


# ---------------------------------------------------------------- locating


def find_cfnlint(explicit):
    if explicit:
        return explicit
    spec = importlib.util.find_spec("cfnlint")
    if spec is None or not spec.submodule_search_locations:
        fail("cfn-lint is not installed (pip install cfn-lint) "
             "and --cfnlint was not given")
    return list(spec.submodule_search_locations)[0]


def cfnlint_version(root):
    try:
        return importlib.metadata.version("cfn-lint")
    except importlib.metadata.PackageNotFoundError:
        pass
    tree = ast.parse(open(os.path.join(root, "version.py")).read())
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and \
                getattr(stmt.targets[0], "id", "") == "__version__":
            return ast.literal_eval(stmt.value)
    fail("cannot determine the cfn-lint version")


def module_constants(path):
    """Top-level NAME = literal assignments of a Python file, via ast."""
    out = {}
    for stmt in ast.parse(open(path, encoding="utf-8").read()).body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target, value = stmt.targets[0], stmt.value
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            target, value = stmt.target, stmt.value
        else:
            continue
        if isinstance(target, ast.Name):
            try:
                out[target.id] = ast.literal_eval(value)
            except ValueError:
                pass
    return out


def region_types(root, py_region):
    path = os.path.join(root, "data", "schemas", "providers",
                        py_region + ".py")
    types = module_constants(path).get("types")
    if not isinstance(types, dict):
        fail("no 'types' table in " + path)
    return types


def load_schema(root, digest):
    path = os.path.join(root, "data", "schemas", "resources",
                        digest + ".json")
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


# ---------------------------------------------------------------- patches
#
# cfn-lint corrects and tightens AWS's schemas with JSON patches in
# data/schemas/patches/{providers,extensions}/{all,<region>}/<type>/*.json
# (schema/manager.py, _patch_provider_schema: providers before extensions,
# "all" before the region, files in sorted order).  The schemas it ships were
# patched that way when they were built, but with jsonpatch applied in place,
# where the first operation that fails ends its file and the rest is lost:
# AWS::DynamoDB::Table's smithy.json stops at its 10th operation, on a
# KeySchema path that another patch had reshaped, and the 22 after it, the
# BillingMode enum among them, never got in.  So the patches are applied
# again here, one operation at a time:
#   * a failing "test" skips the rest of its file (tests lead their files and
#     guard them: the file is already applied, or was written for another
#     version of the schema);
#   * any other operation that cannot apply (its path does not exist) is
#     reported and skipped, and the rest of its file still applies;
#   * what is already in place is not applied again: adding or replacing the
#     value that is there, removing what is absent, inserting into a list a
#     value it already holds at that place; so a file that is already in the
#     shipped data changes nothing.

PATCH_KINDS = ("providers", "extensions")  # cfn-lint's order


def type_dir(type_name):
    """cfn-lint's patch directory of a type: AWS::S3::Bucket -> aws_s3_bucket."""
    return type_name.lower().replace("::", "_").replace("-", "_")


def list_insert_done(doc, op):
    """An add into a list whose value already sits where it would go."""
    if not isinstance(op, dict) or op.get("op") != "add":
        return False
    try:
        tokens = json_patch.parse_pointer(op.get("path"))
        if not tokens or not (tokens[-1] == "-" or tokens[-1].isdigit()):
            return False
        parent = json_patch.get(doc, op["path"].rsplit("/", 1)[0])
    except json_patch.PatchError:
        return False  # apply_operation reports a bad pointer
    if not isinstance(parent, list):
        return False
    value = op.get("value")
    if tokens[-1] == "-":
        return any(json_patch.json_equal(v, value) for v in parent)
    i = int(tokens[-1])
    return i < len(parent) and json_patch.json_equal(parent[i], value)


def replay_operation(doc, op):
    """json_patch.apply_operation, except that what is in place stays."""
    if isinstance(op, dict) and op.get("op") == "remove" and \
            not json_patch.contains(doc, op.get("path")):
        json_patch.parse_pointer(op.get("path"))  # a bad pointer still fails
        return doc, False
    if list_insert_done(doc, op):
        return doc, False
    return json_patch.apply_operation(doc, op)


def subsumes(have, want):
    """Whether `have` holds `want`, objects possibly with more members."""
    if isinstance(have, dict) and isinstance(want, dict):
        return all(k in have and subsumes(have[k], v) for k, v in want.items())
    return json_patch.json_equal(have, want)


def holds_value(doc, op):
    """Whether the value an add or replace writes is at its path."""
    return list_insert_done(doc, op) or (
        json_patch.contains(doc, op.get("path")) and
        subsumes(json_patch.get(doc, op["path"]), op.get("value")))


def already_contains(doc, ops):
    """Whether the effect of the operations is in doc (later patches may
    have added members to what they wrote)."""
    for op in ops:
        kind = op.get("op") if isinstance(op, dict) else None
        if kind == "test":
            continue
        if kind == "remove":
            if json_patch.contains(doc, op.get("path")):
                return False
        elif kind not in ("add", "replace") or not holds_value(doc, op):
            return False
    return True


class Patcher:
    """Applies cfn-lint's patches to the shipped schemas (see above) and
    counts the outcome per patch file."""

    def __init__(self, root, verbose=False):
        self.base = os.path.join(root, "data", "schemas", "patches")
        self.verbose = verbose
        self.outcomes = collections.Counter()  # outcome -> number of files
        self.ops_skipped = 0
        self.patched_types = 0
        self.changed_types = []

    def note(self, text):
        print("gen-spec: " + text, file=sys.stderr)

    def files_for(self, type_name, py_region):
        out = []
        for region_set in ("all", py_region):
            for kind in PATCH_KINDS:
                d = os.path.join(self.base, kind, region_set, type_dir(type_name))
                if os.path.isdir(d):
                    out.extend(self.dir_files(d))
        return out

    def dir_files(self, d):
        for sub, _, names in os.walk(d):
            if sub != d and any(n.endswith(".json") for n in names):
                fail("patch files below %s: cfn-lint applies them too; "
                     "teach gen-spec.py their order" % sub)
        return [os.path.join(d, n) for n in sorted(os.listdir(d))
                if n.endswith(".json") and os.path.isfile(os.path.join(d, n))]

    def apply(self, type_name, schema, py_region):
        """The schema with the type's patches for the region applied."""
        files = self.files_for(type_name, py_region)
        if not files:
            return schema
        self.patched_types += 1
        before = json.dumps(schema, sort_keys=True)
        for path in files:
            schema = self.apply_file(schema, path)
        if json.dumps(schema, sort_keys=True) != before:
            self.changed_types.append(type_name)
        return schema

    def apply_file(self, schema, path):
        name = os.path.relpath(path, self.base)
        with open(path, encoding="utf-8") as fh:
            ops = json.load(fh)
        if not isinstance(ops, list):
            self.note("patch %s skipped: not a list of operations" % name)
            self.outcomes["malformed"] += 1
            return schema
        changed = False
        for i, op in enumerate(ops):
            try:
                schema, did = replay_operation(schema, op)
            except json_patch.TestFailed as e:
                self.guarded(schema, name, ops, i, e)
                return schema
            except json_patch.PatchError as e:
                what = "%s %s" % (op.get("op"), op.get("path")) \
                    if isinstance(op, dict) else "not an object"
                self.note("patch %s: operation %d (%s) skipped: %s"
                          % (name, i, what, e))
                self.ops_skipped += 1
                continue
            changed = changed or did
        self.outcomes["changed" if changed else "contained"] += 1
        if self.verbose:
            self.note("patch %s: %s" % (name, "applied" if changed
                                        else "already in the data"))
        return schema

    def guarded(self, schema, name, ops, i, err):
        """Operation i of the file, a test, failed: the rest is skipped."""
        what = "patch %s" % name if i == 0 else \
            "patch %s from operation %d on" % (name, i)
        if already_contains(schema, ops[i + 1:]):
            self.outcomes["guarded, contained"] += 1
            if self.verbose:
                self.note("%s: %s; already in the data" % (what, err))
        else:
            self.outcomes["guarded, not applied"] += 1
            self.note("%s skipped: %s" % (what, err))

    def summary(self):
        o = self.outcomes
        lines = ["cfn-lint patches: %d files for %d types: %d applied "
                 "(%d of them were in the data already), %d skipped by a "
                 "failed test (%d of them in the data already), %d "
                 "malformed; %d operations skipped"
                 % (sum(o.values()), self.patched_types,
                    o["changed"] + o["contained"], o["contained"],
                    o["guarded, contained"] + o["guarded, not applied"],
                    o["guarded, contained"], o["malformed"],
                    self.ops_skipped),
                 "schemas the patches changed (%d): %s"
                 % (len(self.changed_types),
                    ", ".join(self.changed_types) or "none")]
        return "\n".join("gen-spec: " + line for line in lines)


# ---------------------------------------------------------------- shapes


class Shape:
    """One flattened schema: what a value at this place may look like."""

    def __init__(self):
        self.kinds = None        # set of letters from KIND_ORDER, None = any
        self.declared = False    # kinds come from "type", not from hints
        self.props = {}          # name -> list of raw sub-schemas
        self.required = set()
        self.closed = None       # additionalProperties false / true / unset
        self.mapvals = []        # raw schemas of values under arbitrary keys
        self.items = []          # raw schemas of list items
        self.any_items = False   # a list whose items are unconstrained
        self.enum = None         # list of strings, None = no enum
        self.enum_ci = False


def inferred_kinds(schema):
    keys = set(schema)
    kinds = set()
    if keys & STRING_HINTS:
        kinds.add("s")
    if keys & NUMBER_HINTS:
        kinds.add("n")
    if keys & ARRAY_HINTS:
        kinds.add("l")
    if keys & OBJECT_HINTS:
        kinds.add("o")
    return kinds or None


def declared_kinds(schema):
    t = schema.get("type")
    if t is None:
        return inferred_kinds(schema)
    names = t if isinstance(t, list) else [t]
    kinds = {TYPE_LETTER[n] for n in names if n in TYPE_LETTER}
    return kinds or None


def enum_of(schema):
    if "enumCaseInsensitive" in schema:
        values, ci = schema["enumCaseInsensitive"], True
    elif "enum" in schema:
        values, ci = schema["enum"], False
    elif "const" in schema:
        values, ci = [schema["const"]], False
    else:
        return None, False
    if not all(isinstance(v, str) for v in values):
        return None, False  # only literal strings are ever enum-checked
    return list(values), ci


class Flattener:
    """Turns one resource schema into nodes (see module docstring)."""

    def __init__(self, schema):
        self.schema = schema
        self.nodes = []          # node dicts, index = id
        self.ref_ids = {}        # "$ref" string -> node id
        self.stack = []          # $refs being expanded (cycle guard)

    def resolve(self, ref):
        if not ref.startswith("#/"):
            fail("external $ref %r in %s" % (ref, self.schema["typeName"]))
        obj = self.schema
        for part in ref[2:].split("/"):
            obj = obj[part.replace("~1", "/").replace("~0", "~")]
        return obj

    # -- schema -> Shape

    def shape(self, schema):
        if not isinstance(schema, dict):
            return Shape()
        if "$ref" in schema:
            return self.shape_ref(schema)
        s = Shape()
        s.kinds = declared_kinds(schema)
        s.declared = "type" in schema
        for name, sub in schema.get("properties", {}).items():
            s.props[name] = [sub]
        s.required = set(schema.get("required", []))
        self.shape_keys(schema, s)
        s.enum, s.enum_ci = enum_of(schema)
        if s.enum is not None and s.kinds is None:
            s.kinds = {"s"}
        for word in ("oneOf", "anyOf"):
            if word in schema:
                s = union(s, [self.shape(b) for b in schema[word]])
        if "allOf" in schema:
            s = intersect([s] + [self.shape(b) for b in schema["allOf"]])
        return s

    def shape_keys(self, schema, s):
        extra = schema.get("additionalProperties")
        if extra is False:
            s.closed = True
        elif extra is True:
            s.closed = False
        elif isinstance(extra, dict):
            s.mapvals.append(extra)
        s.mapvals.extend(schema.get("patternProperties", {}).values())
        items = schema.get("items")
        if isinstance(items, dict) and items:
            s.items.append(items)
        elif "l" in (s.kinds or ()):
            s.any_items = True

    def shape_ref(self, schema):
        ref = schema["$ref"]
        if ref in self.stack:
            return Shape()
        self.stack.append(ref)
        s = self.shape(self.resolve(ref))
        rest = {k: v for k, v in schema.items() if k != "$ref"}
        if set(rest) & STRUCTURAL:
            s = intersect([s, self.shape(rest)])
        self.stack.pop()
        return s

    # -- raw schemas -> node ids

    def node_for(self, schemas):
        """Node id for a value that must match any of the raw schemas."""
        if len(schemas) == 1 and isinstance(schemas[0], dict) and \
                set(schemas[0]) & STRUCTURAL == {"$ref"}:
            ref = schemas[0]["$ref"]
            if ref in self.ref_ids:
                return self.ref_ids[ref]
            nid = self.reserve()
            self.ref_ids[ref] = nid
            self.nodes[nid] = self.emit(self.shape(schemas[0]))
            return nid
        shapes = [self.shape(s) for s in schemas]
        shape = shapes[0] if len(shapes) == 1 else union(Shape(), shapes)
        nid = self.reserve()
        self.nodes[nid] = self.emit(shape)
        return nid

    def reserve(self):
        self.nodes.append(None)
        return len(self.nodes) - 1

    def emit(self, s):
        kinds = s.kinds
        node = {"kinds": "j", "item": -1, "map": -1, "closed": False,
                "ci": False, "enum": None, "props": []}
        if kinds is None:
            return node
        node["kinds"] = "".join(k for k in KIND_ORDER if k in kinds)
        if "l" in kinds and s.items and not s.any_items:
            node["item"] = self.node_for(s.items)
        if "o" in kinds:
            self.emit_object(s, node)
        if "s" in kinds and s.enum is not None:
            node["enum"] = sorted(set(s.enum))
            node["ci"] = s.enum_ci
            for value in node["enum"]:
                self.check_chars(value, ";|\n\0")
        return node

    def check_chars(self, text, forbidden):
        bad = set(forbidden) & set(text)
        if bad:
            fail("%s: %r contains the separator %r; extend the encoding"
                 % (self.schema["typeName"], text, "".join(sorted(bad))))

    def emit_object(self, s, node):
        if s.mapvals:
            node["map"] = self.node_for(s.mapvals)
        node["closed"] = bool(s.closed)
        names = set(s.props) | s.required
        for name in sorted(names):
            self.check_chars(name, ";,|=!\n\0")
            sub = s.props.get(name)
            nid = self.node_for(sub) if sub else self.any_node()
            node["props"].append((name, nid, name in s.required))

    def any_node(self):
        nid = self.reserve()
        self.nodes[nid] = {"kinds": "j", "item": -1, "map": -1,
                           "closed": False, "ci": False, "enum": None,
                           "props": []}
        return nid

    def run(self):
        root = dict(self.schema)
        root.pop("definitions", None)
        root["type"] = "object"
        nid = self.reserve()
        self.nodes[nid] = self.emit(self.shape(root))
        return compact(self.nodes)


def union(base, branches):
    """oneOf/anyOf: a value may take the shape of any branch."""
    out = Shape()
    bk = [b.kinds for b in branches if b.kinds is not None]
    if base.kinds is not None and (base.declared or not bk):
        out.kinds, out.declared = set(base.kinds), base.declared
    elif bk:
        out.kinds = set().union(*bk, base.kinds or set())
        out.declared = any(b.declared for b in branches)
    out.props = {k: list(v) for k, v in base.props.items()}
    for b in branches:
        for name, subs in b.props.items():
            out.props.setdefault(name, []).extend(subs)
    common = set.intersection(*[b.required for b in branches]) \
        if branches else set()
    out.required = base.required | common
    out.closed = base.closed
    if out.closed is None:
        flags = [b.closed for b in branches if b.closed is not None]
        out.closed = (all(flags) if flags else None)
    out.mapvals = base.mapvals + [m for b in branches for m in b.mapvals]
    out.items = base.items + [i for b in branches for i in b.items]
    out.any_items = base.any_items or any(b.any_items for b in branches)
    union_enum(out, base, branches)
    return out


def union_enum(out, base, branches):
    if base.enum is not None:
        out.enum, out.enum_ci = base.enum, base.enum_ci
        return
    stringy = [b for b in branches if b.kinds is None or "s" in b.kinds]
    if stringy and all(b.enum is not None for b in stringy):
        out.enum = sorted({v for b in stringy for v in b.enum})
        out.enum_ci = any(b.enum_ci for b in stringy)


def intersect(shapes):
    """allOf (and $ref with sibling keywords): all shapes apply."""
    out = Shape()
    ks = [s.kinds for s in shapes if s.kinds is not None and s.declared]
    out.declared = bool(ks)
    ks = ks or [s.kinds for s in shapes if s.kinds is not None]
    if ks:
        common = set.intersection(*ks)
        out.kinds = common if common else set().union(*ks)
    for s in shapes:
        for name, subs in s.props.items():
            out.props.setdefault(name, []).extend(subs)
        out.required |= s.required
        out.mapvals += s.mapvals
        out.items += s.items
        out.any_items = out.any_items or s.any_items
        if s.enum is not None and out.enum is None:
            out.enum, out.enum_ci = s.enum, s.enum_ci
    flags = [s.closed for s in shapes if s.closed is not None]
    out.closed = (any(flags) if flags else None)
    if out.items:
        out.any_items = False
    return out


# ---------------------------------------------------------------- nodes


def node_text(node, rep):
    item = "" if node["item"] < 0 else str(rep[node["item"]])
    mapv = "" if node["map"] < 0 else str(rep[node["map"]])
    flags = ("c" if node["closed"] else "") + ("i" if node["ci"] else "")
    enum = "|".join(node["enum"]) if node["enum"] is not None else ""
    if node["enum"] is not None:
        flags += "e"  # distinguishes an empty enum from no enum
    props = ",".join("%s=%d%s" % (n, rep[i], "!" if r else "")
                     for n, i, r in node["props"])
    fields = [node["kinds"], item, mapv, flags, enum, props]
    while len(fields) > 1 and fields[-1] == "":
        fields.pop()
    return ";".join(fields)


def compact(nodes):
    """Merge identical nodes (fixpoint) and renumber reachable ones from 0."""
    rep = list(range(len(nodes)))
    while True:
        seen, new = {}, []
        for i, n in enumerate(nodes):
            new.append(seen.setdefault(node_text(n, rep), i))
        if new == rep:
            break
        rep = new
    order, index = [], {}

    def visit(i):
        i = rep[i]
        if i in index:
            return
        index[i] = len(order)
        order.append(i)
        n = nodes[i]
        for child in [n["item"], n["map"]] + [p[1] for p in n["props"]]:
            if child >= 0:
                visit(child)

    visit(0)
    final = [index[rep[i]] if rep[i] in index else -1
             for i in range(len(nodes))]
    return [node_text(nodes[i], final) for i in order]


# ---------------------------------------------------------------- per type


def pointer_to_attr(pointer):
    return ".".join(pointer.split("/")[2:])


def all_property_attrs(flat, schema):
    """cfn-lint's GetAtts._process_schema over every property."""
    out = []

    def walk(obj, path, depth):
        if depth > 20 or not isinstance(obj, dict):
            return
        types = obj.get("type")
        types = types if isinstance(types, list) else [types]
        if "object" in types:
            for prop, value in obj.get("properties", {}).items():
                walk(value, path + "/" + prop, depth + 1)
        elif "array" in types:
            items = obj.get("items")
            if isinstance(items, dict) and \
                    items.get("type") in ("object", "array"):
                return
            out.append(pointer_to_attr(path))
        elif obj.get("$ref"):
            walk(flat.resolve(obj["$ref"]), path, depth + 1)
        else:
            out.append(pointer_to_attr(path))

    for name, value in schema.get("properties", {}).items():
        walk(value, "/properties/" + name, 0)
    return out


def attributes(type_name, schema, flat, getatts):
    """GetAtt names as cfn-lint accepts them; '*' is a wildcard."""
    ro = schema.get("readOnlyProperties", [])
    if type_name in getatts["_all_property_types"]:
        names = all_property_attrs(flat, schema)
    elif type_name == "AWS::CloudFormation::Stack":
        names = ["Outputs.*"]
    elif type_name == \
            "AWS::ServiceCatalog::CloudFormationProvisionedProduct":
        names = ["Outputs.*" if p == "/properties/Outputs"
                 else pointer_to_attr(p) for p in ro]
    else:
        names = [pointer_to_attr("/properties/" + n)
                 for n in getatts["_exceptions"].get(type_name, [])]
        if type_name.startswith(tuple(getatts["_unnamed_unknown_types"])):
            names.append("*")
        names += [pointer_to_attr(p) for p in ro]
    return sorted(set(names))


def words(name):
    return re.findall(r"[A-Z]+(?![a-z])|[A-Z][a-z0-9]*|[a-z0-9]+", name)


def physical_name(type_name, schema, flat):
    """The property that names the resource, or None.

    Rule: the first of <Short>Name, <LastWordOfShort>Name, Name (Short is the
    last segment of the type name) that is a top-level, writable,
    create-only property whose flattened shape is a string.  Overrides win.
    """
    if type_name in PHYSICAL_NAME_OVERRIDES:
        return PHYSICAL_NAME_OVERRIDES[type_name]
    props = schema.get("properties", {})
    create_only = set(schema.get("createOnlyProperties", []))
    read_only = set(schema.get("readOnlyProperties", []))
    short = type_name.split("::")[-1]
    last = words(short)[-1] if words(short) else short
    for cand in (short + "Name", last + "Name", "Name"):
        ptr = "/properties/" + cand
        if cand not in props or ptr not in create_only or ptr in read_only:
            continue
        if flat.shape(props[cand]).kinds == {"s"}:
            return cand
    return None


def tagging(type_name, schema, flat):
    """(flags, tag property path) from the schema's tagging metadata.

    The path is relative to Properties, '/'-separated, '*' for list items:
    "Tags" nearly always, "TagSpecifications/*/Tags" for a few types.
    """
    props = schema.get("properties", {})
    info = schema.get("tagging")
    if type_name in TAGS_OVERRIDES:
        taggable, ptr = True, TAGS_OVERRIDES[type_name]
    elif isinstance(info, dict):
        taggable = info.get("taggable", True)
        ptr = info.get("tagProperty", "/properties/Tags")
    elif "taggable" in schema:
        taggable, ptr = bool(schema["taggable"]), "/properties/Tags"
    else:
        taggable, ptr = "Tags" in props, "/properties/Tags"
    if not taggable:
        return 0, ""
    path = ptr[len("/properties/"):] if ptr.startswith("/properties/") else ""
    kinds = path_kinds(flat, schema, path.split("/")) if path else None
    if kinds is None:
        return F_TAGGABLE, ""
    if "o" in kinds and "l" not in kinds:
        return F_TAGGABLE | F_TAGS_MAP, path
    return F_TAGGABLE, path


def path_kinds(flat, schema, segments):
    """Kinds of the value at a Properties-relative path, None if absent."""
    shape = flat.shape({k: v for k, v in schema.items() if k != "definitions"})
    for seg in segments:
        subs = shape.items if seg == "*" else shape.props.get(seg)
        if not subs:
            return None
        shape = union(Shape(), [flat.shape(x) for x in subs])
    return shape.kinds or set()


def read_only_paths(schema):
    return sorted({p[len("/properties/"):]
                   for p in schema.get("readOnlyProperties", [])
                   if p.startswith("/properties/")})


def check_text(type_name, text):
    bad = SEPARATORS & set(text)
    if bad:
        fail("%s: separator %r inside schema text %r"
             % (type_name, "".join(sorted(bad)), text))


def build_type(type_name, schema, getatts):
    flat = Flattener(schema)
    nodes = flat.run()
    attrs = attributes(type_name, schema, flat, getatts)
    flags, tagprop = tagging(type_name, schema, flat)
    physname = physical_name(type_name, schema, flat) or ""
    ro = read_only_paths(schema)
    for t in attrs + ro + [tagprop, physname]:
        check_text(type_name, t)
    return {"name": type_name, "flags": flags, "tagprop": tagprop,
            "physname": physname, "attrs": attrs, "ro": ro,
            "body": "\n".join(nodes)}


# ---------------------------------------------------------------- output


class Blob:
    """One string of NUL-terminated strings; offset 0 is the empty string."""

    def __init__(self):
        self.parts = ["\0"]
        self.size = 1
        self.seen = {"": 0}

    def add(self, text, share=True):
        if share and text in self.seen:
            return self.seen[text]
        off = self.size
        self.parts.append(text + "\0")
        self.size += len(text.encode("utf-8")) + 1
        if share:
            self.seen[text] = off
        return off

    def add_list(self, items):
        """Strings each NUL-terminated, plus a final NUL."""
        if not items:
            return 0
        return self.add("\0".join(items) + "\0")


def c_escape(data):
    out = []
    for ch in data:
        o = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "?":
            out.append("\\?")  # no trigraphs
        elif 32 <= o < 127:
            out.append(ch)
        elif o < 256:
            out.append("\\%03o" % o)
        else:
            for b in ch.encode("utf-8"):
                out.append("\\%03o" % b)
    return "".join(out)


def c_string_lines(data, width=100):
    """C string literal pieces, split at newlines/NULs or every width chars."""
    lines, cur = [], []
    for ch in data:
        cur.append(ch)
        if ch in "\n\0" or len(cur) >= width:
            lines.append('"%s"' % c_escape("".join(cur)))
            cur = []
    if cur:
        lines.append('"%s"' % c_escape("".join(cur)))
    return lines


def c_str_or_null(s):
    return "NULL" if s is None else '"%s"' % c_escape(s)


def render(version, types, runtimes, total_regions):
    blob = Blob()
    index = []
    for t in types:
        name = blob.add(t["name"], share=False)
        attrs = blob.add_list(t["attrs"])
        ro = blob.add_list(t["ro"])
        phys = blob.add(t["physname"]) if t["physname"] else 0
        tag = blob.add(t["tagprop"]) if t["tagprop"] else 0
        body = blob.add(t["body"])
        index.append((name, attrs, ro, phys, tag, body,
                      t["flags"] | t["regions"]))
    data = "".join(blob.parts)
    out = []
    out.append(HEADER.format(version=version, ntypes=len(types),
                             regions=total_regions, size=blob.size))
    out.append('#include "spec.h"\n\n#include <stddef.h>\n')
    out.append("/* The blob is one long string literal: fine for gcc and clang. */")
    out.append("#if defined(__GNUC__)")
    out.append('#pragma GCC diagnostic ignored "-Woverlength-strings"')
    out.append("#endif\n")
    out.append('const char spec_data_version[] = "%s";\n'
               % c_escape(version))
    out.append("const size_t spec_data_blob_size = %d;\n" % blob.size)
    out.append("const char spec_data_blob[] =")
    out.extend(c_string_lines(data[:-1] if data.endswith("\0") else data))
    out.append(";\n")
    out.append("const struct spec_data_type spec_data_types[] = {")
    for row in index:
        out.append("{%d,%d,%d,%d,%d,%d,%d}," % row)
    out.append("};\n")
    out.append("const size_t spec_data_ntypes = %d;\n" % len(index))
    out.append("const struct spec_data_runtime spec_data_runtimes[] = {")
    for name, rt in sorted(runtimes.items()):
        out.append("{%s,%s,%s,%s,%s}," % tuple(
            c_str_or_null(x) for x in (
                name, rt.get("deprecated"), rt.get("create-block"),
                rt.get("update-block"), rt.get("successor"))))
    out.append("};\n")
    out.append("const size_t spec_data_nruntimes = %d;\n" % len(runtimes))
    return "\n".join(out)


HEADER = """\
/* GENERATED FILE - DO NOT EDIT.
 *
 * Generated by tools/gen-spec.py from the AWS CloudFormation resource
 * provider schemas bundled with cfn-lint {version} ({regions}), with
 * cfn-lint's schema patches applied again (see docs/spec-data.md),
 * {ntypes} resource types; regenerate with `python3 tools/gen-spec.py`.
 * Read only through src/spec.c; the format is described in
 * docs/spec-data.md.
 *
 * spec_data_blob ({size} bytes) is a sequence of NUL-terminated strings;
 * offset 0 is the empty string.  spec_data_types[] is sorted by type name
 * (strcmp order); each row holds blob offsets of: the type name, its GetAtt
 * names (strings ended by an empty string), its read-only property paths
 * (same), its physical-name property, its Tags property, its node table,
 * then the SPEC_F_* flags.  A node table is one node per line:
 *     kinds;item;map;flags;enum1|enum2|...;Prop=node[!],Prop=node[!],...
 * node 0 is the Properties object; see docs/spec-data.md.
 */
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cfnlint", help="cfn-lint package directory")
    ap.add_argument("--output", default=os.path.join("src", "spec_data.c"))
    ap.add_argument("--verbose", action="store_true",
                    help="also list the patches that applied or were "
                    "already in the data")
    args = ap.parse_args()
    sys.setrecursionlimit(20000)  # deeply nested schemas (QuickSight)

    root = find_cfnlint(args.cfnlint)
    version = cfnlint_version(root)
    getatts = module_constants(os.path.join(root, "schema", "_getatts.py"))
    for key in ("_all_property_types", "_exceptions",
                "_unnamed_unknown_types"):
        if key not in getatts:
            fail("cfn-lint's schema/_getatts.py has no %s" % key)

    chosen, regions = {}, {}
    for _, py_region, bit in REGIONS:
        for type_name, digest in region_types(root, py_region).items():
            # us-east-1 wins; the schema is patched for its own region
            chosen.setdefault(type_name, (digest, py_region))
            regions[type_name] = regions.get(type_name, 0) | bit
    patcher = Patcher(root, args.verbose)
    types = []
    for type_name in sorted(chosen):
        digest, py_region = chosen[type_name]
        schema = patcher.apply(type_name, load_schema(root, digest), py_region)
        t = build_type(type_name, schema, getatts)
        t["regions"] = regions[type_name]
        types.append(t)

    with open(os.path.join(root, "data", "AdditionalSpecs",
                           "LmbdRuntimeLifecycle.json")) as fh:
        runtimes = json.load(fh)

    text = render(version, types, runtimes,
                  " + ".join(r[0] for r in REGIONS))
    tmp = args.output + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, args.output)
    print(patcher.summary())
    print("gen-spec: wrote %s: %d types, %d bytes (cfn-lint %s)"
          % (args.output, len(types), os.path.getsize(args.output), version))


if __name__ == "__main__":
    main()
