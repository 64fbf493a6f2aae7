"""The plan document's standards: :class:`lode_common.document_node.DocumentNode` raising
:class:`~.errors.StandardsDocumentInvalid`. :mod:`.standards` knows the keys."""

from __future__ import annotations

from lode_common.document_node import DocumentNode as _Node

from .errors import StandardsDocumentInvalid


class DocumentNode(_Node):
    __slots__ = ()
    invalid = StandardsDocumentInvalid
