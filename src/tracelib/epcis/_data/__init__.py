"""Generated data of tracelib.epcis (see scripts/gen_cbv.py)."""
