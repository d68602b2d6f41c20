"""Tests of tracelib.gs1."""
