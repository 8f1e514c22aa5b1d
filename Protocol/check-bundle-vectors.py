#!/usr/bin/env python3
"""Checks the bundle vectors of Protocol/vectors/bundle/ (SPEC.md §15) with an implementation of
its own, independent of the Swift code (swift-crypto's HPKE):

1. its RFC 9180 base mode (DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20-Poly1305) gives the
   RFC's own test vector (RFC 9180 Appendix A.2.1, sequence 0);
2. the keys in keys.json: each public key is the one its private key makes;
3. each .bundle file listed in bundle/manifest.json: its layout (§15.1) is read exactly, its
   header bytes are the header vector's, the header names the right signer and recipient, the
   signature verifies with the signer's key (and not with another), the payload opens with the
   recipient's key (and not with another) and is exactly the payload vector's bytes, and sealing
   the same header and payload again with the recorded ephemeral key gives the file byte for byte;
4. every single flipped byte of the header, the encapsulated key, the ciphertext or the
   signature is refused (by the signature, and also by HPKE alone for the header and the
   ciphertext), and so are a file cut short and a byte after the signature;
5. the request and the reply belong together (inReplyTo, device, cursors) and the upload
   response vector carries the reply file and its counts.

Needs: pip install cryptography   (the Ed25519, X25519 and ChaCha20-Poly1305 primitives; HKDF and
       HPKE are written out below with hashlib and hmac)
Run:   python3 Protocol/check-bundle-vectors.py            (exit status 0 when everything holds)

Other uses (the Swift test BundleVectorTests runs them, so that each side opens what the other
sealed):
  --open FILE --signer device|server [--payload FILE]
        reads, verifies and opens a bundle sealed with the vector keys (one Swift made) and
        writes its payload to stdout, or compares it with FILE
  --seal OUT --kind request|reply
        seals the vector payload of that kind afresh (a random ephemeral key) into OUT
  --write
        rewrites the vectors (headers, payloads, .bundle files, the upload response) from
        keys.json and the golden vectors of the story (SPEC.md §14); review the diff
"""

import argparse
import base64
import copy
import hashlib
import hmac
import json
import os
import pathlib
import struct
import sys

try:
    from cryptography.exceptions import InvalidSignature, InvalidTag
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
except ImportError:  # pragma: no cover
    print("check-bundle-vectors.py needs the cryptography package: pip install cryptography", file=sys.stderr)
    sys.exit(2)

HERE = pathlib.Path(__file__).resolve().parent
VECTORS = HERE / "vectors"
BUNDLES = VECTORS / "bundle"

# --- RFC 9180 base mode, one suite ------------------------------------------------------------

KEM_ID, KDF_ID, AEAD_ID = 0x0020, 0x0001, 0x0003
KEM_SUITE = b"KEM" + struct.pack(">H", KEM_ID)
HPKE_SUITE = b"HPKE" + struct.pack(">HHH", KEM_ID, KDF_ID, AEAD_ID)


def hkdf_extract(salt, ikm):
    return hmac.new(salt, ikm, hashlib.sha256).digest()  # an empty salt is HashLen zeros (RFC 5869)


def hkdf_expand(prk, info, length):
    out, block, counter = b"", b"", 1
    while len(out) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        out += block
        counter += 1
    return out[:length]


def labeled_extract(suite_id, salt, label, ikm):
    return hkdf_extract(salt, b"HPKE-v1" + suite_id + label + ikm)


def labeled_expand(suite_id, prk, label, info, length):
    return hkdf_expand(prk, struct.pack(">H", length) + b"HPKE-v1" + suite_id + label + info, length)


def x25519_public(private_raw):
    return X25519PrivateKey.from_private_bytes(private_raw).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def ed25519_public(private_raw):
    return Ed25519PrivateKey.from_private_bytes(private_raw).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def extract_and_expand(dh, kem_context):
    """RFC 9180 §4.1 DHKEM: the shared secret from a Diffie-Hellman output."""
    eae_prk = labeled_extract(KEM_SUITE, b"", b"eae_prk", dh)
    return labeled_expand(KEM_SUITE, eae_prk, b"shared_secret", kem_context, 32)


def encap(recipient_public, ephemeral_private):
    enc = x25519_public(ephemeral_private)
    dh = X25519PrivateKey.from_private_bytes(ephemeral_private).exchange(X25519PublicKey.from_public_bytes(recipient_public))
    return extract_and_expand(dh, enc + recipient_public), enc


