# The two commands a newcomer needs:
#   make demo   fine-tune MiniLM on the bundled corpus, evaluate baseline vs fine-tuned, write an HTML report
#   make test   build the environment from the pinned lock file and run the whole test suite, with a
#               Chroma server on loopback for the client/server tests (scripts/with_chroma_server.sh)
.PHONY: demo test venv clean

export OMP_WAIT_POLICY ?= PASSIVE
export HF_HUB_OFFLINE ?= 1
export ANONYMIZED_TELEMETRY ?= False

venv:
	@scripts/bootstrap.sh

demo: venv
	.venv/bin/ragshift run configs/demo.toml

test:
	@scripts/bootstrap.sh --browser
	scripts/with_chroma_server.sh .venv/bin/python -m pytest

clean:
	rm -rf .ragshift reports/*/ .pytest_cache
