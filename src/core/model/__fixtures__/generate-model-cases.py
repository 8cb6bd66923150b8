#!/usr/bin/python3
"""Writes model-cases.json: layout and link `signed` objects with the outcome of the reference,
in-toto 1.3.1 `Metablock.load` (which runs `Layout.read` / `Link.read` and `validate()`).

Run with the system interpreter, where in-toto 1.3.1 and securesystemslib 0.26.0 live:

    /usr/bin/python3 src/core/model/__fixtures__/generate-model-cases.py

Each case: id, kind (layout|link), text (the JSON of `signed`), paths (for refused cases, the
JSON paths our validator must report — chosen by hand, passed through), and the reference's
outcome: ok + signable (the canonical bytes as text), or error (exception type and message).
"Now" is pinned to 2030-01-31T12:34:56 local time for the default `expires`.
"""
import datetime as _datetime
import json
import os
import sys
import tempfile

import in_toto.models.layout
from in_toto.models.metadata import Metablock


class _FixedDatetime(_datetime.datetime):
    @classmethod
    def today(cls):
        return cls(2030, 1, 31, 12, 34, 56)


in_toto.models.layout.datetime = _FixedDatetime

EXPIRES = "2030-01-01T00:00:00Z"
ED_KEYID = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
ED_KEY = {
    "keyid": ED_KEYID,
    "keyid_hash_algorithms": ["sha256", "sha512"],
    "keytype": "ed25519",
    "keyval": {"public": "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"},
    "scheme": "ed25519",
}
GPG_RSA = {
    "type": "rsa",
    "method": "pgp+rsa-pkcsv1.5",
    "hashes": ["pgp+SHA2"],
    "creation_time": 1519661780,
    "keyid": "8465a1e2e0fb2b40adb2478e18fb3f537e0c8a17",
    "keyval": {"public": {"e": "010001", "n": "abcdef0123"}, "private": ""},
    "subkeys": {
        "c5a0abe6ec19d0d65f85e2c39be9df5131d4e4a4": {
            "type": "rsa",
            "method": "pgp+rsa-pkcsv1.5",
            "hashes": ["pgp+SHA2"],
            "keyid": "c5a0abe6ec19d0d65f85e2c39be9df5131d4e4a4",
            "keyval": {"public": {"e": "010001", "n": "00ff"}, "private": ""},
        }
    },
}
GPG_ED = {
    "type": "eddsa",
    "method": "pgp+eddsa-ed25519",
    "hashes": [],
    "keyid": "4e630f84838bf6f7447b830b22692f2d6f5ee8b3",
    "keyval": {"public": {"q": "ab12"}, "private": ""},
}


def layout(**members):
    doc = {"_type": "layout", "steps": [], "inspect": [], "expires": EXPIRES}
    for key, value in members.items():
        if value is _DROP:
            doc.pop(key, None)
        else:
            doc[key] = value
    return doc


def step(name="s", **members):
    members.setdefault("name", name)
    doc = {"_type": "step", "pubkeys": [ED_KEYID], "threshold": 1,
           "expected_command": [], "expected_materials": [], "expected_products": []}
    for key, value in members.items():
        if value is _DROP:
            doc.pop(key, None)
        else:
            doc[key] = value
    return doc


def inspection(name="i", **members):
    members.setdefault("name", name)
    doc = {"_type": "inspection", "run": ["true"],
           "expected_materials": [], "expected_products": []}
    for key, value in members.items():
        if value is _DROP:
            doc.pop(key, None)
        else:
            doc[key] = value
    return doc


def link(**members):
    doc = {"_type": "link", "name": "build", "command": [], "materials": {}, "products": {},
           "byproducts": {}, "environment": {}}
    for key, value in members.items():
        if value is _DROP:
            doc.pop(key, None)
        else:
            doc[key] = value
    return doc


_DROP = object()
CASES = []


def case(case_id, kind, doc, paths=None):
    text = doc if isinstance(doc, str) else json.dumps(doc, ensure_ascii=False)
    CASES.append({"id": case_id, "kind": kind, "text": text, "paths": paths or []})


