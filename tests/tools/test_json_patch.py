"""Unit tests of tools/json_patch.py (the RFC 6902 applier behind gen-spec.py).

Run: python3 tests/tools/test_json_patch.py   (make tools-test)
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "tools"))
import json_patch as jp  # noqa: E402


def patched(doc, *ops):
    return jp.apply_patch(doc, list(ops))


class Pointer(unittest.TestCase):
    def test_escapes(self):
        self.assertEqual(jp.parse_pointer("/a~1b/m~0n/~01"), ["a/b", "m~n", "~1"])
        self.assertEqual(jp.parse_pointer(""), [])
        self.assertEqual(jp.parse_pointer("/"), [""])

    def test_get(self):
        doc = {"a/b": [10, {"~": 1}], "": 2}
        self.assertEqual(jp.get(doc, "/a~1b/1/~0"), 1)
        self.assertEqual(jp.get(doc, "/"), 2)
        for bad in ("/a~1b/01", "/a~1b/2", "/a~1b/-", "/x", "a", "/a~1b/0/x"):
            self.assertRaises(jp.PatchError, jp.get, doc, bad)
        self.assertFalse(jp.contains(doc, "/x"))


class Operations(unittest.TestCase):
    # The cases of RFC 6902 appendix A, among others.
    def test_add(self):
        self.assertEqual(patched({"foo": "bar"}, {"op": "add", "path": "/baz", "value": "qux"}),
                         {"foo": "bar", "baz": "qux"})
        self.assertEqual(patched({"foo": ["bar", "baz"]}, {"op": "add", "path": "/foo/1", "value": "qux"}),
                         {"foo": ["bar", "qux", "baz"]})
        self.assertEqual(patched({"foo": [1]}, {"op": "add", "path": "/foo/-", "value": 2}), {"foo": [1, 2]})
        self.assertEqual(patched({"foo": 1}, {"op": "add", "path": "/foo", "value": 2}), {"foo": 2})
        self.assertEqual(patched({"foo": 1}, {"op": "add", "path": "", "value": [3]}), [3])
        self.assertRaises(jp.PatchError, patched, {"foo": "bar"},
                          {"op": "add", "path": "/baz/bat", "value": "qux"})
        self.assertRaises(jp.PatchError, patched, {"foo": [1]}, {"op": "add", "path": "/foo/2", "value": 2})

    def test_remove(self):
        self.assertEqual(patched({"baz": "qux", "foo": "bar"}, {"op": "remove", "path": "/baz"}), {"foo": "bar"})
        self.assertEqual(patched({"foo": ["bar", "qux", "baz"]}, {"op": "remove", "path": "/foo/1"}),
                         {"foo": ["bar", "baz"]})
        self.assertRaises(jp.PatchError, patched, {"foo": 1}, {"op": "remove", "path": "/bar"})

    def test_replace(self):
        self.assertEqual(patched({"baz": "qux", "foo": "bar"}, {"op": "replace", "path": "/baz", "value": "boo"}),
                         {"baz": "boo", "foo": "bar"})
        self.assertEqual(patched({"a": [1, 2]}, {"op": "replace", "path": "/a/0", "value": 9}), {"a": [9, 2]})
        self.assertRaises(jp.PatchError, patched, {"foo": 1}, {"op": "replace", "path": "/bar", "value": 2})

    def test_move_copy(self):
        doc = {"foo": {"bar": "baz", "waldo": "fred"}, "qux": {"corge": "grault"}}
        self.assertEqual(patched(doc, {"op": "move", "from": "/foo/waldo", "path": "/qux/thud"}),
                         {"foo": {"bar": "baz"}, "qux": {"corge": "grault", "thud": "fred"}})
        self.assertEqual(patched({"foo": ["all", "grass", "cows", "eat"]},
                                 {"op": "move", "from": "/foo/1", "path": "/foo/3"}),
                         {"foo": ["all", "cows", "eat", "grass"]})
        self.assertEqual(patched({"a": {"b": 1}}, {"op": "copy", "from": "/a", "path": "/c"}),
                         {"a": {"b": 1}, "c": {"b": 1}})
        self.assertRaises(jp.PatchError, patched, {"a": {"b": 1}}, {"op": "move", "from": "/a", "path": "/a/b/c"})
        self.assertRaises(jp.PatchError, patched, {"a": 1}, {"op": "copy", "from": "/x", "path": "/c"})

    def test_test(self):
        doc = {"baz": "qux", "foo": ["a", 2, "c"], "t": True}
        self.assertEqual(patched(doc, {"op": "test", "path": "/baz", "value": "qux"},
                                 {"op": "test", "path": "/foo/1", "value": 2}), doc)
        self.assertRaises(jp.TestFailed, patched, doc, {"op": "test", "path": "/baz", "value": "bar"})
        # JSON true is not the number 1, although Python's == says so.
        self.assertRaises(jp.TestFailed, patched, doc, {"op": "test", "path": "/t", "value": 1})
        self.assertRaises(jp.TestFailed, patched, doc, {"op": "test", "path": "/nope", "value": 1})

    def test_bad_operations(self):
        for op in ({"op": "frobnicate", "path": "/a"}, {"op": "add", "path": "/a"}, {"path": "/a"},
                   {"op": "move", "path": "/a"}, "add"):
            self.assertRaises(jp.PatchError, patched, {}, op)


class Atomicity(unittest.TestCase):
    def test_failed_operation_changes_nothing(self):
        doc = {"a": [1, 2], "b": {"c": 1}}
        for op in ({"op": "add", "path": "/a/9", "value": 0}, {"op": "remove", "path": "/b/x"},
                   {"op": "replace", "path": "/b/x", "value": 0}, {"op": "move", "from": "/a", "path": "/q/r"},
                   {"op": "test", "path": "/a/0", "value": 2}):
            self.assertRaises(jp.PatchError, jp.apply_operation, doc, op)
            self.assertEqual(doc, {"a": [1, 2], "b": {"c": 1}}, op)

    def test_whole_patch_or_nothing(self):
        doc = {"a": 1}
        self.assertRaises(jp.PatchError, jp.apply_patch, doc,
                          [{"op": "add", "path": "/b", "value": 2}, {"op": "remove", "path": "/x"}])
        self.assertEqual(doc, {"a": 1})

    def test_changed_flag_and_value_copy(self):
        doc = {"a": {"x": [1]}}
        value = {"x": [1]}
        doc, changed = jp.apply_operation(doc, {"op": "add", "path": "/a", "value": value})
        self.assertFalse(changed)
        doc, changed = jp.apply_operation(doc, {"op": "add", "path": "/a/x/-", "value": 2})
        self.assertTrue(changed)
        self.assertEqual(value, {"x": [1]})  # the patch's value was copied, not shared


def main():
    """unittest's run, then the "N passed, N failed" line every suite ends with."""
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__])
    result = unittest.TextTestRunner(verbosity=0).run(suite)
    failed = len(result.failures) + len(result.errors)
    print("tools: %d passed, %d failed" % (result.testsRun - failed, failed))
    sys.exit(0 if result.wasSuccessful() else 1)


if __name__ == "__main__":
    main()
