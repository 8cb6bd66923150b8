#!/usr/bin/python3
"""Writes signable-digests.json: for every layout and link under test/fixtures, the SHA-256 of
the bytes the reference signs (in-toto 1.3.1 `Metablock.load(path).signed.signable_bytes`).

DSSE files (test/fixtures/upstream/demo_dsse_files) hold the document as a base64 `payload`;
for those the payload is decoded and read with `Layout.read` / `Link.read`, which is what
`Metablock.load` does with `signed`. Layouts without `expires` get "now + 1 month": "now" is
pinned to 2030-01-31T12:34:56 local time.

    /usr/bin/python3 src/core/model/__fixtures__/generate-signable-digests.py
"""
import base64
import datetime as _datetime
import hashlib
import json
import os

import in_toto.models.layout
from in_toto.models.layout import Layout
from in_toto.models.link import Link
from in_toto.models.metadata import Metablock


class _FixedDatetime(_datetime.datetime):
    @classmethod
    def today(cls):
        return cls(2030, 1, 31, 12, 34, 56)


in_toto.models.layout.datetime = _FixedDatetime

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "test", "fixtures"))
# Deliberately malformed link files (the vector tests how a verifier reacts to them).
SKIP_DIRS = {os.path.join("vectors", "linkdir-malformed-link", "links")}


def candidates():
    for root, _dirs, files in os.walk(FIXTURES):
        for name in sorted(files):
            if name.endswith((".link", ".layout", ".template")):
                yield os.path.relpath(os.path.join(root, name), FIXTURES)


def signable(path):
    with open(path, "r", encoding="utf8") as handle:
        data = json.load(handle)
    if "payload" in data and "signed" not in data:
        signed = json.loads(base64.b64decode(data["payload"]))
        kind = signed.get("_type")
        obj = Link.read(signed) if kind == "link" else Layout.read(signed)
        return "dsse", obj
    metablock = Metablock.load(path)
    return "metablock", metablock.signed


def main():
    out = {}
    skipped = []
    for rel in sorted(candidates()):
        if os.path.dirname(rel) in SKIP_DIRS:
            skipped.append(rel)
            continue
        try:
            envelope, obj = signable(os.path.join(FIXTURES, rel))
        except (ValueError, KeyError, TypeError) as error:  # not JSON / not a metablock
            skipped.append(f"{rel} ({type(error).__name__})")
            continue
        data = obj.signable_bytes
        out[rel.replace(os.sep, "/")] = {
            "envelope": envelope,
            "type": obj.type_,
            "sha256": hashlib.sha256(data).hexdigest(),
            "length": len(data),
        }
    with open(os.path.join(HERE, "signable-digests.json"), "w", encoding="utf-8") as handle:
        json.dump({"generator": "generate-signable-digests.py", "now": "2030-01-31T12:34:56 (local)",
                   "files": out, "skipped": skipped}, handle, indent=1, sort_keys=True)
        handle.write("\n")
    print(f"{len(out)} documents, skipped: {skipped}")


if __name__ == "__main__":
    main()
