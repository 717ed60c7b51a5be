"""The password the PAM audits change to: one the policy accepts whatever the draw."""

from itertools import pairwise

from workplace.validation.checks import policy_password


def test_policy_password_never_has_neighbours_one_code_point_apart() -> None:
    # cracklib lowercases, then counts neighbours one code point apart ("qr", "21"): more than
    # 3 + 0.09 x length of them and the password is "too simplistic/systematic". A random string of 29
    # characters had six now and then, and a PAM audit failed though the policy was in place.
    for _ in range(2000):
        password = policy_password()
        assert len(password) == 24
        lowered = password.lower()
        assert [a + b for a, b in pairwise(lowered) if abs(ord(a) - ord(b)) == 1] == [], password
    assert len({policy_password() for _ in range(100)}) == 100