# ---- layouts the reference accepts --------------------------------------------------------
case("layout-worked-example", "layout",
     '{"_type":"layout","steps":[{"name":"s","pubkeys":["ab"]}],"inspect":[],"expires":"2030-01-01T00:00:00Z","extra":1}')
case("layout-full", "layout", layout(
    keys={ED_KEYID: ED_KEY}, readme="a supply chain",
    steps=[step("build", expected_command=["make", "all"],
                expected_materials=[["ALLOW", "*"]],
                expected_products=[["CREATE", "*.o"], ["DISALLOW", "*"]])],
    inspect=[inspection("check", expected_materials=[["MATCH", "*", "WITH", "PRODUCTS", "FROM", "build"]])]))
for value in [True, False, 0, -1, 123456789012345678901234567890, 2 ** 64 + 1]:
    case(f"layout-threshold-{json.dumps(value)}", "layout", layout(steps=[step(threshold=value)]))
case("layout-threshold-missing", "layout", layout(steps=[step(threshold=_DROP)]))
for label, value in [("null", None), ("int", 5), ("true", True), ("big", 2 ** 70)]:
    case(f"layout-name-{label}", "layout", layout(steps=[step(value)]))
case("layout-name-missing", "layout", layout(steps=[step(_DROP)], inspect=[inspection("i")]))
case("layout-names-1-and-string-1", "layout", layout(steps=[step(1), step("1")]))
case("layout-expected-command-any-elements", "layout",
     layout(steps=[step(expected_command=[1, None, {"a": [True]}, "x", [2]])]))
case("layout-pubkeys-not-in-keys", "layout", layout(keys={}, steps=[step(pubkeys=["ab", "CD", "ef\n"])]))
case("layout-key-minimal", "layout", layout(keys={"ab": {"keytype": "whatever", "keyval": {"public": ""}}}))
case("layout-key-extras", "layout", layout(keys={"ab": {
    "keytype": "rsa", "keyval": {"public": "x", "private": "", "extra": [1]},
    "keyid_hash_algorithms": ["md5", "blake2b-256"], "expires": "٢٠٣٠-01-01T00:00:99Z\n",
    "scheme": 5, "keyid": None, "anything": {"nested": True}}}))
case("layout-key-dict-key-with-newline", "layout", layout(keys={"abcd\n": ED_KEY}))
case("layout-gpg-keys", "layout", layout(keys={GPG_RSA["keyid"]: GPG_RSA, GPG_ED["keyid"]: GPG_ED}))
case("layout-expires-newline", "layout", layout(expires="2030-01-01T00:00:00Z\n"))
case("layout-expires-arabic-digits", "layout", layout(expires="٢٠٣٠-01-01T00:00:00Z"))
case("layout-expires-leap-2024", "layout", layout(expires="2024-02-29T23:59:59Z"))
case("layout-expires-leap-2000", "layout", layout(expires="2000-02-29T00:00:00Z"))
case("layout-expires-year-1", "layout", layout(expires="0001-01-01T00:00:00Z"))
for label, value in [("missing", _DROP), ("null", None), ("empty", ""), ("zero", 0), ("false", False),
                     ("empty-list", []), ("empty-object", {})]:
    case(f"layout-expires-default-{label}", "layout", layout(expires=value))
case("layout-expires-default-float-zero", "layout",
     '{"_type":"layout","steps":[],"inspect":[],"expires":0.0}')
case("layout-steps-empty-string", "layout", layout(steps="", inspect={}))
case("layout-step-wrong-type-and-extras", "layout",
     layout(steps=[step(_type="nonsense", extra=1)], inspect=[inspection(_type=None, more={"x": 1})]))