def decap(enc, recipient_private):
    dh = X25519PrivateKey.from_private_bytes(recipient_private).exchange(X25519PublicKey.from_public_bytes(enc))
    return extract_and_expand(dh, enc + x25519_public(recipient_private))


def key_schedule(shared_secret, info):
    """RFC 9180 §5.1, mode_base (no PSK): the AEAD key and base nonce."""
    psk_id_hash = labeled_extract(HPKE_SUITE, b"", b"psk_id_hash", b"")
    info_hash = labeled_extract(HPKE_SUITE, b"", b"info_hash", info)
    context = bytes([0]) + psk_id_hash + info_hash
    secret = labeled_extract(HPKE_SUITE, shared_secret, b"secret", b"")
    return labeled_expand(HPKE_SUITE, secret, b"key", context, 32), labeled_expand(HPKE_SUITE, secret, b"base_nonce", context, 12)


def hpke_seal(recipient_public, info, aad, plaintext, ephemeral_private):
    """SetupBaseS then one Seal (sequence 0: the nonce is the base nonce)."""
    shared, enc = encap(recipient_public, ephemeral_private)
    key, nonce = key_schedule(shared, info)
    return enc, ChaCha20Poly1305(key).encrypt(nonce, plaintext, aad)


def hpke_open(enc, recipient_private, info, aad, ciphertext):
    key, nonce = key_schedule(decap(enc, recipient_private), info)
    return ChaCha20Poly1305(key).decrypt(nonce, ciphertext, aad)


# --- the bundle file (SPEC.md §15.1) ----------------------------------------------------------

MAGIC = b"DOUDIBN1"
INFO = b"doudi bundle v1"


class Refused(Exception):
    def __init__(self, code, message):
        super().__init__(f"{message} ({code})")
        self.code = code


def seal_bundle(header_bytes, payload, signing_private, recipient_public, ephemeral_private):
    enc, ciphertext = hpke_seal(recipient_public, INFO, header_bytes, payload, ephemeral_private)
    signed = (MAGIC + struct.pack(">I", len(header_bytes)) + header_bytes + struct.pack(">H", len(enc)) + enc
              + struct.pack(">Q", len(ciphertext)) + ciphertext)
    signature = Ed25519PrivateKey.from_private_bytes(signing_private).sign(signed)
    return signed + struct.pack(">H", len(signature)) + signature


def read_bundle(data):
    """The parts of a bundle file, refusing a file not laid out exactly as §15.1 says."""
    at = 0

    def take(count, what):
        nonlocal at
        if count < 0 or at + count > len(data):
            raise Refused("bundle-malformed", f"cut short at {what}")
        part = data[at:at + count]
        at += count
        return part

    magic = take(8, "the magic")
    if magic != MAGIC:
        raise Refused("bundle-version" if magic[:5] == MAGIC[:5] else "bundle-malformed", "not DOUDIBN1")
    header_bytes = take(struct.unpack(">I", take(4, "the header length"))[0], "the header")
    try:
        header = json.loads(header_bytes.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise Refused("bundle-malformed", "the header is not JSON")
    if not isinstance(header, dict) or header.get("format") != "doudi-bundle":
        raise Refused("bundle-malformed", "the header's format is not doudi-bundle")
    if header.get("version") != 1:
        raise Refused("bundle-version", f"bundle format version {header.get('version')!r}")
    enc = take(struct.unpack(">H", take(2, "the key length"))[0], "the encapsulated key")
    ciphertext = take(struct.unpack(">Q", take(8, "the ciphertext length"))[0], "the ciphertext")
    signed = data[:at]
    signature = take(struct.unpack(">H", take(2, "the signature length"))[0], "the signature")
    if at != len(data):
        raise Refused("bundle-malformed", f"{len(data) - at} bytes after the signature")
    return {"header": header, "header_bytes": header_bytes, "enc": enc, "ciphertext": ciphertext,
            "signed": signed, "signature": signature}


def verify_bundle(parts, signing_public):
    if parts["header"].get("signer") != base64.b64encode(signing_public).decode():
        raise Refused("bundle-signature", "signed by another key than the one given")
    try:
        Ed25519PublicKey.from_public_bytes(signing_public).verify(parts["signature"], parts["signed"])
    except InvalidSignature:
        raise Refused("bundle-signature", "the signature does not verify")


def open_bundle(parts, agreement_private):
    if parts["header"].get("recipient") != base64.b64encode(x25519_public(agreement_private)).decode():
        raise Refused("bundle-recipient", "sealed to another key")
    try:
        return hpke_open(parts["enc"], agreement_private, INFO, parts["header_bytes"], parts["ciphertext"])
    except (InvalidTag, ValueError):
        raise Refused("bundle-signature", "does not open: changed")


# --- the vectors ------------------------------------------------------------------------------

failures = []


def fail(message):
    failures.append(message)
    print("FAIL  " + message)


def ok(message):
    print("ok    " + message)


def canonical(value):
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False).encode("utf-8")


