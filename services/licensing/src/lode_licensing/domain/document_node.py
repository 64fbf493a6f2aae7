"""The plan document read as rules: :class:`lode_common.document_node.DocumentNode` raising
:class:`~.errors.RuleDocumentInvalid`. :mod:`.plan_rules` knows the keys."""

from __future__ import annotations

from lode_common.document_node import DocumentNode as _Node

from .errors import RuleDocumentInvalid


class DocumentNode(_Node):
    __slots__ = ()
    invalid = RuleDocumentInvalid
    text_accepts_float = True  # as the plan rules have always read it: ``1.5`` is "1.5"
