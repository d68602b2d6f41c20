"""Fixtures shared by the portal tests."""

from __future__ import annotations
