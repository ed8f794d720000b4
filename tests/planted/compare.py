"""compare.py SRC DRLC_ERR MAP LINT: checks drlc's diagnostics against the planted marks and cfn-lint."""
import json
import re
import sys

src, drlc_err, map_path, lint_path = sys.argv[1:5]
errors = {}  # line -> messages drlc reported on it (in src)
for m in re.finditer(r"^%s:(\d+):\d+: error: (.*)$" % re.escape(src), open(drlc_err).read(), re.M):
    errors.setdefault(int(m.group(1)), []).append(m.group(2))
ok = True

for number, line in enumerate(open(src), 1):
    if "// PLANTED" in line and number not in errors:
        print("FAIL %s:%d: planted mistake not reported: %s" % (src, number, line.strip()))
        ok = False

try:
    source_map = json.load(open(map_path))
except FileNotFoundError:  # no template: drlc stopped before the rules (a check error)
    print("%s: %d drlc errors, no template to lint, planted mistakes found: %s" % (src, sum(map(len, errors.values())), ok))
    sys.exit(0 if ok else 1)
def line_of(path):
    """The source line of a template path such as ['Resources', 'Audit', 'Properties', 'BucketNme']."""
    if len(path) < 2 or path[0] not in source_map:
        return None
    entry = source_map[path[0]].get(path[1])
    if not entry:
        return None
    props = entry.get("properties", {})
    for depth in range(len(path), 3, -1):
        key = ".".join(str(p) if not isinstance(p, int) else "[%d]" % p for p in path[3:depth]).replace(".[", "[")
        if key in props:
            return int(props[key].split(":")[1]) if props[key].startswith(src) else None
    return int(entry["location"].split(":")[1])

findings = [f for f in json.load(open(lint_path)) if f["Level"] == "Error"]
if not findings:
    print("FAIL %s: cfn-lint found no error: the comparison would prove nothing" % src)
    ok = False
for f in findings:
    path = f["Location"]["Path"]
    line = line_of(path)
    near = [n for n in errors if line is not None and abs(n - line) <= 1]
    if not near:
        print("FAIL %s: cfn-lint %s at %s (line %s) has no drlc error: %s" % (src, f["Rule"]["Id"], "/".join(map(str, path)), line, f["Message"]))
        ok = False
print("%s: %d drlc errors, %d cfn-lint errors, all cfn-lint errors found by drlc: %s" % (src, sum(map(len, errors.values())), len(findings), ok))
sys.exit(0 if ok else 1)