def load_keys():
    """{"device": {"signing": private bytes, "agreement": …}, "server": …, "ephemeral": {name: bytes}}."""
    data = json.loads((BUNDLES / "keys.json").read_text(encoding="utf-8"))
    keys = {}
    for holder in ("device", "server"):
        keys[holder] = {}
        for kind, public in (("signing", ed25519_public), ("agreement", x25519_public)):
            entry = data[holder][kind]
            private = bytes.fromhex(entry["privateHex"])
            if base64.b64decode(entry["privateBase64"]) != private or len(private) != 32:
                fail(f"keys.json: {holder} {kind}: privateHex and privateBase64 differ, or not 32 bytes")
            if base64.b64encode(public(private)).decode() != entry["public"]:
                fail(f"keys.json: {holder} {kind}: public is not the key its private key makes")
            keys[holder][kind] = private
    keys["ephemeral"] = {}
    for name, entry in data["ephemeral"].items():
        private = bytes.fromhex(entry["privateHex"])
        if base64.b64encode(x25519_public(private)).decode() != entry["public"]:
            fail(f"keys.json: ephemeral {name}: public is not the key its private key makes")
        keys["ephemeral"][name] = private
    return keys


def public_keys(keys, holder):
    return {"signing": base64.b64encode(ed25519_public(keys[holder]["signing"])).decode(),
            "agreement": base64.b64encode(x25519_public(keys[holder]["agreement"])).decode()}


def other(holder):
    return "server" if holder == "device" else "device"


def check_rfc9180():
    # RFC 9180 Appendix A.2.1: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20Poly1305, base mode
    info = bytes.fromhex("4f6465206f6e2061204772656369616e2055726e")
    sk_e = bytes.fromhex("f4ec9b33b792c372c1d2c2063507b684ef925b8c75a42dbcbf57d63ccd381600")
    pk_r = bytes.fromhex("4310ee97d88cc1f088a5576c77ab0cf5c3ac797f3d95139c6c84b5429c59662a")
    sk_r = bytes.fromhex("8057991eef8f1f1af18f4a9491d16a1ce333f695d4db8e38da75975c4478e0fb")
    enc_expected = bytes.fromhex("1afa08d3dec047a643885163f1180476fa7ddb54c6a8029ea33f95796bf2ac4a")
    plaintext = bytes.fromhex("4265617574792069732074727574682c20747275746820626561757479")
    aad = bytes.fromhex("436f756e742d30")
    ciphertext = bytes.fromhex("1c5250d8034ec2b784ba2cfd69dbdb8af406cfe3ff938e131f0def8c8b60b4db21993c62ce81883d2dd1b51a28")
    if x25519_public(sk_r) != pk_r:
        fail("RFC 9180 A.2.1: pkRm is not skRm's public key")
    enc, sealed = hpke_seal(pk_r, info, aad, plaintext, sk_e)
    if enc != enc_expected or sealed != ciphertext:
        fail("RFC 9180 A.2.1: this HPKE seal does not give the RFC's enc and ciphertext")
    elif hpke_open(enc, sk_r, info, aad, ciphertext) != plaintext:
        fail("RFC 9180 A.2.1: this HPKE open does not give the RFC's plaintext")
    else:
        ok("RFC 9180 A.2.1 (X25519, HKDF-SHA256, ChaCha20-Poly1305, base mode, sequence 0): enc and ciphertext as the RFC gives them")


def refused_every_flip(label, data, start, end, check):
    """Flips each byte in data[start:end] (all bits) and counts the flips check does not refuse."""
    passed = []
    for i in range(start, end):
        changed = bytearray(data)
        changed[i] ^= 0xFF
        try:
            check(bytes(changed))
            passed.append(i)
        except Refused:
            pass
    if passed:
        fail(f"{label}: flipping byte(s) {passed[:5]} is not refused")
    else:
        ok(f"{label}: each of its {end - start} bytes flipped is refused")


