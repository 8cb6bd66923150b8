#!/usr/bin/python3
"""Writes openpgp-keys.json: OpenPGP public keys made with GnuPG, each with the key object the
reference builds for it (securesystemslib 0.26 `gpg.common.get_pubkey_bundle`, which
`gpg.functions.export_pubkey` returns), the key object Layout Studio must build (see
"expected" below), what GnuPG itself says about the key (`--with-colons`), and signatures made
through the reference's `gpg.functions.create_signature` with the reference's verdict
(`gpg.functions.verify_signature`).

Run with the system interpreter, where securesystemslib 0.26.0 and GnuPG 2.2 live:

    /usr/bin/python3 src/core/openpgp/__fixtures__/generate-openpgp-fixtures.py

Keys are generated in a temporary GnuPG home (batch mode, no passphrase) with a faked clock, so
creation and expiry times are fixed; the agent is killed afterwards. Key material is random, so
every run writes a different file; the tests only compare the file's own columns.

"expected" is the reference's object with its known errors corrected, each from an independent
source rather than from our own code:
- framing: the reference hashes the packets' own headers where RFC 4880 5.2.4 prescribes
  0x99 + two-octet length (and 0xb4 + four-octet length for a user ID). GnuPG writes
  ed25519 keys with one-octet lengths, so the reference fails every self-signature and binding
  signature of such keys: it never reads their expiry and drops their subkeys (and drops any
  subkey of an ed25519 primary). Corrected by running the reference on the same packets
  re-framed the way its hashing assumes.
- expiry: the reference takes the newest user ID certificate that *has* a key-expiration
  subpacket, so a removed expiry stays; it drops a subkey with two binding signatures (an
  expiry change); it ignores revocations. Corrected from GnuPG's own listing: expiry date,
  revocation ("r") and the subkeys it lists.
"""
import base64
import binascii
import copy
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

import securesystemslib.gpg.constants as gpg_constants
from securesystemslib.gpg import common
from securesystemslib.gpg import functions
from securesystemslib.gpg.exceptions import KeyExpirationError

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "openpgp-keys.json")
BASE_TIME = "20240101T000000"
SUPPORTED_ALGORITHMS = {"1", "17", "22"}  # RSA, DSA, EdDSA: securesystemslib handlers

HOME = tempfile.mkdtemp(prefix="ls-openpgp-")
os.chmod(HOME, 0o700)
CLOCK = [BASE_TIME]


def gpg(*args, stdin=None, check=True):
    command = ["gpg", "--homedir", HOME, "--batch", "--yes", "--passphrase", "", "--faked-system-time", CLOCK[0] + "!", *args]
    result = subprocess.run(command, input=stdin, capture_output=True, check=False)
    if check and result.returncode != 0:
        raise RuntimeError(f"{command}: {result.stderr.decode()}")
    return result.stdout


def at(clock):
    CLOCK[0] = clock


def fingerprint_of(uid):
    for line in gpg("--with-colons", "--list-keys", uid).decode().splitlines():
        if line.startswith("fpr:"):
            return line.split(":")[9]
    raise RuntimeError(uid)


def subkey_fingerprints(fpr):
    out, current = [], None
    for line in gpg("--with-colons", "--list-keys", fpr).decode().splitlines():
        fields = line.split(":")
        if fields[0] in ("pub", "sub"):
            current = fields[0]
        elif fields[0] == "fpr" and current == "sub":
            out.append(fields[9])
    return out


def edit(fpr, commands):
    gpg("--command-fd", "0", "--edit-key", fpr, stdin=("\n".join(commands) + "\n").encode())


def colons(fpr):
    """GnuPG's view: validity, creation, expiry, usage of the primary key and each subkey."""
    primary, subkeys, uids, current = None, [], [], None
    for line in gpg("--with-colons", "--fixed-list-mode", "--list-keys", fpr).decode().splitlines():
        f = line.split(":")
        if f[0] in ("pub", "sub"):
            current = {
                "validity": f[1],
                "algorithm": f[3],
                "created": int(f[5]),
                "expires": int(f[6]) if f[6] else None,
                "usage": f[11] if f[0] == "pub" else f[11],
            }
            if f[0] == "pub":
                primary = current
            else:
                subkeys.append(current)
        elif f[0] == "fpr" and current is not None and "fingerprint" not in current:
            current["fingerprint"] = f[9].lower()
        elif f[0] == "uid":
            uids.append({"validity": f[1], "text": f[9]})
    return {"primary": primary, "subkeys": subkeys, "uids": uids}


def packets(data):
    out, position = [], 0
    while position < len(data):
        tag, header_len, body_len, length = common.gpg_util.parse_packet_header(data[position:])
        out.append((tag, data[position + header_len : position + length]))
        position += length
    return out