case("layout-step-minimal", "layout", layout(steps=[{}]))
case("layout-inspection-minimal", "layout", layout(inspect=[{"name": "x"}]))
case("layout-rule-keyword-case", "layout", layout(steps=[step(expected_materials=[
    ["allow", "*"], ["DiSaLlOw", "X"], ["require", ""], ["Create", "a b"], ["delete", "é"], ["modify", "[!x]"],
    ["MaTcH", "*", "in", "src", "WiTh", "ProDucts", "iN", "dst", "fRoM", "build"],
    ["match", "*", "IN", "", "with", "materials", "from", "B"],
    ["MATCH", "*", "WITH", "MATERIALS", "IN", "x/", "FROM", "c"],
    ["MATCH", "in", "WITH", "products", "FROM", "from"],
])]))
case("layout-inspection-run-mixed", "layout", layout(inspect=[inspection(run=["tar", 1, None, {"a": "b"}])]))
case("layout-readme-unicode", "layout", layout(readme="line\nnext\t\u00e9\U0001F600\u0000"))
case("layout-unicode-names", "layout", layout(steps=[step("bäu😀")], inspect=[inspection("\u00e9")]))

# ---- layouts the reference refuses --------------------------------------------------------
case("layout-steps-missing", "layout", layout(steps=_DROP), ["steps"])
case("layout-inspect-missing", "layout", layout(inspect=_DROP), ["inspect"])
case("layout-steps-null", "layout", layout(steps=None), ["steps"])
case("layout-steps-string", "layout", layout(steps="abc"), ["steps"])
case("layout-steps-object", "layout", layout(steps={"a": step()}), ["steps"])
case("layout-steps-int", "layout", layout(steps=5), ["steps"])
case("layout-step-not-object", "layout", layout(steps=[1]), ["steps[0]"])
case("layout-inspection-not-object", "layout", layout(inspect=[["x"]]), ["inspect[0]"])
case("layout-threshold-float", "layout",
     '{"_type":"layout","steps":[{"name":"s","threshold":1.0}],"inspect":[],"expires":"2030-01-01T00:00:00Z"}',
     ["steps[0].threshold"])
case("layout-threshold-string", "layout", layout(steps=[step(threshold="1")]), ["steps[0].threshold"])
case("layout-threshold-null", "layout", layout(steps=[step(threshold=None)]), ["steps[0].threshold"])
for label, value in [("offset", "2030-01-01T00:00:00+00:00"), ("feb-30", "2099-02-30T00:00:00Z"),
                     ("lowercase-z", "2030-01-01T00:00:00z"), ("space", "2030-01-01 00:00:00Z"),
                     ("hour-24", "2030-01-01T24:00:00Z"), ("second-60", "2030-01-01T23:59:60Z"),
                     ("year-0", "0000-01-01T00:00:00Z"), ("two-newlines", "2030-01-01T00:00:00Z\n\n"),
                     ("feb-29-2023", "2023-02-29T00:00:00Z"), ("feb-29-1900", "1900-02-29T00:00:00Z"),
                     ("single-digit", "2030-1-01T00:00:00Z"), ("fraction", "2030-01-01T00:00:00.5Z"),
                     ("trailing-space", "2030-01-01T00:00:00Z "), ("date-only", "2030-01-01"),
                     ("month-13", "2030-13-01T00:00:00Z"), ("day-0", "2030-01-00T00:00:00Z"),
                     ("april-31", "2030-04-31T00:00:00Z"), ("int", 5), ("true", True), ("list", ["x"]),
                     ("superscript", "²030-01-01T00:00:00Z"), ("fullwidth-t", "2030-01-01Ｔ00:00:00Z")]:
    case(f"layout-expires-bad-{label}", "layout", layout(expires=value), ["expires"])
case("layout-duplicate-step-names", "layout", layout(steps=[step("a"), step("a")]), ["steps[1].name"])
case("layout-step-and-inspection-same-name", "layout", layout(steps=[step("a")], inspect=[inspection("a")]),
     ["inspect[0].name"])
case("layout-duplicate-names-1-true", "layout", layout(steps=[step(1), step(True)]), ["steps[1].name"])
case("layout-duplicate-names-0-false", "layout", layout(steps=[step(0)], inspect=[inspection(False)]),
     ["inspect[0].name"])
case("layout-duplicate-names-null", "layout", layout(steps=[step(None), step(_DROP)]), ["steps[1].name"])
case("layout-name-float", "layout",
     '{"_type":"layout","steps":[{"name":1.5}],"inspect":[],"expires":"2030-01-01T00:00:00Z"}', ["steps[0].name"])
