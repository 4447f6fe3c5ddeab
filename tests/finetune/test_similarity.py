"""Near-duplicate detection by character-trigram Jaccard."""

from __future__ import annotations

from ragshift.harness.finetune.similarity import duplicate_groups, normalize_text, similar_pairs


def test_normalisation_ignores_case_punctuation_and_spacing() -> None:
    assert normalize_text("  How do I RESET my password?! ") == "how do i reset my password"


def test_identical_after_normalisation_scores_one() -> None:
    assert similar_pairs(["Reset my password?"], ["reset  my password"], threshold=0.99) == [(0, 0, 1.0)]


def test_one_word_edit_is_near_identical_but_other_topics_are_not() -> None:
    left = ["Obesity decreases life quality in adults."]
    right = ["Obesity increases life quality in adults.", "The cafeteria serves lunch at noon."]
    pairs = similar_pairs(left, right, threshold=0.7)
    assert [(i, j) for i, j, _ in pairs] == [(0, 0)]
    assert 0.7 <= pairs[0][2] < 1.0


def test_pairs_within_one_list_are_upper_triangle() -> None:
    texts = ["alpha beta gamma", "Alpha beta gamma!", "something else entirely"]
    assert [(i, j) for i, j, _ in similar_pairs(texts, threshold=0.9)] == [(0, 1)]


def test_groups_are_transitive() -> None:
    a = "the quick brown fox jumps over the lazy dog"
    texts = [a, a + " today", a + " today again", "completely unrelated sentence here"]
    groups = duplicate_groups(texts, threshold=0.75)
    assert groups[0] == groups[1] == groups[2] != groups[3]


def test_empty_inputs() -> None:
    assert similar_pairs([], ["x"], threshold=0.5) == []
    assert duplicate_groups([], threshold=0.5) == []
