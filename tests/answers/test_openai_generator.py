"""The OpenAI-compatible generator (LlamaIndex OpenAILike) against a real HTTP server on loopback."""

from __future__ import annotations

import json
import urllib.request

import pytest

from ragshift.adapters.generators.factory import build_generator, build_llamaindex
from ragshift.harness.answers import AnswersConfig, PromptTemplate
from ragshift.harness.errors import ConfigError, RagshiftError
from ragshift.harness.testing.answer_contracts import GeneratorContract


def openai_generator(server, **overrides):
    options = {"base_url": server.base_url, "model": "rules", "api_key": "sekret", "timeout": 5, "max_retries": 0}
    return build_generator("openai", **{**options, **overrides})


class TestOpenAIGeneratorContract(GeneratorContract):
    @pytest.fixture
    def make_generator(self, server):
        return lambda: openai_generator(server)


def test_server_lists_its_model(server):
    with urllib.request.urlopen(server.base_url + "/models", timeout=5) as response:
        assert json.load(response)["data"][0]["id"] == "rules"


def test_sends_the_rendered_prompt_model_and_decoding_settings(server):
    messages = PromptTemplate().render("When was it finished?", ["It was finished in 1889.", "Rome is old."])
    assert openai_generator(server, max_new_tokens=20).generate([messages]) == ["It was finished in 1889."]
    (request,) = server.state.chat_requests()
    assert request["messages"] == messages
    assert request["model"] == "rules" and request["max_tokens"] == 20 and request["temperature"] == 0.0


def test_config_builds_the_same_generator(server, monkeypatch):
    monkeypatch.setenv("JUDGE_KEY", "k")
    config = AnswersConfig(generator={"kind": "openai", "base_url": server.base_url, "model": "rules", "api_key_env": "JUDGE_KEY"})
    generator = build_generator(config.generator.kind, **config.generator.adapter_options())
    assert generator.fingerprint() == openai_generator(server, timeout=60, max_retries=2, max_new_tokens=48).fingerprint()


def test_fingerprint_tracks_model_and_decoding_not_transport_or_key(server):
    base = openai_generator(server).fingerprint()
    assert openai_generator(server, timeout=30, max_retries=3, api_key="other").fingerprint() == base
    assert openai_generator(server, model="other").fingerprint() != base
    assert openai_generator(server, temperature=0.7).fingerprint() != base
    assert openai_generator(server, max_new_tokens=8).fingerprint() != base
    assert "sekret" not in json.dumps(openai_generator(server).describe())


def test_server_error_names_the_model(server):
    server.reset(failures=[500])
    with pytest.raises(RagshiftError, match="generator rules failed: InternalServerError"):
        openai_generator(server).generate([PromptTemplate().render("q", ["c"])])


def test_unreachable_server_is_an_error():
    generator = build_generator("openai", base_url="http://127.0.0.1:9/v1", model="m", timeout=2, max_retries=0)
    with pytest.raises(RagshiftError, match="generator m failed"):
        generator.generate([PromptTemplate().render("q", ["c"])])


def test_llamaindex_kind_builds_any_llm_from_a_class_path():
    generator = build_llamaindex(class_path="llama_index.core.llms.mock:MockLLM", max_tokens=4)
    (answer,) = generator.generate([PromptTemplate().render("q", ["c"])])
    assert isinstance(answer, str) and answer
    assert generator.describe()["class"].endswith("MockLLM")
    with pytest.raises(ConfigError, match="cannot import class_path"):
        build_llamaindex(class_path="nowhere.module:LLM")
    with pytest.raises(RagshiftError, match="expected a LlamaIndex LLM"):
        build_llamaindex(class_path="collections:OrderedDict")


def test_unknown_kind_lists_the_valid_ones():
    with pytest.raises(ConfigError, match="valid kinds: smollm2, openai, llamaindex"):
        build_generator("gpt")
