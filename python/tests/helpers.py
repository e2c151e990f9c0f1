"""Row comparison shared by the tests."""
import numpy as np

PROBABILITY_ATOL = 1e-6


def assert_same_rows(actual, expected):
    """Every path in both, with equal labels, indices and errors, and probabilities within 1e-6."""
    assert sorted(actual) == sorted(expected)
    for path, want in expected.items():
        got = actual[path]
        for column in ("label", "class_index", "top_k_labels", "top_k_indices", "error"):
            assert got[column] == want[column], f"{path}: {column} {got[column]!r} != {want[column]!r}"
        if want["error"] is None:
            np.testing.assert_allclose(got["top_k_probs"], want["top_k_probs"], rtol=0, atol=PROBABILITY_ATOL,
                                       err_msg=path)
            np.testing.assert_allclose(got["confidence"], want["confidence"], rtol=0, atol=PROBABILITY_ATOL,
                                       err_msg=path)
        else:
            assert got["top_k_probs"] is None and got["confidence"] is None, path
