#!/usr/bin/env python3
"""Checks Doudi's protocol documents (Protocol/):

1. every JSON Schema in schemas/ is a valid JSON Schema 2020-12 document;
2. every golden vector in vectors/ (listed in vectors/manifest.json; and vectors/recorded/,
   vectors/bundle/ with their own manifests) validates against its schema and is in canonical form (SPEC.md §3): Python's own canonical writer
   (json.dumps with sorted keys, no spaces, no ASCII escaping) gives exactly its bytes;
3. mutated vectors that break the protocol are refused by the schemas (the schemas are strict);
4. openapi.yaml is a valid OpenAPI 3.1 document whose references resolve
   (needs openapi-spec-validator; skipped with a note otherwise).

Needs: pip install jsonschema   (and, for 4: pip install openapi-spec-validator)
Run:   python3 Protocol/check-vectors.py        (exit status 0 when everything holds)
The Swift test GoldenVectorTests runs this script when python3 and jsonschema are installed.
"""

import copy
import json
import pathlib
import sys

try:
    import jsonschema
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012
except ImportError:  # pragma: no cover
    print("check-vectors.py needs the jsonschema package: pip install jsonschema", file=sys.stderr)
    sys.exit(2)

HERE = pathlib.Path(__file__).resolve().parent
SCHEMAS = HERE / "schemas"
VECTORS = HERE / "vectors"

failures = []


def fail(message):
    failures.append(message)
    print("FAIL  " + message)


def ok(message):
    print("ok    " + message)


# --- 1. schemas -------------------------------------------------------------------------

