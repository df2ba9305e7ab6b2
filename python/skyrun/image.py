"""The platform client's image listing (``skaha.image.Image``, ``canfar.images.Images``)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from .client import Client


class Image:
    """Images the server offers. Arguments are :class:`~skyrun.client.Client`'s (none: the saved settings)."""

    def __init__(self, url: Optional[str] = None, **options: Any) -> None:
        self.client = Client(url, **options)

    def fetch(self, kind: Optional[str] = None) -> List[str]:
        """Image ids (``registry/project/repository:tag``), optionally only those of one session type."""
        return [str(i.get("id")) for i in self.client.images(kind)]

    def details(self, kind: Optional[str] = None) -> List[Dict[str, Any]]:
        """``{id, types, digest}`` of each image."""
        return self.client.images(kind)

    def close(self) -> None:
        self.client.close()


#: canfar's name for the same class.
Images = Image
