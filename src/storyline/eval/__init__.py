"""Scoring of pipeline stages against labelled data."""
