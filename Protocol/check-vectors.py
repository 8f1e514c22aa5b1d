#!/usr/bin/env python3
"""Checks Doudi's protocol documents (Protocol/):

1. every JSON Schema in schemas/ is a valid JSON Schema 2020-12 document;
2. every golden vector in vectors/ (listed in vectors/manifest.json) validates against its
   schema and is in canonical form (SPEC.md §3): Python's own canonical writer
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
    must_fail("a change set of protocol version 2", "ChangeSet.schema.json", mutated(cs, lambda v: v.update(protocolVersion=2)))
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
