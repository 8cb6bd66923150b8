#!/usr/bin/python3
"""Writes keyid-generations.json: for public key files of the fixtures, the keyid in-toto 1.x
computes (securesystemslib 0.26, installed here) and the keyid Python in-toto 2.x/3.0 computes.

securesystemslib >= 0.28 is not installed here, so its two functions are transcribed (their
source, securesystemslib v0.31.0 `signer/_key.py:SSlibKey.from_crypto` and
`signer/_utils.py:compute_default_keyid`, is quoted in the comments) over pyca/cryptography,
which both generations use:

    pem = public_key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)  # rsa, ecdsa
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw).hex()            # ed25519
    keyid = sha256(encode_canonical({"keytype": …, "scheme": …, "keyval": {"public": …}}))

Run with the system interpreter:

    /usr/bin/python3 src/core/keys/__fixtures__/generate-keyid-generations.py
"""
import hashlib
import json
import os

from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat, load_pem_public_key
from securesystemslib import interface, keys
from securesystemslib.formats import encode_canonical

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "..", "..", "..", "test", "fixtures")
FILES = [
    ("upstream/demo_files/alice.pub", "rsa"),
    ("upstream/demo_files/bob.pub", "rsa"),
    ("upstream/demo_files/carl.pub", "rsa"),
    ("upstream/demo_files/danny.pub", "ed25519"),
    ("vectors/keys-owner-ecdsa-func-ecdsa/keys/owner.pub", "ecdsa"),
]
DEFAULT_SCHEME = {"rsa": "rsassa-pss-sha256", "ecdsa": "ecdsa-sha2-nistp256", "ed25519": "ed25519"}


def keyid_v2(keytype, path):
    text = open(path).read()
    if keytype == "ed25519":
        public = json.loads(text)["keyval"]["public"]
    else:
        pem = text if keytype == "rsa" else json.loads(text)["keyval"]["public"]
        public = load_pem_public_key(pem.encode()).public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()
    data = encode_canonical({"keytype": keytype, "scheme": DEFAULT_SCHEME[keytype], "keyval": {"public": public}}).encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def keyid_v1(keytype, path):
    if keytype == "rsa":
        return interface.import_rsa_publickey_from_file(path)["keyid"]
    key = interface.import_ed25519_publickey_from_file(path) if keytype == "ed25519" else interface.import_ecdsa_publickey_from_file(path)
    return key["keyid"]


cases = []
for relative, keytype in FILES:
    path = os.path.join(FIXTURES, relative)
    cases.append({"file": relative, "keytype": keytype, "keyid_1x": keyid_v1(keytype, path), "keyid_2x": keyid_v2(keytype, path)})

with open(os.path.join(HERE, "keyid-generations.json"), "w") as out:
    json.dump({"generator": "src/core/keys/__fixtures__/generate-keyid-generations.py", "cases": cases}, out, indent=1)
    out.write("\n")
print(f"{len(cases)} keys")
