"""Validates JSON instances against schemas of OpenAPI 3.0 documents, with
openapi-schema-validator's OAS30Validator (OpenAPI 3.0.3 semantics: `nullable`
only beside `type`, formats checked).

Used by `tests/tests/spec_examples.rs`, which decides what to validate and
what the verdicts must be. Reads one JSON object from the file named by the
first argument:

    {"documents": {NAME: DOCUMENT, ...},
     "cases": [{"name": ..., "document": NAME, "pointer": "#/...", "instance": ...}, ...]}

and prints one JSON list: `[{"name": ..., "errors": [message, ...]}, ...]`, an
empty `errors` for a valid instance. A pointer that does not resolve is an
error of its case, not a crash.
"""

import json
import sys

from openapi_schema_validator import OAS30Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        job = json.load(f)
    registry = Registry()
    for name, document in job["documents"].items():
        resource = Resource.from_contents(document, default_specification=DRAFT4)
        registry = registry.with_resource(f"urn:{name}", resource)
    results = []
    for case in job["cases"]:
        # A reference into the document, so that the `$ref`s inside the
        # schema resolve against the document it is in.
        schema = {"$ref": f"urn:{case['document']}{case['pointer']}"}
        validator = OAS30Validator(
            schema, registry=registry, format_checker=OAS30Validator.FORMAT_CHECKER
        )
        try:
            errors = [
                f"{'/'.join(str(p) for p in e.absolute_path) or '(root)'}: {e.message}"
                for e in validator.iter_errors(case["instance"])
            ]
        except Exception as e:  # an unresolvable pointer or reference
            first_line = str(e).splitlines()[0] if str(e) else ""
            errors = [f"cannot validate: {type(e).__name__}: {first_line[:300]}"]
        results.append({"name": case["name"], "errors": errors})
    json.dump(results, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