def reframed(data):
    """The packets as the reference's hashing assumes they are framed (see module doc)."""
    out = b""
    for tag, body in packets(data):
        if tag in (6, 14):
            out += bytes([0x99 if tag == 6 else 0xB9]) + struct.pack(">H", len(body)) + body
        elif tag == 13 and len(body) < 256:
            out += bytes([0xB4, len(body)]) + body
        else:
            out += bytes([0x89]) + struct.pack(">H", len(body)) + body
    return out


def reference_bundle(data, fpr):
    try:
        return {"ok": common.get_pubkey_bundle(data, fpr)}
    except Exception as error:  # the reference's own exception, recorded by name
        return {"error": type(error).__name__, "message": str(error)}


def expected_bundle(data, fpr, listing):
    result = reference_bundle(reframed(data), fpr)
    if "ok" not in result:
        return result
    key = result["ok"]
    primary = listing["primary"]
    key.pop("validity_period", None)
    if primary["expires"]:
        key["validity_period"] = primary["expires"] - primary["created"]
    sub_objects = {}
    for sub in listing["subkeys"]:
        if sub["algorithm"] not in SUPPORTED_ALGORITHMS or sub["validity"] == "r":
            continue
        # Parse the subkey the way the reference parses a subkey packet.
        for tag, body in packets(data):
            if tag == 14 and common.gpg_util.compute_keyid(body) == sub["fingerprint"]:
                obj = common.parse_pubkey_payload(bytearray(body))
                if sub["expires"]:
                    obj["validity_period"] = sub["expires"] - sub["created"]
                sub_objects[obj["keyid"]] = obj
    key.pop("subkeys", None)
    if sub_objects:
        key["subkeys"] = sub_objects
    return {"ok": key}


def sign_with(content, keyid, clock):
    """The reference's create_signature, through gpg at a given (faked) time."""
    saved = gpg_constants.gpg_command
    # KEYID_SCHEMA refuses gpg's "!" (use exactly this subkey), so that one goes in the command.
    forced = f" --local-user {keyid}" if keyid.endswith("!") else ""
    gpg_constants.gpg_command = lambda: f"gpg --faked-system-time {clock}!{forced}"
    try:
        return functions.create_signature(content, None if forced else keyid, HOME)
    finally:
        gpg_constants.gpg_command = saved


def reference_verdict(signature, key, content):
    try:
        return "valid" if functions.verify_signature(copy.deepcopy(signature), copy.deepcopy(key), content) else "invalid"
    except KeyExpirationError:
        return "KeyExpirationError"
    except Exception as error:
        return type(error).__name__


KEYS = []
SIGNATURES = []


def record(name, description, fpr, signers=(), sign_clock=None):
    data = gpg("--export", fpr)
    armored = gpg("--armor", "--export", fpr).decode()
    listing = colons(fpr)
    reference = reference_bundle(data, fpr)
    expected = expected_bundle(data, fpr, listing)
    KEYS.append(
        {
            "name": name,
            "description": description,
            "fingerprint": fpr.lower(),
            "armored": armored,
            "binary": base64.b64encode(data).decode(),
            "gnupg": listing,
            "reference": reference,
            "expected": expected,
        }
    )
    content = ("in-toto signed bytes of " + name).encode()
    for signer in signers:
        signature = sign_with(content, signer, sign_clock or CLOCK[0])
        entry = {"key": name, "signer": signer.rstrip("!").lower(), "content": content.decode(), "signature": signature}
        if "ok" in reference:
            entry["reference"] = reference_verdict(signature, reference["ok"], content)
            entry["reference_tampered"] = reference_verdict(signature, reference["ok"], content + b"!")
        SIGNATURES.append(entry)


def new_key(uid, algo, usage, expire):
    gpg("--quick-gen-key", uid, algo, usage, expire)
    return fingerprint_of(uid)