case("layout-name-list", "layout", layout(steps=[step(["a"])]), ["steps[0].name"])
case("layout-name-object", "layout", layout(inspect=[inspection({"a": 1})]), ["inspect[0].name"])
case("layout-rule-unknown-type", "layout", layout(steps=[step(), step("t", expected_materials=[["MACTH", "*"]])]),
     ["steps[1].expected_materials[0]"])
case("layout-rule-match-typo", "layout",
     layout(steps=[step(expected_products=[["MATCH", "*", "WTIH", "PRODUCTS", "FROM", "x"]])]),
     ["steps[0].expected_products[0]"])
case("layout-rule-match-product-singular", "layout",
     layout(steps=[step(expected_products=[["MATCH", "*", "WITH", "PRODUCT", "FROM", "x"]])]),
     ["steps[0].expected_products[0]"])
case("layout-rule-match-length-7", "layout",
     layout(steps=[step(expected_products=[["MATCH", "*", "IN", "a", "WITH", "PRODUCTS", "FROM"]])]),
     ["steps[0].expected_products[0]"])
case("layout-rule-match-trailing", "layout",
     layout(steps=[step(expected_products=[["MATCH", "*", "WITH", "PRODUCTS", "FROM", "x", "y"]])]),
     ["steps[0].expected_products[0]"])
case("layout-rule-match-in-twice", "layout",
     layout(steps=[step(expected_products=[["MATCH", "*", "IN", "a", "IN", "b", "WITH", "PRODUCTS", "FROM", "x"]])]),
     ["steps[0].expected_products[0]"])
case("layout-rule-generic-three", "layout", layout(steps=[step(expected_materials=[["ALLOW", "a", "b"]])]),
     ["steps[0].expected_materials[0]"])
case("layout-rule-short", "layout", layout(inspect=[inspection(expected_materials=[["ALLOW"]])]),
     ["inspect[0].expected_materials[0]"])
case("layout-rule-empty", "layout", layout(steps=[step(expected_materials=[[]])]),
     ["steps[0].expected_materials[0]"])
case("layout-rule-string", "layout", layout(steps=[step(expected_materials=["ALLOW *"])]),
     ["steps[0].expected_materials[0]"])
case("layout-rule-non-string-element", "layout", layout(steps=[step(expected_materials=[["ALLOW", 5]])]),
     ["steps[0].expected_materials[0][1]"])
case("layout-rules-not-list", "layout", layout(steps=[step(expected_products={"ALLOW": "*"})]),
     ["steps[0].expected_products"])
case("layout-rules-null", "layout", layout(inspect=[inspection(expected_materials=None)]),
     ["inspect[0].expected_materials"])
case("layout-pubkey-not-hex", "layout", layout(steps=[step(pubkeys=["xyz"])]), ["steps[0].pubkeys[0]"])
case("layout-pubkey-empty", "layout", layout(steps=[step(pubkeys=["ab", ""])]), ["steps[0].pubkeys[1]"])
case("layout-pubkey-int", "layout", layout(steps=[step(pubkeys=[1])]), ["steps[0].pubkeys[0]"])
case("layout-pubkeys-string", "layout", layout(steps=[step(pubkeys="ab")]), ["steps[0].pubkeys"])
case("layout-pubkeys-null", "layout", layout(steps=[step(pubkeys=None)]), ["steps[0].pubkeys"])
case("layout-keys-list", "layout", layout(keys=[ED_KEY]), ["keys"])
case("layout-keys-null", "layout", layout(keys=None), ["keys"])
case("layout-keys-dict-key-not-hex", "layout", layout(keys={"not-hex": ED_KEY}), ['keys["not-hex"]'])
case("layout-key-no-keytype", "layout",
     layout(keys={"ab": {"keyval": {"public": "x"}}}), ["keys.ab"])
case("layout-key-public-not-string", "layout",
     layout(keys={"ab": {"keytype": "ed25519", "keyval": {"public": 5}}}), ["keys.ab.keyval.public"])