def check_bundle(entry, keys):
    name = entry["file"]
    data = (BUNDLES / name).read_bytes()
    header_bytes = (BUNDLES / entry["header"]).read_bytes()
    payload = (BUNDLES / entry["payload"]).read_bytes()
    signer, recipient = entry["signer"], entry["recipient"]
    signing_public = ed25519_public(keys[signer]["signing"])
    try:
        parts = read_bundle(data)
    except Refused as error:
        fail(f"{name}: cannot be read: {error}")
        return None
    if parts["header_bytes"] != header_bytes:
        fail(f"{name}: its header is not {entry['header']} byte for byte")
    if header_bytes != canonical(json.loads(header_bytes)):
        fail(f"{entry['header']} is not canonical JSON")
    header = parts["header"]
    if header.get("signer") != public_keys(keys, signer)["signing"] or header.get("recipient") != public_keys(keys, recipient)["agreement"]:
        fail(f"{name}: the header does not name the {signer}'s signing key and the {recipient}'s agreement key")
    if len(parts["enc"]) != 32 or len(parts["signature"]) != 64:
        fail(f"{name}: an encapsulated key of {len(parts['enc'])} bytes or a signature of {len(parts['signature'])}")
    try:
        verify_bundle(parts, signing_public)
        opened = open_bundle(parts, keys[recipient]["agreement"])
    except Refused as error:
        fail(f"{name}: refused: {error}")
        return None
    if opened != payload:
        fail(f"{name}: opens to other bytes than {entry['payload']}")
    else:
        ok(f"{name}: read, signed by the {signer}'s key, sealed to the {recipient}'s key; opens to {entry['payload']} exactly ({len(payload)} bytes)")
    again = seal_bundle(header_bytes, payload, keys[signer]["signing"], x25519_public(keys[recipient]["agreement"]),
                        keys["ephemeral"][entry["ephemeral"]])
    if again != data:
        fail(f"{name}: sealing {entry['header']} and {entry['payload']} again with the ephemeral key {entry['ephemeral']} gives other bytes")
    else:
        ok(f"{name}: sealed again from its header, payload and keys it is the same {len(data)} bytes")

    # another key
    for check, label in ((lambda: verify_bundle(parts, ed25519_public(keys[other(signer)]["signing"])), "verified with the other signing key"),
                         (lambda: open_bundle(parts, keys[other(recipient)]["agreement"]), "opened with the other agreement key")):
        try:
            check()
            fail(f"{name}: {label} is not refused")
        except Refused as error:
            ok(f"{name}: {label}: refused {error.code}")

    # one byte changed
    header_at = 8 + 4
    enc_at = header_at + len(header_bytes) + 2
    cipher_at = enc_at + len(parts["enc"]) + 8
    signature_at = cipher_at + len(parts["ciphertext"]) + 2

    def whole(changed):
        p = read_bundle(changed)
        verify_bundle(p, signing_public)
        open_bundle(p, keys[recipient]["agreement"])

    def hpke_only_header(changed):
        # the header as associated data: HPKE alone refuses a changed header, signature or not
        changed_header = changed[header_at:header_at + len(header_bytes)]
        try:
            hpke_open(parts["enc"], keys[recipient]["agreement"], INFO, changed_header, parts["ciphertext"])
        except (InvalidTag, ValueError):
            raise Refused("bundle-signature", "does not open")

    def hpke_only_ciphertext(changed):
        try:
            hpke_open(parts["enc"], keys[recipient]["agreement"], INFO, header_bytes, changed[cipher_at:cipher_at + len(parts["ciphertext"])])
        except (InvalidTag, ValueError):
            raise Refused("bundle-signature", "does not open")

    refused_every_flip(f"{name} header", data, header_at, header_at + len(header_bytes), whole)
    refused_every_flip(f"{name} header, HPKE alone", data, header_at, header_at + len(header_bytes), hpke_only_header)
    refused_every_flip(f"{name} encapsulated key", data, enc_at, enc_at + len(parts["enc"]), whole)
    refused_every_flip(f"{name} ciphertext", data, cipher_at, cipher_at + len(parts["ciphertext"]), whole)
    refused_every_flip(f"{name} ciphertext, HPKE alone", data, cipher_at, cipher_at + len(parts["ciphertext"]), hpke_only_ciphertext)
    refused_every_flip(f"{name} signature", data, signature_at, len(data), whole)
    refused_every_flip(f"{name} lengths and magic", data, 0, header_at, whole)
    for label, changed in (("cut short by one byte", data[:-1]), ("with a byte after the signature", data + b"\0"),
                           ("of format DOUDIBN2", b"DOUDIBN2" + data[8:])):
        try:
            read_bundle(changed)
            fail(f"{name} {label} is read")
        except Refused as error:
            ok(f"{name} {label}: refused {error.code}")
    return header, json.loads(payload)


