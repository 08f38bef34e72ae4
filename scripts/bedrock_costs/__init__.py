"""Shared library for the bedrock-costs scripts: ARNs, sessions, policies and CLI helpers."""
