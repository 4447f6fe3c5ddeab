"""AnswersConfig / PromptTemplate validation: clear errors listing what is valid."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from ragshift.harness.answers import AnswersConfig, PromptTemplate, parse_answer_metrics
from ragshift.harness.answers.metrics import DEFAULT_METRICS, MENU
from ragshift.harness.config import RunConfig, load_config
from ragshift.harness.errors import ConfigError

JUDGE = {"base_url": "http://127.0.0.1:8000/v1", "model": "judge"}


def test_defaults_are_offline_and_valid():
    config = AnswersConfig()
    assert config.generator.kind == "smollm2" and config.judge is None
    assert config.metrics == DEFAULT_METRICS and not any(MENU[m].judged for m in config.metrics)


def test_unknown_metric_lists_the_menu():
    with pytest.raises(ValidationError, match=r"unknown answer metric 'answer\.bleu'; valid: ctx\.precision, .*judge\.context_recall"):
        AnswersConfig(metrics=["answer.rouge_l", "answer.bleu"])


def test_metric_names_are_case_insensitive_and_unique():
    assert parse_answer_metrics(["Answer.ROUGE_L"]) == ("answer.rouge_l",)
    with pytest.raises(ConfigError, match="listed twice"):
        parse_answer_metrics(["answer.rouge_l", "answer.rouge_l"])
    with pytest.raises(ConfigError, match="no answer metrics"):
        parse_answer_metrics([])


def test_judged_metrics_need_a_judge():
    with pytest.raises(ValidationError, match=r"judge\.faithfulness: LLM-judged, so \[answers\.judge\]"):
        AnswersConfig(metrics=["judge.faithfulness"])
    assert AnswersConfig(metrics=["judge.faithfulness"], judge=JUDGE).judge.model == "judge"


def test_answer_relevancy_needs_an_embedding_model():
    with pytest.raises(ValidationError, match="embedding_model"):
        AnswersConfig(metrics=["judge.answer_relevancy"], judge=JUDGE)
    AnswersConfig(metrics=["judge.answer_relevancy"], judge={**JUDGE, "embedding_model": "emb"})


def test_repeats_only_with_judged_metrics():
    with pytest.raises(ValidationError, match="repeats applies to judge"):
        AnswersConfig(repeats=3)
    assert AnswersConfig(metrics=["judge.faithfulness"], judge=JUDGE, repeats=3).repeats == 3


@pytest.mark.parametrize(
    ("generator", "message"),
    [
        ({"kind": "openai", "model": "m"}, 'kind = "openai" needs base_url'),
        ({"kind": "smollm2", "base_url": "http://x"}, "'base_url' not used by kind = \"smollm2\"; it uses: max_new_tokens"),
        ({"kind": "llamaindex", "class_path": "no colon"}, "must look like"),
        ({"kind": "gpt"}, "smollm2"),
        ({"temperatur": 0}, "temperatur"),
    ],
)
def test_generator_errors(generator, message):
    with pytest.raises(ValidationError, match=message):
        AnswersConfig(generator=generator)


def test_openai_generator_reads_its_key_from_the_environment(monkeypatch):
    monkeypatch.setenv("MY_KEY", "sekret")
    config = AnswersConfig(generator={"kind": "openai", "base_url": "http://h/v1", "model": "m", "api_key_env": "MY_KEY"})
    options = config.generator.adapter_options()
    assert options["api_key"] == "sekret" and "api_key_env" not in options and "prompt_template" not in options


def test_config_is_frozen_and_hashable():
    config = AnswersConfig()
    with pytest.raises(ValidationError):
        config.top_k = 5
    assert hash(config) == hash(AnswersConfig())


def test_prompt_template_renders_chat_messages():
    template = PromptTemplate(system="Be brief.", user="Q: {question}\nC: {context}", separator=" | ")
    assert template.render("why?", ["a", "b"]) == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Q: why?\nC: a | b"},
    ]
    assert PromptTemplate(system="").render("q", ["c"]) == [{"role": "user", "content": "Context: c\nQuestion: q"}]


def test_prompt_template_is_part_of_the_fingerprint():
    base = PromptTemplate()
    assert base.fingerprint() == PromptTemplate().fingerprint()
    assert PromptTemplate(system="Answer in French.").fingerprint() != base.fingerprint()


@pytest.mark.parametrize(
    ("user", "message"),
    [
        ("Context: {context}", r"must contain \{question\}"),
        ("{context} {question} {date}", r"unknown placeholder\(s\) \['date'\]"),
        ("{context} {question} {", "not a valid format string"),
    ],
)
def test_prompt_template_errors(user, message):
    with pytest.raises(ValidationError, match=message):
        PromptTemplate(user=user)


class WithAnswers(RunConfig):
    answers: AnswersConfig | None = None


BASE = '[corpus]\npath = "kb"\n\n[[embedders]]\nname = "base"\n'


def test_loads_as_a_run_config_section(tmp_path):
    path = tmp_path / "run.toml"
    path.write_text(
        BASE + '[answers]\nmetrics = ["answer.rouge_l", "judge.faithfulness"]\ntop_k = 2\n'
        '[answers.generator]\nkind = "openai"\nbase_url = "http://localhost:8000/v1"\nmodel = "m"\n'
        '[answers.generator.prompt_template]\nsystem = "Be brief."\n'
        '[answers.judge]\nbase_url = "http://localhost:9000/v1"\nmodel = "j"\n'
    )
    answers = load_config(path, model=WithAnswers).answers
    assert answers.top_k == 2 and answers.judge.model == "j" and answers.generator.prompt_template.system == "Be brief."
    assert load_config(path, model=WithAnswers).fingerprint() != load_config(
        _write(tmp_path / "other.toml", path.read_text().replace("Be brief.", "Be terse.")), model=WithAnswers
    ).fingerprint()


def _write(path, text):
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ('[answers]\nmetrics = ["answer.rouge"]\n', r"\[answers\] metrics: unknown answer metric 'answer.rouge'; valid: ctx.precision"),
        ("[answers]\ntopk = 3\n", r"\[answers\] unknown key 'topk'; valid keys: generator, judge, metrics, top_k, repeats"),
        ('[answers.generator]\nkind = "openai"\nmodle = "x"\n', r"unknown key 'generator.modle'; valid keys: kind, base_url"),
    ],
)
def test_errors_name_the_file_section_and_valid_choices(tmp_path, section, message):
    with pytest.raises(ConfigError, match=message):
        load_config(_write(tmp_path / "run.toml", BASE + section), model=WithAnswers)