def check_vectors():
    check_rfc9180()
    manifest = json.loads((BUNDLES / "manifest.json").read_text(encoding="utf-8"))
    keys = load_keys()
    ok("keys.json: every public key is the one its private key makes")
    read = {}
    for entry in manifest["bundles"]:
        result = check_bundle(entry, keys)
        if result:
            read[entry["kind"]] = (entry, *result)
    if "request" in read and "reply" in read:
        _, request_header, request = read["request"]
        reply_entry, reply_header, reply = read["reply"]
        same = (request_header["kind"] == "request" and reply_header["kind"] == "reply" and "inReplyTo" not in request_header
                and reply_header.get("inReplyTo") == request_header["id"] == reply["inReplyTo"]
                and request_header["device"] == reply_header["device"] == request["device"] == reply["device"]
                and reply["fromCursor"] == request["cursor"]
                and [a["changeSet"] for a in reply["acknowledgements"]] == [c["id"] for c in request["changeSets"]]
                and reply["cursor"] == (reply["pages"][-1]["cursor"] if reply["pages"] else reply["fromCursor"])
                and reply["hasMore"] == (reply["pages"][-1]["hasMore"] if reply["pages"] else False))
        if same:
            ok("the reply answers the request: inReplyTo, device, fromCursor = the request's cursor, one acknowledgement per change set in order, cursor and hasMore of its last page")
        else:
            fail("the reply vector does not answer the request vector (inReplyTo, device, cursors, acknowledgements)")
        upload = json.loads((BUNDLES / manifest["uploadResponse"]).read_bytes())
        statuses = [a["status"] for a in reply["acknowledgements"]]
        counts = {"changeSets": len(statuses), "accepted": statuses.count("accepted"),
                  "acceptedWithConflicts": statuses.count("acceptedWithConflicts"), "rejected": statuses.count("rejected"),
                  "records": sum(len(p["records"]) for p in reply["pages"]),
                  "conflicts": sum(len(p["conflicts"]) for p in reply["pages"]), "hasMore": reply["hasMore"]}
        if (base64.b64decode(upload["reply"]) == (BUNDLES / reply_entry["file"]).read_bytes() and upload["replyID"] == reply_header["id"]
                and upload["device"] == reply["device"] and all(upload[k] == v for k, v in counts.items())):
            ok(f"{manifest['uploadResponse']}: carries {reply_entry['file']} (base64), its id, and the counts of its payload")
        else:
            fail(f"{manifest['uploadResponse']} does not carry {reply_entry['file']}, its id or the counts of its payload")
    if failures:
        print(f"\n{len(failures)} problem(s)")
        return 1
    print("\nall bundle checks hold")
    return 0


# --- the other uses ---------------------------------------------------------------------------

def entry_of(kind):
    manifest = json.loads((BUNDLES / "manifest.json").read_text(encoding="utf-8"))
    return next(e for e in manifest["bundles"] if e["kind"] == kind)


def open_file(path, signer, payload_path):
    keys = load_keys()
    try:
        parts = read_bundle(pathlib.Path(path).read_bytes())
        verify_bundle(parts, ed25519_public(keys[signer]["signing"]))
        payload = open_bundle(parts, keys[other(signer)]["agreement"])
    except Refused as error:
        print(f"refused: {error}", file=sys.stderr)
        return 1
    if payload_path:
        if payload != pathlib.Path(payload_path).read_bytes():
            print(f"the bundle opens to other bytes than {payload_path}", file=sys.stderr)
            return 1
        print(f"ok    {path}: signed by the {signer}'s key, opens to {payload_path} exactly")
        return 0
    sys.stdout.buffer.write(payload)
    return 0