def load_registry():
    resources = []
    for path in sorted(SCHEMAS.glob("*.schema.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        try:
            jsonschema.Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as error:
            fail(f"{path.name} is not a valid JSON Schema 2020-12: {error.message}")
            continue
        if schema.get("$id") != path.name:
            fail(f"{path.name}: $id must be its file name, not {schema.get('$id')!r}")
        resources.append((path.name, Resource.from_contents(schema, default_specification=DRAFT202012)))
    registry = Registry().with_resources(resources)
    for name, resource in resources:
        resolver = registry.resolver(base_uri=name)
        for ref in sorted(refs_in(resource.contents)):
            try:
                resolver.lookup(ref)
            except Exception as error:  # referencing raises several kinds
                fail(f"{name}: $ref {ref} does not resolve: {type(error).__name__}")
    ok(f"{len(resources)} schemas are valid JSON Schema 2020-12 and their references resolve")
    return registry


def refs_in(node):
    """Every $ref string in a JSON document."""
    found = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                found.add(value)
            found |= refs_in(value)
    elif isinstance(node, list):
        for item in node:
            found |= refs_in(item)
    return found


REGISTRY = load_registry()


def validator(schema_name):
    schema = json.loads((SCHEMAS / schema_name).read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema, registry=REGISTRY, format_checker=jsonschema.FormatChecker())


def errors(schema_name, instance):
    try:
        return sorted(validator(schema_name).iter_errors(instance), key=lambda e: list(e.absolute_path))
    except Exception as error:  # an unresolvable reference, reported by load_registry
        return [jsonschema.ValidationError(f"cannot validate against {schema_name}: {type(error).__name__}")]


def canonical(value):
    """The canonical form of SPEC.md §3, written by Python: sorted keys (code point order),
    no whitespace, only the escapes JSON requires (\\" \\\\ \\b \\f \\n \\r \\t \\u00xx), UTF-8."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False).encode("utf-8")


def reject_floats(text):
    return json.loads(text, parse_float=lambda s: (_ for _ in ()).throw(ValueError(f"fractional number {s} in a vector")),
                      parse_constant=lambda s: (_ for _ in ()).throw(ValueError(f"{s} in a vector")))


# --- 2. vectors -------------------------------------------------------------------------

manifest = json.loads((VECTORS / "manifest.json").read_text(encoding="utf-8"))
listed = {entry["file"] for entry in manifest["vectors"]}
present = {p.name for p in VECTORS.glob("*.json")} - {"manifest.json"}
if listed != present:
    fail(f"vectors/manifest.json lists {sorted(listed - present)} that do not exist and misses {sorted(present - listed)}")

loaded = {}
for entry in manifest["vectors"]:
    name = entry["file"]
    raw = (VECTORS / name).read_bytes()
    try:
        value = reject_floats(raw.decode("utf-8"))
    except ValueError as error:
        fail(f"{name}: {error}")
        continue
    loaded[name] = value
    problems = errors(entry["schema"], value)
    for problem in problems:
        fail(f"{name} against {entry['schema']}: at /{'/'.join(map(str, problem.absolute_path))}: {problem.message}")
    if raw != canonical(value):
        fail(f"{name} is not in canonical form (SPEC.md §3): sorted keys, no whitespace, no trailing newline")
    if not problems and raw == canonical(value):
        ok(f"{name} is a valid {entry['type']} in canonical form")


# --- 2b. recorded vectors (vectors/recorded/: from a run of the real programs) -------------

def check_listed(folder, entries):
    """Each vector a manifest of `folder` lists: it satisfies its schema and is in canonical form."""
    for entry in entries:
        name = entry["file"]
        raw = (VECTORS / folder / name).read_bytes()
        try:
            value = reject_floats(raw.decode("utf-8"))
        except ValueError as error:
            fail(f"{folder}/{name}: {error}")
            continue
        loaded[f"{folder}/{name}"] = value
        problems = errors(entry["schema"], value)
        for problem in problems:
            fail(f"{folder}/{name} against {entry['schema']}: at /{'/'.join(map(str, problem.absolute_path))}: {problem.message}")
        if raw != canonical(value):
            fail(f"{folder}/{name} is not in canonical form (SPEC.md §3)")
        if not problems and raw == canonical(value):
            ok(f"{folder}/{name} is a valid {entry['type']} in canonical form")


RECORDED = VECTORS / "recorded"
if (RECORDED / "manifest.json").exists():
    recorded = json.loads((RECORDED / "manifest.json").read_text(encoding="utf-8"))
    listed = {entry["file"] for entry in recorded["vectors"]}
    present = {p.name for p in RECORDED.glob("*.json")} - {"manifest.json"}
    if listed != present:
        fail(f"vectors/recorded/manifest.json lists {sorted(listed - present)} that do not exist and misses {sorted(present - listed)}")
    check_listed("recorded", recorded["vectors"])


# --- 2d. bundle vectors (vectors/bundle/: SPEC.md §15) ------------------------------------
# Only their JSON files are checked here (schema, canonical form); the .bundle files, binary,
# and keys.json are checked by check-bundle-vectors.py.

BUNDLE = VECTORS / "bundle"
if (BUNDLE / "manifest.json").exists():
    bundle_manifest = json.loads((BUNDLE / "manifest.json").read_text(encoding="utf-8"))
    listed = {entry["file"] for entry in bundle_manifest["vectors"]}
    present = {p.name for p in BUNDLE.glob("*.json")} - {"manifest.json", bundle_manifest.get("keys", "keys.json")}
    if listed != present:
        fail(f"vectors/bundle/manifest.json lists {sorted(listed - present)} that do not exist and misses {sorted(present - listed)}")
    for entry in bundle_manifest["bundles"]:
        for name in (entry["file"], entry["header"], entry["payload"]):
            if not (BUNDLE / name).exists():
                fail(f"vectors/bundle/manifest.json names {name}, which does not exist")
    check_listed("bundle", bundle_manifest["vectors"])


# --- 2c. record field values against Records.schema.json (SPEC.md §7.8) --------------------

def record_objects(name, value):
    """(label, entity, object of field values) for every whole record a vector holds: the
    fields of each create in a change set, and the fields of each record version of a page."""
    if "changes" in value:
        for i, change in enumerate(value["changes"]):
            if change["operation"] == "create":
                yield f"{name} changes[{i}]", change["entity"], {f["name"]: f["value"] for f in change["fields"]}
    records = value.get("records", [])
    for i, version in enumerate(records if isinstance(records, list) else []):  # an upload response counts them
        if "values" in version:  # protocol 2's compact form (SPEC.md §9.6)
            yield f"{name} records[{i}]", version["entity"], version["values"]
        else:
            yield f"{name} records[{i}]", version["entity"], {k: v["value"] for k, v in version["fields"].items()}
    change_sets = value.get("changeSets", [])
    for i, change_set in enumerate(change_sets if isinstance(change_sets, list) else []):
        yield from record_objects(f"{name} changeSets[{i}]", change_set)
    for i, page in enumerate(value.get("pages", [])):  # a reply bundle's payload
        yield from record_objects(f"{name} pages[{i}]", page)


def record_errors(entity, instance):
    schema = {"$ref": f"Records.schema.json#/$defs/{entity}"}
    try:
        v = jsonschema.Draft202012Validator(schema, registry=REGISTRY, format_checker=jsonschema.FormatChecker())
        return list(v.iter_errors(instance))
    except Exception as error:
        return [jsonschema.ValidationError(f"cannot validate a {entity} record: {type(error).__name__}: {error}")]


checked = {}
for name, value in loaded.items():
    for label, entity, instance in record_objects(name, value):
        for problem in record_errors(entity, instance):
            fail(f"{label} ({entity}) against Records.schema.json: at /{'/'.join(map(str, problem.absolute_path))}: {problem.message}")
        checked[entity] = checked.get(entity, 0) + 1
ok("record field values satisfy Records.schema.json: " + ", ".join(f"{k} {n}" for k, n in sorted(checked.items())))


def changes_of(value):
    yield from value.get("changes", [])
    change_sets = value.get("changeSets", [])
    for change_set in change_sets if isinstance(change_sets, list) else []:
        yield from change_set.get("changes", [])


fields_checked = 0
for name, value in loaded.items():
    for change in changes_of(value):
        if change["operation"] == "create":
            continue
        for field in change["fields"]:
            if field["value"] is None:
                continue  # a field removed (update) or voidReason cleared (restore)
            schema = {"$ref": f"Records.schema.json#/$defs/{change['entity']}/properties/{field['name']}"}
            try:
                problems = list(jsonschema.Draft202012Validator(schema, registry=REGISTRY).iter_errors(field["value"]))
            except Exception as error:
                problems = [jsonschema.ValidationError(f"{change['entity']} has no field {field['name']} in Records.schema.json ({type(error).__name__})")]
            for problem in problems:
                fail(f"{name}: {change['entity']}.{field['name']} ({change['operation']}): {problem.message}")
            fields_checked += 1
ok(f"{fields_checked} fields of updates, voids and restores satisfy their record kinds' field schemas")


# --- 3. the schemas refuse what the protocol refuses -----------------------------------

def must_fail(label, schema_name, instance):
    if errors(schema_name, instance):
        ok(f"refused as it should be: {label}")
    else:
        fail(f"{schema_name} accepts {label}")


def mutated(name, change):
    value = copy.deepcopy(loaded[name])
    change(value)
    return value


if "changeset-update.json" in loaded:
    cs = "changeset-update.json"
    must_fail("a change set of protocol version 3", "ChangeSet.schema.json", mutated(cs, lambda v: v.update(protocolVersion=3)))
    must_fail("a change set of protocol version 0", "ChangeSet.schema.json", mutated(cs, lambda v: v.update(protocolVersion=0)))
    must_fail("a member the protocol does not have", "ChangeSet.schema.json", mutated(cs, lambda v: v.update(comment="x")))
    must_fail("a lower-case change-set id", "ChangeSet.schema.json", mutated(cs, lambda v: v.update(id=v["id"].lower())))
    must_fail("sequence 0", "ChangeSet.schema.json", mutated(cs, lambda v: v.update(sequence=0)))
    must_fail("a change set that changes nothing", "ChangeSet.schema.json", mutated(cs, lambda v: v.update(changes=[], resolves=[])))
    must_fail("a fractional field value", "ChangeSet.schema.json",
              mutated(cs, lambda v: v["changes"][0]["fields"][0].update(value=1.5)))
    must_fail("a field value beyond 64 bits", "ChangeSet.schema.json",
              mutated(cs, lambda v: v["changes"][0]["fields"][0].update(value=2 ** 63)))
    must_fail("a stamp as text", "ChangeSet.schema.json",
              mutated(cs, lambda v: v.update(stamp="000001593566400000-0000000000-dev-3f9a2c1e")))
    must_fail("a village code of 8 digits", "ChangeSet.schema.json",
              mutated(cs, lambda v: v["changes"][0].update(village="51101110")))
    must_fail("an unknown role", "ChangeSet.schema.json", mutated(cs, lambda v: v["author"].update(role="mayor")))
    must_fail("a create with a base", "ChangeSet.schema.json",
              mutated("changeset-create.json", lambda v: v["changes"][0].update(base=v["stamp"])))
    must_fail("a create with previous versions", "ChangeSet.schema.json",
              mutated("changeset-create.json", lambda v: v["changes"][0]["fields"][0].update(
                  previous={"value": None, "stamp": v["stamp"]})))
if "changeset-void.json" in loaded:
    must_fail("a void without a reason", "ChangeSet.schema.json",
              mutated("changeset-void.json", lambda v: v["changes"][0]["fields"][0].update(value="")))
    must_fail("a void without a base", "ChangeSet.schema.json",
              mutated("changeset-void.json", lambda v: v["changes"][0].pop("base")))
if "push-response.json" in loaded:
    must_fail("a rejection without a code", "PushResponse.schema.json",
              mutated("push-response.json", lambda v: v["acknowledgements"][3].pop("code")))
    must_fail("an acceptance without a server sequence", "PushResponse.schema.json",
              mutated("push-response.json", lambda v: v["acknowledgements"][1].pop("serverSequence")))
    must_fail("acceptedWithConflicts without conflicts", "PushResponse.schema.json",
              mutated("push-response.json", lambda v: v["acknowledgements"][0].update(conflicts=[])))
if "pull-response.json" in loaded:
    must_fail("a page without hasMore", "PullResponse.schema.json", mutated("pull-response.json", lambda v: v.pop("hasMore")))
    must_fail("an unknown conflict kind", "PullResponse.schema.json",
              mutated("pull-response.json", lambda v: v["conflicts"][0].update(kind="mystery")))

if "pull-response-departures.json" in loaded:
    gone = "pull-response-departures.json"
    must_fail("a departure without its record", "PullResponseV2.schema.json", mutated(gone, lambda v: v["departures"][0].pop("record")))
    must_fail("a departure of an unknown kind", "PullResponseV2.schema.json", mutated(gone, lambda v: v["departures"][0].update(entity="castle")))
    must_fail("a departure saying where it went", "PullResponseV2.schema.json",
              mutated(gone, lambda v: v["departures"][0].update(to="511011101202")))

if "pull-response-v2.json" in loaded and "pull-response.json" in loaded:
    v2 = "pull-response-v2.json"
    must_fail("a compact page without protocolVersion", "PullResponseV2.schema.json", mutated(v2, lambda v: v.pop("protocolVersion")))
    must_fail("a compact record without its stamp", "PullResponseV2.schema.json", mutated(v2, lambda v: v["records"][0].pop("stamp")))
    must_fail("a compact record with protocol 1's fields", "PullResponseV2.schema.json",
              mutated(v2, lambda v: v["records"][0].update(fields=loaded["pull-response.json"]["records"][0]["fields"])))
    must_fail("a protocol-1 page where protocol 2's is expected", "PullResponseV2.schema.json",
              dict(loaded["pull-response.json"], protocolVersion=2))

    # the compact page is the protocol-1 page: every field's value and stamp the same (§9.6)
    def expanded(version):
        common = version["stamp"]
        own = version.get("stamps", {})
        if set(own) - set(version["values"]):
            fail(f"{v2}: stamps names fields not in values: {sorted(set(own) - set(version['values']))}")
        rest = {k: v for k, v in version.items() if k not in ("values", "stamp", "stamps")}
        rest["fields"] = {k: {"stamp": own.get(k, common), "value": value} for k, value in version["values"].items()}
        return rest
    one, two = loaded["pull-response.json"], loaded[v2]
    if [expanded(r) for r in two["records"]] == one["records"] and two["conflicts"] == one["conflicts"] \
            and (two["cursor"], two["hasMore"]) == (one["cursor"], one["hasMore"]):
        ok(f"{v2} expands to exactly the records of pull-response.json (stamps: the exceptions, stamp: the rest)")
    else:
        fail(f"{v2} does not expand to the records of pull-response.json")
    for version in two["records"]:
        counts = {}
        for k in version["values"]:
            key = json.dumps(version.get("stamps", {}).get(k, version["stamp"]), sort_keys=True)
            counts[key] = counts.get(key, 0) + 1
        if counts.get(json.dumps(version["stamp"], sort_keys=True), 0) != max(counts.values()):
            fail(f"{v2}: record {version['record']}: stamp is not the stamp most fields carry")


def must_fail_record(label, entity, instance):
    if record_errors(entity, instance):
        ok(f"refused as it should be: {label}")
    else:
        fail(f"Records.schema.json#/$defs/{entity} accepts {label}")


def created(name, entity):
    for _, kind, instance in record_objects(name, loaded[name]):
        if kind == entity:
            return copy.deepcopy(instance)
    return None


if "recorded/changeset-pay-first.json" in loaded:
    payment = created("recorded/changeset-pay-first.json", "payment")
    must_fail_record("money as a JSON number", "payment", {**payment, "amount": 800})
    must_fail_record("money with one decimal (readers take it; writers write two)", "payment", {**payment, "amount": "800.0"})
    must_fail_record("a payment without fromReserveFund", "payment", {k: v for k, v in payment.items() if k != "fromReserveFund"})
    entry = created("recorded/changeset-pay-first.json", "reserveFundEntry")
    must_fail_record("a reserve-fund entry of an unknown kind", "reserveFundEntry", {**entry, "kind": "loan"})
    must_fail_record("a reserve-fund entry for a village code", "reserveFundEntry", {**entry, "town": "511011101201"})
if "recorded/changeset-stop-payment.json" in loaded:
    decision = created("recorded/changeset-stop-payment.json", "decision")
    must_fail_record("a decision without classifiedAidTiers", "decision", {k: v for k, v in decision.items() if k != "classifiedAidTiers"})
    must_fail_record("a stop payment of no enrolment", "decision",
                     {**decision, "stopPayment": {**decision["stopPayment"], "enrolments": []}})
    must_fail_record("a decision with a field it does not have", "decision", {**decision, "comment": "x"})
if "recorded/changeset-roll-reconcile.json" in loaded:
    bank_return = created("recorded/changeset-roll-reconcile.json", "bankReturn")
    must_fail_record("a bank return of 0.00", "bankReturn", {**bank_return, "amount": "0.00"})
    must_fail_record("a bank return of an unknown outcome", "bankReturn", {**bank_return, "outcome": "pending"})
if "changeset-create.json" in loaded:
    member = created("changeset-create.json", "member")
    must_fail_record("a resident ID number of 17 characters", "member", {**member, "residentID": member["residentID"][:17]})
    must_fail_record("a disability of grade 5", "member", {**member, "disability": {"category": "physical", "grade": 5}})
    household = created("changeset-create.json", "household")
    must_fail_record("a household whose village is a town code", "household", {**household, "village": household["village"][:9]})
if "changeset-workflow-submit.json" in loaded:
    change = loaded["changeset-workflow-submit.json"]["changes"][0]
    history = next(f["value"] for f in change["fields"] if f["name"] == "history")
    bad = copy.deepcopy(history[-1])
    bad["event"] = {"kind": "approve"}
    must_fail_record("an approve step without its terms", "workflow",
                     {"application": change["record"], "programme": "dibao", "village": change["village"],
                      "state": {"stage": "approved"}, "history": [bad]})

if "bundle/request-header.json" in loaded:
    rh = "bundle/request-header.json"
    must_fail("a bundle header of format version 2", "BundleHeader.schema.json", mutated(rh, lambda v: v.update(version=2)))
    must_fail("a request header with inReplyTo", "BundleHeader.schema.json", mutated(rh, lambda v: v.update(inReplyTo=v["id"])))
    must_fail("a bundle header without a signer", "BundleHeader.schema.json", mutated(rh, lambda v: v.pop("signer")))
    must_fail("a bundle key of 31 bytes", "BundleHeader.schema.json", mutated(rh, lambda v: v.update(recipient="A" * 40 + "A==")))
if "bundle/reply-header.json" in loaded:
    must_fail("a reply header without inReplyTo", "BundleHeader.schema.json", mutated("bundle/reply-header.json", lambda v: v.pop("inReplyTo")))
if "bundle/request-payload.json" in loaded:
    must_fail("a request payload without a cursor", "BundleRequest.schema.json", mutated("bundle/request-payload.json", lambda v: v.pop("cursor")))
    must_fail("a request payload with a negative cursor", "BundleRequest.schema.json", mutated("bundle/request-payload.json", lambda v: v.update(cursor=-1)))
if "bundle/reply-payload.json" in loaded:
    must_fail("a reply payload without fromCursor", "BundleReply.schema.json", mutated("bundle/reply-payload.json", lambda v: v.pop("fromCursor")))
    must_fail("a reply page without hasMore", "BundleReply.schema.json", mutated("bundle/reply-payload.json", lambda v: v["pages"][0].pop("hasMore")))
if "bundle/login-request-keys.json" in loaded:
    must_fail("device keys without the agreement key", "LoginRequest.schema.json",
              mutated("bundle/login-request-keys.json", lambda v: v["deviceKeys"].pop("agreement")))

if "error-body.json" in loaded:
    must_fail("an error body without a message", "ErrorBody.schema.json", mutated("error-body.json", lambda v: v.pop("message")))


# --- 4. openapi.yaml --------------------------------------------------------------------

def check_openapi():
    path = HERE / "openapi.yaml"
    if not path.exists():
        fail("openapi.yaml is missing")
        return
    try:
        from openapi_spec_validator import validate
        from openapi_spec_validator.readers import read_from_filename
    except ImportError:
        print("SKIPPED  openapi.yaml not validated: pip install openapi-spec-validator")
        return
    spec, base_uri = read_from_filename(str(path))
    if spec.get("openapi", "")[:3] != "3.1":
        fail(f"openapi.yaml says openapi {spec.get('openapi')!r}; it is an OpenAPI 3.1 document")
    try:
        validate(spec, base_uri=base_uri)
    except Exception as error:  # the validator raises its own error types
        fail(f"openapi.yaml is not a valid OpenAPI 3.1 document: {error}")
        return
    # every $ref to a schema file names one that exists
    refs = {ref.split("#")[0] for ref in refs_in(spec) if not ref.startswith("#")}
    missing = sorted(r for r in refs if not (HERE / r).exists())
    if missing:
        fail(f"openapi.yaml refers to files that do not exist: {missing}")
        return
    ok(f"openapi.yaml is a valid OpenAPI 3.1 document ({len(spec.get('paths', {}))} paths, {len(refs)} schema files referenced)")


check_openapi()

if failures:
    print(f"\n{len(failures)} problem(s)")
    sys.exit(1)
print("\nall protocol checks hold")
