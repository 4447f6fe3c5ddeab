"""Fine-tuning backends (sentence-transformers): full fine-tune and the query-side adapter."""
