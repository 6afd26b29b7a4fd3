"""The DICOM Audit Message Schema (PS3.15 A.5.1) as lxml reads it, for validating what Rampart writes.

docs/audit/audit-message.rng is generated from the published compact schema by
Scripts/generate-audit-schema.py.
"""

from __future__ import annotations

import functools
import os

from lxml import etree

SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "audit", "audit-message.rng")


@functools.cache
def _schema() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(SCHEMA))


def validate_audit_xml(text: str) -> list[str]:
    """The schema's complaints about one audit message; empty when it is valid."""
    try:
        document = etree.fromstring(text.encode("utf-8"))
    except etree.XMLSyntaxError as error:
        return [f"not well-formed XML: {error}"]
    schema = _schema()
    if schema.validate(document):
        return []
    return [f"line {entry.line}: {entry.message}" for entry in schema.error_log]
