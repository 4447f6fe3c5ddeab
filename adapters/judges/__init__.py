"""Answer-quality scorers: ragas' non-LLM metrics (offline) and ragas' LLM metrics behind a judge endpoint."""
