"""Shipping a fine-tuned embedder safely: serving collections and aliases, promotion, shadow replay."""
