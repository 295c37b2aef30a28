"""The newsroom web app and HTTP API: ``create_app`` builds it, ``storyline serve`` runs it."""

from storyline.web.app import create_app

__all__ = ["create_app"]