case("layout-key-no-keyval", "layout", layout(keys={"ab": {"keytype": "ed25519"}}), ["keys.ab"])
case("layout-key-private-material", "layout",
     layout(keys={"ab": {"keytype": "ed25519", "keyval": {"public": "x", "private": "secret"}}}),
     ["keys.ab.keyval.private"])
case("layout-key-bad-hash-algorithm", "layout",
     layout(keys={"ab": dict(ED_KEY, keyid_hash_algorithms=["sha3"])}), ["keys.ab.keyid_hash_algorithms[0]"])
case("layout-key-bad-expires", "layout",
     layout(keys={"ab": dict(ED_KEY, expires="2030-01-01")}), ["keys.ab.expires"])
case("layout-key-string", "layout", layout(keys={"ab": "key"}), ["keys.ab"])
case("layout-key-float-member", "layout",
     '{"_type":"layout","steps":[],"inspect":[],"expires":"2030-01-01T00:00:00Z",'
     '"keys":{"ab":{"keytype":"x","keyval":{"public":""},"extra":1.5}}}', ["keys.ab.extra"])
case("layout-gpg-key-bad-n", "layout",
     layout(keys={"ab": dict(GPG_RSA, keyval={"public": {"e": "1", "n": "zz"}, "private": ""})}),
     ["keys.ab.keyval.public.n"])
case("layout-readme-int", "layout", layout(readme=5), ["readme"])
case("layout-readme-null", "layout", layout(readme=None), ["readme"])
case("layout-expected-command-string", "layout", layout(steps=[step(expected_command="make")]),
     ["steps[0].expected_command"])
case("layout-expected-command-float", "layout",
     '{"_type":"layout","steps":[{"name":"s","expected_command":[1.5]}],"inspect":[],"expires":"2030-01-01T00:00:00Z"}',
     ["steps[0].expected_command[0]"])
case("layout-run-string", "layout", layout(inspect=[inspection(run="make")]), ["inspect[0].run"])
case("layout-run-null", "layout", layout(inspect=[inspection(run=None)]), ["inspect[0].run"])
case("layout-self-member", "layout", layout(self=1), ["self"])
case("layout-step-self-member", "layout", layout(steps=[step(self="x")]), ["steps[0].self"])
case("layout-type-missing", "layout", layout(_type=_DROP), ["_type"])
case("layout-type-link", "layout", layout(_type="link"), ["_type"])
case("layout-many-problems", "layout", layout(
    expires="2030-02-30T00:00:00Z", readme=7,
    keys={"zz": ED_KEY},
    steps=[step("a", pubkeys=["nothex"], threshold="2", expected_materials=[["ALOW", "*"]]),
           step("a", expected_command="make")],
    inspect=[inspection("b", run=None, expected_products=[["MATCH", "*", "WITH", "X", "FROM", "a"]])]),
    ["expires", "readme", "keys.zz", "steps[0].pubkeys[0]", "steps[0].threshold",
     "steps[0].expected_materials[0]", "steps[1].expected_command", "inspect[0].run",
     "inspect[0].expected_products[0]"])

# ---- links the reference accepts ----------------------------------------------------------
case("link-worked-example", "link", '{"_type":"link","name":"x","materials":{"a":{"sha256":"ab"}},"junk":1}')
case("link-minimal", "link", {"_type": "link"})
for label, value in [("null", None), ("int", 5), ("list", [1, "a"]), ("object", {"a": {"b": None}}), ("true", True)]:
    case(f"link-name-{label}", "link", link(name=value))
case("link-command-mixed", "link", link(command=["make", 1, None, True, {"a": []}]))
case("link-hash-variants", "link", link(materials={
    "a": {"sha256": "AB\n", "": "00", "weird algo": "abcdef"}, "b": {},
    "__proto__": {"sha256": "ab"}, "constructor": {"sha512": "cd"}, "": {"x": "0"},
    "dir/é 😀\n": {"sha256": "FF"}}))
case("link-big-integers", "link", link(byproducts={"n": 2 ** 64 + 1, "m": -(10 ** 40), "z": 0},
                                       environment={"deep": [[[{"x": 1}]]]}))
