// Placeholder so the tree builds while the ingest module is written.
