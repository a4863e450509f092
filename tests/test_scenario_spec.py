"""The --vary grammar (twin.scenarios.spec): round trips, and every malformed spec is an
OptionError that names the spec; the instance's uncertainty section; seeded draws."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from twin.errors import InstanceError, OptionError
from twin.instance import Instance
from twin.scenarios.sampling import draw
from twin.scenarios.spec import Distribution, Vary, merged, parse_spec, parse_specs

NUMBER = st.floats(-1000, 1000, allow_nan=False, allow_infinity=False)
SPREAD = st.floats(0, 5, allow_nan=False)
IDS = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)


@st.composite
def distributions(draw_: st.DrawFn, op: str) -> Distribution:
    family = draw_(
        st.sampled_from(
            ["normal", "uniform", "triangular", "fixed"] + (["lognormal"] if op == "*=" else [])
        )
    )
    if family in ("normal", "lognormal"):
        return Distribution(family, (draw_(NUMBER), draw_(SPREAD)))
    if family == "fixed":
        return Distribution(family, (draw_(NUMBER),))
    values = sorted(draw_(st.lists(NUMBER, min_size=3, max_size=3)))
    if family == "uniform":
        return Distribution(family, (values[0], values[2]))
    return Distribution(family, tuple(values))


@st.composite
def varies(draw_: st.DrawFn) -> Vary:
    kind = draw_(st.sampled_from(["price", "tariff", "grade", "hardness", "renewable", "outage"]))
    if kind == "outage":
        rate = draw_(st.floats(0, 1))
        hours = draw_(st.none() | st.floats(0.01, 1000))
        params = (rate,) if hours is None else (rate, hours)
        return Vary(kind, draw_(IDS), "=", Distribution("bernoulli", params))
    op = draw_(st.sampled_from(["=", "*="]))
    target = {
        "price": draw_(IDS),
        "grade": f"{draw_(IDS)}.{draw_(st.sampled_from(['Cu', 'S', 'Fe', 'Zn']))}",
        "hardness": draw_(IDS),
    }.get(kind)
    return Vary(kind, target, op, draw_(distributions(op)))


@given(varies())
def test_spec_round_trip(vary):
    assert parse_spec(str(vary)) == vary


@given(varies(), st.sampled_from(["  ", ""]))
def test_spec_ignores_surrounding_space(vary, pad):
    assert parse_spec(pad + str(vary) + pad) == vary


BREAKS = [
    ("kind", lambda s: "bogus" + s[s.index(":") if ":" in s.split("=")[0] else s.index("=") :]),
    ("operator", lambda s: s.replace("=", "~", 1)),
    ("family", lambda s: s.replace("(", "x(", 1) if "(" in s else s + "x"),
    ("count", lambda s: s.replace(")", ",1,2,3)") if "(" in s else s + ",x"),
    ("number", lambda s: s.replace("(", "(abc,", 1) if "(" in s else s[: s.index("=") + 1] + "abc"),
    ("nan", lambda s: s.replace("(", "(nan,", 1) if "(" in s else s[: s.index("=") + 1] + "nan"),
]


@given(varies(), st.sampled_from(BREAKS))
def test_every_malformed_spec_is_an_option_error_naming_it(vary, brk):
    name, corrupt = brk
    bad = corrupt(str(vary))
    with pytest.raises(OptionError) as info:
        parse_spec(bad)
    message = str(info.value)
    assert message.startswith("--vary") and "\n" not in message
    assert repr(bad.strip()) in message or bad.strip() in message


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ("price=normal(0,0.1)", "needs a target"),
        ("tariff:grid=normal(0,0.1)", "takes no target"),
        ("grade:pit=normal(0,0.1)", "SOURCE.ELEMENT"),
        ("tariff=lognormal(0,0.1)", "is a factor"),
        ("price:a=normal(0,-1)", "sigma"),
        ("price:a=uniform(2,1)", "low 2.0 is above high 1.0"),
        ("price:a=triangular(0,2,1)", "low <= mode <= high"),
        ("outage:u=1.5", "rate 1.5"),
        ("outage:u=bernoulli(0.1,0)", "hours 0.0"),
        ("outage:u*=0.1", "outage takes '='"),
        ("price:a=bernoulli(0.1)", "outage:UNIT only"),
        ("price:a=normal(0,1e9)", "at most 1000"),
        ("outage:u=normal(0,1)", "RATE or bernoulli"),
        ("x" * 300, "characters"),
    ],
)
def test_bad_specs_say_what_is_wrong(spec, words):
    with pytest.raises(OptionError, match="--vary") as info:
        parse_spec(spec)
    assert words in str(info.value)


def test_duplicates_and_merge():
    with pytest.raises(OptionError, match="already varied"):
        parse_specs(["tariff=normal(0,0.1)", "tariff*=fixed(1)"])
    own = parse_specs(["tariff=normal(0,0.1)", "price:a=fixed(0)"], "uncertainty.vary")
    cli = parse_specs(["tariff*=fixed(2)", "renewable*=uniform(0.5,1)"])
    assert [str(v) for v in merged(own, cli)] == [
        "tariff*=fixed(2.0)",
        "price:a=fixed(0.0)",
        "renewable*=uniform(0.5,1.0)",
    ]


def test_instance_uncertainty_section(instance_data):
    data = instance_data("tiny_chain.yaml")
    assert Instance.model_validate(data).uncertainty is None  # optional
    data["uncertainty"] = {"vary": ["price:metal_buyer=normal(0,0.1)"], "seed": 4}
    assert Instance.model_validate(data).uncertainty.seed == 4
    data["uncertainty"] = {"vary": ["price:metal_buyer=normal(0,0.1)", "tariff=normal(0,-2)"]}
    with pytest.raises(InstanceError) as info:
        Instance.model_validate(data)
    assert info.value.problems[0].startswith("uncertainty.vary[1]: ")
    assert "sigma" in info.value.problems[0]


@given(st.integers(0, 2**32), st.integers(1, 30), st.integers(1, 7))
def test_draws_do_not_depend_on_blocks(seed, n, size):
    specs = parse_specs(
        ["price:a=normal(0,0.1)", "tariff*=lognormal(0,0.2)", "outage:u=bernoulli(0.2,2)"]
    )
    whole = draw(specs, seed, 0, n, 5, 1.0)
    parts = [draw(specs, seed, first, min(size, n - first), 5, 1.0) for first in range(0, n, size)]
    assert np.array_equal(whole.factors, np.concatenate([p.factors for p in parts]))
    assert np.array_equal(whole.out, np.concatenate([p.out for p in parts]))
    # a spec's draws do not depend on the specs after it
    alone = draw(specs[:1], seed, 0, n, 5, 1.0)
    assert np.array_equal(alone.factors[:, 0], whole.factors[:, 0])


def test_draws_follow_their_distributions():
    specs = parse_specs(["price:a=normal(0,0.1)", "tariff*=uniform(0.6,1.1)", "outage:u=0.25"])
    s = draw(specs, 11, 0, 4000, 8, 1.0)
    assert s.factors[:, 0].mean() == pytest.approx(1.0, abs=0.01)
    assert s.factors[:, 0].std() == pytest.approx(0.1, rel=0.05)
    assert s.factors[:, 1].min() >= 0.6 and s.factors[:, 1].max() <= 1.1
    assert s.out.mean() == pytest.approx(0.25, abs=0.02)
    degenerate = draw(parse_specs(["price:a=normal(0.05,0)"]), 1, 0, 3, 2, 1.0)
    assert (degenerate.factors == 1.05).all()
