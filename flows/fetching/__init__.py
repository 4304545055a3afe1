"""Network I/O of the pipeline: a guarded, polite HTTP client (httpx) and robots.txt."""
