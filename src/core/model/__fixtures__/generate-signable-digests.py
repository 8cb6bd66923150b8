#!/usr/bin/python3
"""Writes signable-digests.json with the reference's answers for every layout and link under
test/fixtures (vectors/*/ incl. sublayout link directories, upstream/demo_files,
upstream/demo_dsse_files). Run with Debian's python (in-toto 1.3.1, securesystemslib 0.26):

    /usr/bin/python3 src/core/model/__fixtures__/generate-signable-digests.py

For each file:
- metablock: `Metablock.load(path)` (what in-toto-verify and in-toto-sign do), then
  `metablock.signed.signable_bytes`: the bytes every signature covers;
- DSSE (in-toto 1.3.1 cannot read DSSE): the base64 payload is decoded and read with
  `Layout.read` / `Link.read` (what `Metablock.load` does with `signed`), giving the
  normalized signable bytes; the bytes DSSE signatures cover are
  PAE(payloadType, payload), built here by the DSSE spec;
- each signature is checked with `securesystemslib.keys.verify_signature` against the key
  with its keyid among the candidate keys: the vector's keys/*.json, the `keys` of every layout
  in the vector (root layout and sublayouts), and for the upstream demo the *.pub files.
  Status: "valid", "invalid", "error" (the reference raises) or "no-key";
- a file the reference cannot load is listed under "unloadable" with the exception class.

Layouts without `expires` get "now + 1 month"; "now" is pinned to 2030-01-31T12:34:56 local time.
"""
import base64
import binascii
import datetime as _datetime
import hashlib
import json
import os

import in_toto.models.layout
from in_toto.models.layout import Layout
from in_toto.models.link import Link
from in_toto.models.metadata import Metablock
from securesystemslib import interface, keys as sslib_keys


class _FixedDatetime(_datetime.datetime):
    @classmethod
    def today(cls):
        return cls(2030, 1, 31, 12, 34, 56)


in_toto.models.layout.datetime = _FixedDatetime

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "test", "fixtures"))
PAYLOAD_TYPE = "application/vnd.in-toto+json"


def pae(payload_type, payload):
    kind = payload_type.encode("utf-8")
    return b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(payload), payload)


def documents(group):
    for root, dirs, files in os.walk(group):
        dirs.sort()
        for name in sorted(files):
            if name.endswith((".link", ".layout", ".template")):
                yield os.path.join(root, name)


def load(path):
    """(envelope kind, signable object, signed bytes, [(keyid, hex sig)])."""
    with open(path, "r", encoding="utf8") as handle:
        data = json.load(handle)
    if isinstance(data, dict) and "payload" in data and "signed" not in data:
        payload = base64.b64decode(data["payload"], validate=True)
        signed = json.loads(payload)
        obj = Link.read(signed) if signed.get("_type") == "link" else Layout.read(signed)
        obj.validate()
        signatures = [(s["keyid"], binascii.hexlify(base64.b64decode(s["sig"], validate=True)).decode()) for s in data["signatures"]]
        return "dsse", obj, pae(data["payloadType"], payload), signatures
    metablock = Metablock.load(path)
    signatures = [(s["keyid"], s["sig"]) for s in metablock.signatures]
    return "metablock", metablock.signed, metablock.signed.signable_bytes, signatures


def key_of_layout_key(key):
    return dict(key, keyval={"public": key["keyval"]["public"]})


def candidate_keys(group, loaded):
    found = {}
    keys_dir = os.path.join(group, "keys")
    if os.path.isdir(keys_dir):
        for name in sorted(os.listdir(keys_dir)):
            if name.endswith(".json"):
                with open(os.path.join(keys_dir, name), encoding="utf8") as handle:
                    key = json.load(handle)
                found[key["keyid"]] = key
    for name in sorted(os.listdir(group)):
        path = os.path.join(group, name)
        if name.endswith(".pub"):
            try:
                key = interface.import_rsa_publickey_from_file(path)
            except Exception:  # pylint: disable=broad-except
                key = interface.import_ed25519_publickey_from_file(path)
            found[key["keyid"]] = key
    for _kind, obj, _data, _sigs in loaded.values():
        if obj.type_ == "layout":
            for key in obj.keys.values():
                found.setdefault(key["keyid"], key_of_layout_key(key))
    return found


def signature_status(key, keyid, sig, data):
    if key is None:
        return "no-key"
    try:
        ok = sslib_keys.verify_signature(key, {"keyid": keyid, "sig": sig}, data)
    except Exception as error:  # pylint: disable=broad-except
        return "error: " + type(error).__name__
    return "valid" if ok else "invalid"


def groups():
    for name in sorted(os.listdir(os.path.join(FIXTURES, "vectors"))):
        path = os.path.join(FIXTURES, "vectors", name)
        if os.path.isdir(path):
            yield path
    yield os.path.join(FIXTURES, "upstream", "demo_files")
    yield os.path.join(FIXTURES, "upstream", "demo_dsse_files")


def main():
    out = {}
    unloadable = {}
    for group in groups():
        loaded = {}
        for path in documents(group):
            rel = os.path.relpath(path, FIXTURES).replace(os.sep, "/")
            try:
                loaded[rel] = load(path)
            except Exception as error:  # pylint: disable=broad-except
                unloadable[rel] = type(error).__name__
        # The DSSE demo is signed by the demo_files keys.
        key_group = os.path.join(FIXTURES, "upstream", "demo_files") if group.endswith("demo_dsse_files") else group
        keys = candidate_keys(key_group, loaded)
        for rel, (kind, obj, data, signatures) in loaded.items():
            signable = obj.signable_bytes
            entry = {
                "envelope": kind,
                "type": obj.type_,
                "sha256": hashlib.sha256(signable).hexdigest(),
                "length": len(signable),
                "signatures": [
                    {"keyid": keyid, "reference": signature_status(keys.get(keyid), keyid, sig, data)}
                    for keyid, sig in signatures
                ],
            }
            if kind == "dsse":
                entry["pae_sha256"] = hashlib.sha256(data).hexdigest()
            out[rel] = entry
    with open(os.path.join(HERE, "signable-digests.json"), "w", encoding="utf-8") as handle:
        json.dump({"generator": "generate-signable-digests.py", "now": "2030-01-31T12:34:56 (local)",
                   "files": out, "unloadable": unloadable}, handle, indent=1, sort_keys=True)
        handle.write("\n")
    statuses = {}
    for entry in out.values():
        for signature in entry["signatures"]:
            statuses[signature["reference"]] = statuses.get(signature["reference"], 0) + 1
    print(f"{len(out)} documents, signatures {statuses}, unloadable: {unloadable}")


if __name__ == "__main__":
    main()
