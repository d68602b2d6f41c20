"""Tests of tracelib.epcis."""
