"""Fine-tuning, light side: config, training data from qrels, mining over vectors, leakage guard,
dev curves and the model card. The training itself (torch) lives in ``ragshift.adapters.training`` and is
imported lazily by :func:`ragshift.harness.finetune.run.run_finetune`."""