def seal_file(out, kind):
    keys = load_keys()
    entry = entry_of(kind)
    data = seal_bundle((BUNDLES / entry["header"]).read_bytes(), (BUNDLES / entry["payload"]).read_bytes(),
                       keys[entry["signer"]]["signing"], x25519_public(keys[entry["recipient"]]["agreement"]), os.urandom(32))
    pathlib.Path(out).write_bytes(data)
    return 0


# --- writing the vectors ----------------------------------------------------------------------

REQUEST_ID = "D0D1B0D1-0B5E-4A11-8C1E-000000000001"
REPLY_ID = "D0D1B0D1-0B5E-4A11-8C1E-000000000002"
DEVICE = "dev-3f9a2c1e"


def write_vectors():
    """Headers and payloads made from the golden story's messages (SPEC.md §14): laptop A's
    four change sets of push-request.json carried in a bundle at cursor 6, answered with the
    acknowledgements of push-response.json and the page of pull-response-resolved.json. They
    show the shapes; they are not one moment of the story."""
    keys = load_keys()
    device, server = public_keys(keys, "device"), public_keys(keys, "server")
    story = lambda name: json.loads((VECTORS / name).read_bytes())
    request_header = {"createdAt": 1593651600000, "device": DEVICE, "format": "doudi-bundle", "id": REQUEST_ID, "kind": "request",
                      "protocolVersion": 1, "recipient": server["agreement"], "signer": device["signing"], "version": 1}
    request = {"changeSets": story("push-request.json")["changeSets"], "cursor": 6, "device": DEVICE, "protocolVersion": 1}
    page = story("pull-response-resolved.json")
    reply_header = {"createdAt": 1593669600000, "device": DEVICE, "format": "doudi-bundle", "id": REPLY_ID, "inReplyTo": REQUEST_ID,
                    "kind": "reply", "protocolVersion": 1, "recipient": device["agreement"], "signer": server["signing"], "version": 1}
    units = [{"code": "511011", "kind": "区", "name": "东兴区", "population": 780000},
             {"code": "511011101", "kind": "镇", "name": "椑木镇", "population": 41000},
             {"code": "511011101201", "kind": "村", "name": "五星村", "population": 2300}]
    reply = {"acknowledgements": story("push-response.json")["acknowledgements"], "cursor": page["cursor"], "device": DEVICE,
             "fromCursor": 6, "hasMore": page["hasMore"], "inReplyTo": REQUEST_ID, "orgUnits": units, "pages": [page],
             "protocolVersion": 1}
    files = {"request-header.json": canonical(request_header), "request-payload.json": canonical(request),
             "reply-header.json": canonical(reply_header), "reply-payload.json": canonical(reply)}
    files["request.bundle"] = seal_bundle(files["request-header.json"], files["request-payload.json"], keys["device"]["signing"],
                                          x25519_public(keys["server"]["agreement"]), keys["ephemeral"]["request"])
    files["reply.bundle"] = seal_bundle(files["reply-header.json"], files["reply-payload.json"], keys["server"]["signing"],
                                        x25519_public(keys["device"]["agreement"]), keys["ephemeral"]["reply"])
    statuses = [a["status"] for a in reply["acknowledgements"]]
    files["upload-response.json"] = canonical({
        "accepted": statuses.count("accepted"), "acceptedWithConflicts": statuses.count("acceptedWithConflicts"),
        "changeSets": len(statuses), "conflicts": len(page["conflicts"]), "device": DEVICE, "hasMore": page["hasMore"],
        "records": len(page["records"]), "rejected": statuses.count("rejected"),
        "reply": base64.b64encode(files["reply.bundle"]).decode(), "replyID": REPLY_ID})
    login = story("login-request.json")
    login["deviceKeys"] = device
    files["login-request-keys.json"] = canonical(login)
    answer = story("login-response.json")
    answer["serverKeys"] = server
    files["login-response-keys.json"] = canonical(answer)
    for name, data in files.items():
        (BUNDLES / name).write_bytes(data)
        print(f"wrote vectors/bundle/{name} ({len(data)} bytes)")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--open", metavar="FILE")
    parser.add_argument("--signer", choices=["device", "server"], default="device")
    parser.add_argument("--payload", metavar="FILE")
    parser.add_argument("--seal", metavar="OUT")
    parser.add_argument("--kind", choices=["request", "reply"], default="request")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    if args.open:
        return open_file(args.open, args.signer, args.payload)
    if args.seal:
        return seal_file(args.seal, args.kind)
    if args.write:
        return write_vectors()
    return check_vectors()


if __name__ == "__main__":
    sys.exit(main())
