"""Check an analyze directory's stix.json with the OASIS tools: stix2-validator (the
STIX 2.1 schemas and the spec's MUST rules) and stix2 (parses every object, no custom
content allowed). Prints a JSON summary; exits 1 on any validation error.

Usage: python check_stix.py ANALYZE_DIR
"""

import collections
import json
import sys
from pathlib import Path

import stix2
from stix2validator import ValidationOptions, validate_file


def main() -> int:
    path = Path(sys.argv[1]) / "stix.json"
    results = validate_file(str(path), ValidationOptions(version="2.1"))
    errors = []
    warnings = 0
    for obj in results.object_results:
        errors.extend(f"{obj.object_id}: {e}" for e in obj.errors)
        warnings += len(obj.warnings)
    if results.fatal is not None:
        errors.append(f"fatal: {results.fatal}")
    bundle = stix2.parse(path.read_text(encoding="utf-8"), allow_custom=False)
    types = collections.Counter(o.type for o in bundle.objects)
    techniques = sorted(
        {
            r.external_id
            for o in bundle.objects
            if o.type == "attack-pattern"
            for r in o.external_references
            if r.source_name == "DISARM"
        }
    )
    print(
        json.dumps(
            {
                "valid": bool(results.is_valid) and not errors,
                "errors": errors[:20],
                "warnings": warnings,
                "types": dict(sorted(types.items())),
                "techniques": techniques,
            }
        )
    )
    return 0 if results.is_valid and not errors else 1


if __name__ == "__main__":
    sys.exit(main())
