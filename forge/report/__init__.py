"""Reports built from the ledger: pure arithmetic here, rendering in forge.cli."""
