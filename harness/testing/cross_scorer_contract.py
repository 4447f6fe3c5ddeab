"""Contract tests every CrossScorer passes: subclass ``CrossScorerContract`` and provide ``make_scorer``.

``make_scorer()`` builds the scorer under test (a fresh instance per call; a subclass may share the
loaded model). Set ``ranks_relevance = False`` for a model with random weights and ``atol`` to the
tolerance of a score computed alone against the same pair scored in a batch.
"""

from __future__ import annotations

import json
import math
from typing import Callable, ClassVar

from ragshift.harness.testing.pytest_compat import fixture, pytest

from ragshift.harness.protocols import CrossScorer

MakeScorer = Callable[[], CrossScorer]

QUERY = "How do I reset my password?"
RELEVANT = "To reset your password, open account settings and choose reset password."
UNRELATED = "The cafeteria serves hot lunch from noon until two."
PAIRS = (
    (QUERY, RELEVANT),
    (QUERY, UNRELATED),
    ("when will my refund arrive", "Refunds take five to seven days to appear on your statement."),
    ("when will my refund arrive", "Reset the router by holding the button for ten seconds, then wait a minute."),
)


class CrossScorerContract:
    ranks_relevance: ClassVar[bool] = True
    atol: ClassVar[float] = 1e-4

    def test_implements_protocol(self, make_scorer: MakeScorer) -> None:
        assert isinstance(make_scorer(), CrossScorer)

    def test_one_finite_float_per_pair(self, make_scorer: MakeScorer) -> None:
        for count in (0, 1, 4):
            scores = make_scorer().score(list(PAIRS[:count]))
            assert isinstance(scores, list) and len(scores) == count
            assert all(isinstance(s, float) and math.isfinite(s) for s in scores)

    def test_deterministic_and_independent_of_the_other_pairs(self, make_scorer: MakeScorer) -> None:
        scorer = make_scorer()
        together = scorer.score(list(PAIRS))
        assert scorer.score(list(PAIRS)) == pytest.approx(together, abs=self.atol)
        assert scorer.score(list(reversed(PAIRS))) == pytest.approx(list(reversed(together)), abs=self.atol)
        alone = [scorer.score([pair])[0] for pair in PAIRS]
        assert alone == pytest.approx(together, abs=self.atol)

    def test_relevant_passage_scores_higher(self, make_scorer: MakeScorer) -> None:
        if not self.ranks_relevance:
            pytest.skip("this scorer's weights carry no meaning")
        scores = make_scorer().score(list(PAIRS))
        assert scores[0] > scores[1]
        assert scores[2] > scores[3]

    def test_fingerprint_stable_across_instances(self, make_scorer: MakeScorer) -> None:
        first, second = make_scorer().fingerprint(), make_scorer().fingerprint()
        assert isinstance(first, str) and first
        assert first == second

    def test_describe_is_json(self, make_scorer: MakeScorer) -> None:
        description = dict(make_scorer().describe())
        assert json.loads(json.dumps(description)) == description