def main():
    with open(os.path.join(HOME, "gpg-agent.conf"), "w") as conf:
        conf.write("allow-loopback-pinentry\n")
    try:
        at(BASE_TIME)
        fpr = new_key("RSA Primary <rsa@example.org>", "rsa2048", "sign,cert", "never")
        gpg("--quick-add-key", fpr, "rsa2048", "encr", "never")
        record("rsa-sign-encr", "rsa2048 primary [SC] with an rsa2048 encryption subkey", fpr, [fpr])

        fpr = new_key("RSA Subkeys <subkeys@example.org>", "rsa3072", "cert", "never")
        gpg("--quick-add-key", fpr, "rsa2048", "sign", "never")
        gpg("--quick-add-key", fpr, "rsa2048", "auth", "never")
        gpg("--quick-add-key", fpr, "rsa2048", "encr", "never")
        at("20240102T000000")
        gpg("--quick-add-key", fpr, "rsa2048", "sign", "never")
        subs = subkey_fingerprints(fpr)
        record(
            "rsa-cert-only-signing-auth-encr-subkeys",
            "rsa3072 certify-only primary; rsa2048 subkeys: sign, auth, encrypt, and a newer sign",
            fpr,
            [fpr, subs[0] + "!", subs[3] + "!"],
        )

        at(BASE_TIME)
        fpr = new_key("DSA <dsa@example.org>", "dsa2048", "sign,cert", "never")
        gpg("--quick-add-key", fpr, "elg2048", "encr", "never")
        record("dsa2048-elgamal", "dsa2048 primary [SC] with an Elgamal encryption subkey (not supported: left out)", fpr, [fpr])

        fpr = new_key("DSA1024 <dsa1024@example.org>", "dsa1024", "sign,cert", "never")
        record("dsa1024", "dsa1024 primary [SC] (160-bit q: SHA-256 digests are truncated)", fpr, [fpr])

        fpr = new_key("Ed Default <ed@example.org>", "ed25519", "sign,cert", "never")
        gpg("--quick-add-key", fpr, "cv25519", "encr", "never")
        record("ed25519-cv25519", "ed25519 primary [SC] with a cv25519 encryption subkey (ECDH: left out)", fpr, [fpr])

        fpr = new_key("Ed Subkeys <edsub@example.org>", "ed25519", "cert", "never")
        gpg("--quick-add-key", fpr, "ed25519", "sign", "never")
        gpg("--quick-add-key", fpr, "rsa2048", "sign", "never")
        subs = subkey_fingerprints(fpr)
        record(
            "ed25519-cert-only-ed25519-and-rsa-signing-subkeys",
            "ed25519 certify-only primary with an ed25519 and an rsa2048 signing subkey (the reference drops both)",
            fpr,
            [subs[0] + "!", subs[1] + "!"],
        )

        fpr = new_key("RSA Ed Sub <rsaedsub@example.org>", "rsa2048", "cert", "never")
        gpg("--quick-add-key", fpr, "ed25519", "sign", "never")
        subs = subkey_fingerprints(fpr)
        record("rsa-ed25519-signing-subkey", "rsa2048 certify-only primary with an ed25519 signing subkey (the reference drops it)", fpr, [subs[0] + "!"])

        fpr = new_key("RSA4096 <rsa4096@example.org>", "rsa4096", "sign,cert", "never")
        record("rsa4096", "rsa4096 primary [SC], no subkeys", fpr, [fpr])

        at("20200101T000000")
        fpr = new_key("Expired <expired@example.org>", "rsa2048", "sign,cert", "1d")
        record("rsa-expired", "rsa2048 created 2020-01-01, valid one day", fpr, [fpr], sign_clock="20200101T060000")

        at(BASE_TIME)
        fpr = new_key("Expires Later <later@example.org>", "rsa2048", "sign,cert", "2090-01-01")
        record("rsa-expires-2090", "rsa2048 that expires on 2090-01-01", fpr, [fpr])

        at("20200101T000000")
        fpr = new_key("Extended <extended@example.org>", "rsa2048", "sign,cert", "1d")
        at("20200101T120000")
        gpg("--quick-set-expire", fpr, "2090-01-01")
        at(BASE_TIME)
        record("rsa-expiry-extended", "rsa2048 created 2020-01-01 for one day, extended to 2090 half a day later", fpr, [fpr])

        at("20200101T000000")
        fpr = new_key("Unexpiring <unexpire@example.org>", "rsa2048", "sign,cert", "1d")
        at("20200101T120000")
        gpg("--quick-set-expire", fpr, "0")
        at(BASE_TIME)
        record(
            "rsa-expiry-removed",
            "rsa2048 created 2020-01-01 for one day, its expiry removed half a day later (the reference keeps the old expiry)",
            fpr,
            [fpr],
        )

        fpr = new_key("Ed Expiring <edexp@example.org>", "ed25519", "sign,cert", "2090-01-01")
        record("ed25519-expires-2090", "ed25519 that expires on 2090-01-01 (the reference never reads it)", fpr, [fpr])

        at("20200101T000000")
        fpr = new_key("Ed Expired <edexpired@example.org>", "ed25519", "sign,cert", "1d")
        record("ed25519-expired", "ed25519 created 2020-01-01, valid one day (the reference never reads the expiry)", fpr, [fpr], sign_clock="20200101T060000")

        at("20200101T000000")
        fpr = new_key("Sub Expired <subexpired@example.org>", "rsa2048", "cert", "never")
        gpg("--quick-add-key", fpr, "rsa2048", "sign", "1d")
        at(BASE_TIME)
        gpg("--quick-add-key", fpr, "rsa2048", "sign", "never")
        subs = subkey_fingerprints(fpr)
        record("rsa-expired-signing-subkey", "rsa2048 certify-only primary; one signing subkey expired in 2020, one valid", fpr, [subs[1] + "!"])

        fpr = new_key("Sub Expiry Changed <subchanged@example.org>", "rsa2048", "cert", "never")
        gpg("--quick-add-key", fpr, "rsa2048", "sign", "2080-01-01")
        subs = subkey_fingerprints(fpr)
        at("20240102T000000")
        gpg("--quick-set-expire", fpr, "2090-01-01", subs[0])
        at(BASE_TIME)
        record(
            "rsa-subkey-expiry-changed",
            "a signing subkey whose expiry was changed: two binding signatures (the reference drops the subkey)",
            fpr,
            [subs[0] + "!"],
        )

        fpr = new_key("Revoked <revoked@example.org>", "rsa2048", "sign,cert", "never")
        signature = sign_with(b"signed before the revocation", fpr, BASE_TIME)
        revocation = open(os.path.join(HOME, "openpgp-revocs.d", fpr + ".rev")).read().replace(":-----BEGIN", "-----BEGIN")
        at("20240102T000000")
        gpg("--import", stdin=revocation.encode())
        at(BASE_TIME)
        record("rsa-revoked", "rsa2048 revoked by its owner with the revocation certificate GnuPG made with it (reason: none)", fpr)
        SIGNATURES.append({"key": "rsa-revoked", "signer": fpr.lower(), "content": "signed before the revocation", "signature": signature})

        fpr = new_key("Sub Revoked <subrevoked@example.org>", "rsa2048", "cert", "never")
        gpg("--quick-add-key", fpr, "rsa2048", "sign", "never")
        gpg("--quick-add-key", fpr, "rsa2048", "sign", "never")
        subs = subkey_fingerprints(fpr)
        signature = sign_with(b"signed before the revocation", subs[0] + "!", BASE_TIME)
        at("20240102T000000")
        edit(fpr, ["key 1", "revkey", "y", "1", "", "y", "save"])
        at(BASE_TIME)
        record("rsa-revoked-signing-subkey", "the first of two signing subkeys revoked as compromised (the reference keeps it)", fpr, [subs[1] + "!"])
        SIGNATURES.append({"key": "rsa-revoked-signing-subkey", "signer": subs[0].lower(), "content": "signed before the revocation", "signature": signature})

        fpr = new_key("Two UIDs <first@example.org>", "rsa2048", "sign,cert", "2090-01-01")
        at("20240102T000000")
        gpg("--quick-add-uid", fpr, "Two UIDs <second@example.org>")
        at("20240102T000100")
        gpg("--quick-set-primary-uid", fpr, "Two UIDs <second@example.org>")
        at("20240102T000200")
        gpg("--quick-revoke-uid", fpr, "Two UIDs <first@example.org>")
        at(BASE_TIME)
        record("rsa-two-uids-one-revoked", "two user IDs, the second made primary, the first revoked", fpr, [fpr])

        signer_fpr = new_key("Certifier <certifier@example.org>", "ed25519", "sign,cert", "never")
        fpr = new_key("Certified <certified@example.org>", "rsa2048", "sign,cert", "never")
        gpg("--default-key", signer_fpr, "--quick-sign-key", fpr)
        record("rsa-certified-by-other-key", "rsa2048 whose user ID carries a certification by another (ed25519) key", fpr, [fpr])

        fpr = new_key("ECDSA <ecdsa@example.org>", "nistp256", "sign,cert", "never")
        record("ecdsa-nistp256", "an ECDSA P-256 primary: not supported by securesystemslib 0.26", fpr)
    finally:
        subprocess.run(["gpgconf", "--homedir", HOME, "--kill", "all"], check=False)
        shutil.rmtree(HOME, ignore_errors=True)

    version = subprocess.run(["gpg", "--version"], capture_output=True).stdout.decode().splitlines()[0]
    with open(OUT, "w") as out:
        json.dump(
            {
                "generator": "src/core/openpgp/__fixtures__/generate-openpgp-fixtures.py",
                "reference": "securesystemslib 0.26.0 (" + version + ")",
                "keys": KEYS,
                "signatures": SIGNATURES,
            },
            out,
            indent=1,
            sort_keys=True,
        )
        out.write("\n")
    print(f"wrote {OUT}: {len(KEYS)} keys, {len(SIGNATURES)} signatures")


if __name__ == "__main__":
    main()
