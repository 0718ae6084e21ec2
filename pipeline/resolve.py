"""Candidates from every extractor -> one value per field (placeholder, being built)."""

from __future__ import annotations


def build_fields(text: str):
    return {}, []
