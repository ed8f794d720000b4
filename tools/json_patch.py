"""JSON Patch (RFC 6902) and JSON Pointer (RFC 6901) on parsed JSON values.

Standard library only; used by tools/gen-spec.py to apply cfn-lint's schema
patches (there is no jsonpatch package here, and the generator must not need
one).

apply_operation() applies ONE operation and is atomic: it raises PatchError
before changing anything, so a caller may skip a failing operation and go on
with the next one.  apply_patch() is the RFC's all-or-nothing application of
a whole patch.  Values taken from a patch are deep-copied into the document,
so the patch can be applied again elsewhere.
"""

import copy


class PatchError(Exception):
    """An operation that cannot be applied (bad pointer, missing target...)."""


class TestFailed(PatchError):
    """A "test" operation whose value differs from the document's."""


def parse_pointer(pointer):
    """"/a~1b/0" -> ["a/b", "0"]; "" is the whole document."""
    if not isinstance(pointer, str):
        raise PatchError("pointer %r is not a string" % (pointer,))
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise PatchError("pointer %r does not start with '/'" % pointer)
    # RFC 6901 section 4: ~1 first, then ~0, so "~01" stays "~1".
    return [t.replace("~1", "/").replace("~0", "~")
            for t in pointer[1:].split("/")]


def json_equal(a, b):
    """Equality of JSON values: unlike Python's ==, true is not 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and \
            all(json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(map(json_equal, a, b))
    return type(a) is type(b) and a == b


def _index(array, token, inserting):
    """A list index from a token; "-" (the end) only when inserting."""
    if inserting and token == "-":
        return len(array)
    if not token.isdigit() or (token != "0" and token.startswith("0")):
        raise PatchError("%r is not a list index" % token)
    i = int(token)
    if i > len(array) or (i == len(array) and not inserting):
        raise PatchError("list index %s out of range (length %d)"
                         % (token, len(array)))
    return i


def _walk(doc, tokens):
    """The value the tokens lead to; PatchError if there is none."""
    cur = doc
    for depth, token in enumerate(tokens):
        where = "/" + "/".join(tokens[:depth])
        if isinstance(cur, dict):
            if token not in cur:
                raise PatchError("no member %r at %s" % (token, where))
            cur = cur[token]
        elif isinstance(cur, list):
            cur = cur[_index(cur, token, False)]
        else:
            raise PatchError("%s is not an object or a list" % where)
    return cur


def get(doc, pointer):
    return _walk(doc, parse_pointer(pointer))


def contains(doc, pointer):
    """Whether the pointer leads to a value in doc."""
    try:
        get(doc, pointer)
    except PatchError:
        return False
    return True


def _add(doc, tokens, value):
    if not tokens:
        return value, not json_equal(doc, value)
    parent, last = _walk(doc, tokens[:-1]), tokens[-1]
    if isinstance(parent, dict):
        changed = last not in parent or not json_equal(parent[last], value)
        parent[last] = value
        return doc, changed
    if isinstance(parent, list):
        parent.insert(_index(parent, last, True), value)
        return doc, True
    raise PatchError("cannot add below a scalar at %s" % "/".join(tokens))


def _remove(doc, tokens):
    if not tokens:
        raise PatchError("cannot remove the whole document")
    parent, last = _walk(doc, tokens[:-1]), tokens[-1]
    if isinstance(parent, dict):
        if last not in parent:
            raise PatchError("no member %r to remove" % last)
        del parent[last]
    elif isinstance(parent, list):
        del parent[_index(parent, last, False)]
    else:
        raise PatchError("cannot remove below a scalar")
    return doc, True


def _replace(doc, tokens, value):
    old = _walk(doc, tokens)  # the target must exist
    if not tokens:
        return value, not json_equal(old, value)
    changed = not json_equal(old, value)
    parent, last = _walk(doc, tokens[:-1]), tokens[-1]
    parent[last if isinstance(parent, dict) else int(last)] = value
    return doc, changed


def _move_or_copy(doc, op, path):
    """move and copy work on a copy, so that a failing add leaves doc as it was."""
    src = parse_pointer(_member(op, "from"))
    if op["op"] == "move" and path[:len(src)] == src and path != src:
        raise PatchError("cannot move %s into itself" % op["from"])
    if op["op"] == "move" and path == src:
        _walk(doc, src)
        return doc, False
    work = copy.deepcopy(doc)
    value = copy.deepcopy(_walk(work, src))
    if op["op"] == "move":
        work, _ = _remove(work, src)
    work, changed = _add(work, path, value)
    return work, changed or op["op"] == "move"


def _test(doc, path, value, pointer):
    try:
        have = _walk(doc, path)
    except PatchError as e:  # nothing there: the test fails too
        raise TestFailed("test failed at %s: %s" % (pointer, e)) from None
    if not json_equal(have, value):
        raise TestFailed("test failed at %s" % pointer)


def _member(op, name):
    if name not in op:
        raise PatchError("%s operation without %r" % (op.get("op"), name))
    return op[name]


def apply_operation(doc, op):
    """Apply one operation; returns (document, whether it changed).

    The document is changed in place (the returned one differs only when the
    whole document is replaced, or for move and copy).  Raises PatchError,
    having changed nothing, when the operation cannot be applied.
    """
    if not isinstance(op, dict):
        raise PatchError("operation %r is not an object" % (op,))
    name = op.get("op")
    path = parse_pointer(_member(op, "path"))
    if name == "add":
        return _add(doc, path, copy.deepcopy(_member(op, "value")))
    if name == "remove":
        return _remove(doc, path)
    if name == "replace":
        return _replace(doc, path, copy.deepcopy(_member(op, "value")))
    if name in ("move", "copy"):
        return _move_or_copy(doc, op, path)
    if name == "test":
        _test(doc, path, _member(op, "value"), op["path"])
        return doc, False
    raise PatchError("unknown operation %r" % (name,))


def apply_patch(doc, ops):
    """RFC 6902: all operations or none; returns the patched copy of doc."""
    work = copy.deepcopy(doc)
    if not isinstance(ops, list):
        raise PatchError("a patch is a list of operations")
    for op in ops:
        work, _ = apply_operation(work, op)
    return work