case("link-extra-members", "link", link(signatures=[], extra={"a": 1.5}))
case("link-members-missing", "link", {"_type": "link", "products": {"x": {"sha256": "00"}}})

# ---- links the reference refuses ----------------------------------------------------------
case("link-materials-list", "link", link(materials=[]), ["materials"])
case("link-materials-null", "link", link(materials=None), ["materials"])
case("link-products-string", "link", link(products="x"), ["products"])
case("link-material-not-dict", "link", link(materials={"a": "ab"}), ["materials.a"])
case("link-hash-empty", "link", link(materials={"a": {"sha256": ""}}), ["materials.a.sha256"])
case("link-hash-not-hex", "link", link(products={"p": {"sha256": "xyz"}}), ["products.p.sha256"])
case("link-hash-int", "link", link(products={"p": {"sha256": 5}}), ["products.p.sha256"])
case("link-hash-null", "link", link(products={"p": {"sha256": None}}), ["products.p.sha256"])
case("link-hash-two-newlines", "link", link(materials={"a": {"sha256": "ab\n\n"}}), ["materials.a.sha256"])
case("link-hash-leading-newline", "link", link(materials={"a": {"sha256": "\nab"}}), ["materials.a.sha256"])
case("link-byproducts-list", "link", link(byproducts=[]), ["byproducts"])
case("link-environment-null", "link", link(environment=None), ["environment"])
case("link-command-string", "link", link(command="make"), ["command"])
case("link-command-null", "link", link(command=None), ["command"])
case("link-byproducts-float", "link",
     '{"_type":"link","byproducts":{"x":1.5},"materials":{},"products":{}}', ["byproducts.x"])
case("link-environment-nan", "link", '{"_type":"link","environment":{"x":[NaN]}}', ["environment.x[0]"])
case("link-command-float", "link", '{"_type":"link","command":["a",1e3]}', ["command[1]"])
case("link-name-float", "link", '{"_type":"link","name":1.0}', ["name"])
case("link-self-member", "link", link(self=1), ["self"])
case("link-type-missing", "link", link(_type=_DROP), ["_type"])
case("link-type-layout", "link", link(_type="layout", steps=[], inspect=[]), ["_type"])
case("link-many-problems", "link", link(
    materials={"a": {"sha256": "zz"}, "b": [], "c": {"sha256": "00"}},
    products={"d": {"sha1": ""}}, byproducts=None, command={"a": 1}),
    ["materials.a.sha256", "materials.b", "products.d.sha1", "byproducts", "command"])


def reference_outcome(kind, text):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as handle:
        handle.write('{"signatures": [], "signed": ' + text + "}")
        path = handle.name
    try:
        metablock = Metablock.load(path)
        if metablock.type_ != kind:
            # Metablock.load chose the class by `_type`; we asked for the other kind.
            return {"ok": False, "error": f"loaded as a {metablock.type_}, not a {kind}"}
        return {"ok": True, "signable": metablock.signed.signable_bytes.decode("utf-8")}
    except Exception as error:  # pylint: disable=broad-except
        return {"ok": False, "error": f"{type(error).__name__}: {str(error).splitlines()[0][:200] if str(error) else ''}"}
    finally:
        os.unlink(path)


def main():
    out = []
    for item in CASES:
        result = reference_outcome(item["kind"], item["text"])
        entry = dict(item)
        entry.update(result)
        if result["ok"] and item["paths"]:
            print(f"warning: {item['id']} was expected to fail but the reference accepts it", file=sys.stderr)
        if not result["ok"] and not item["paths"]:
            print(f"warning: {item['id']} was expected to pass but the reference refuses it: {result['error']}",
                  file=sys.stderr)
        out.append(entry)
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "model-cases.json"), "w", encoding="utf-8") as handle:
        json.dump({"generator": "generate-model-cases.py", "now": "2030-01-31T12:34:56 (local)", "cases": out},
                  handle, ensure_ascii=True, indent=1)
        handle.write("\n")
    print(f"{len(out)} cases, {sum(1 for e in out if e['ok'])} accepted")


if __name__ == "__main__":
    main()
