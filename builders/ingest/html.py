"""Is a decoded page HTML? (The extract stage, builders/extract/, turns HTML into blocks.)"""

from __future__ import annotations

import re

_DOCTYPE = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>]|head[\s>])", re.I | re.S
)
_BLOCK_TAG = re.compile(
    r"<(?:p|div|br|li|h[1-6]|table|tr|td|body|meta|title|span|a|ul|article|section)\b[^>]*>", re.I
)


def looks_like_html(text: str) -> bool:
    """True for an HTML document (doctype / <html> / <head> at the start, or dense markup).

    A plain-text page with a stray ``</p>`` or two is not HTML: the repairs remove those."""
    head = text[:4096]
    if _DOCTYPE.match(head):
        return True
    tags = _BLOCK_TAG.findall(head)
    if len(tags) < 5:
        return False
    markup = sum(len(t) for t in tags)
    return markup >= 0.05 * len(head.strip())
