"""How to cite a release: one BibTeX entry and one APA line, for the card and ``croissant.json``
(``citeAs``), made from ``builders/config.yaml`` and the release's version and date."""

from __future__ import annotations

from typing import Any


def hub_url(dataset: dict[str, Any]) -> str:
    return f"https://huggingface.co/datasets/{dataset['hub_repo']}"


def bibtex(dataset: dict[str, Any], creator: str, version: str, published: str) -> str:
    """A ``@misc`` entry; the key names the dataset and the version (one entry per release)."""
    key = f"{dataset['name']}_{version}".replace("-", "_").replace(".", "_")
    url = hub_url(dataset)
    fields = [
        ("title", f"{{{dataset['pretty_name']}}}"),
        ("author", f"{{{{{creator}}}}}"),  # double braces: an organisation, not "Last, First"
        ("year", f"{{{published[:4]}}}"),
        ("version", f"{{{version}}}"),
        ("publisher", "{Hugging Face}"),
        ("howpublished", f"{{\\url{{{url}}}}}"),
        ("note", f"{{Revision v{version}, released {published}}}"),
    ]
    width = max(len(name) for name, _ in fields)
    body = ",\n".join(f"  {name.ljust(width)} = {value}" for name, value in fields)
    return f"@misc{{{key},\n{body}\n}}"


def apa(dataset: dict[str, Any], creator: str, version: str, published: str) -> str:
    return (
        f"{creator}. ({published[:4]}). *{dataset['pretty_name']}* (Version {version}) [Data set]. "
        f"Hugging Face. {hub_url(dataset)}"
    )
