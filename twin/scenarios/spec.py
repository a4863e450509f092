"""The ``--vary`` grammar: what is uncertain and how it is distributed.

One spec says which input varies and the distribution of its change, for example
``price:cathode_market=normal(0,0.08)`` (the cathode price moves by a relative change
r ~ N(0, 0.08): price x (1 + r)) or ``tariff*=lognormal(0,0.15)`` (the grid tariff is
multiplied by a factor f with ln f ~ N(0, 0.15)). The grammar::

    SPEC    := KIND [":" TARGET] OP DIST
             | "outage:" UNIT "=" (RATE | "bernoulli(" RATE ["," HOURS] ")")
    KIND    := price | tariff | grade | hardness | renewable
    OP      := "="    the draw r is a relative change: input x (1 + r)
             | "*="   the draw f is a factor:          input x f
    DIST    := normal(MU, SIGMA) | uniform(LOW, HIGH) | triangular(LOW, MODE, HIGH)
             | lognormal(MU, SIGMA)   (only with "*=": ln f ~ N(MU, SIGMA))
             | fixed(VALUE)           (a degenerate distribution: always VALUE)

Targets: ``price:ID`` a market id or a fuel name (the whole price series moves);
``tariff`` the grid's time-of-use tariff; ``grade:SOURCE.ELEMENT`` an element of a
material's composition (a material under ``materials``) or of a mine's in-situ ore
(a unit with ``insitu_composition``); ``hardness:UNIT`` the Bond work index of a unit
that grinds; ``renewable`` the renewable profile; ``outage:UNIT`` a random outage:
in each period an outage starts with probability RATE and lasts HOURS (default: one
period). Every problem is an OptionError naming the spec and the part at fault. This
module uses the standard library only: the instance schema (twin.instance) checks its
``uncertainty`` section with it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from twin.errors import OptionError

#: Kinds of uncertain input, and whether each needs a target after a colon.
KINDS = {
    "price": True,
    "tariff": False,
    "grade": True,
    "hardness": True,
    "renewable": False,
    "outage": True,
}
#: Distribution families and the names of their parameters.
FAMILIES = {
    "normal": ("mu", "sigma"),
    "uniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
    "lognormal": ("mu", "sigma"),
    "fixed": ("value",),
    "bernoulli": ("rate", "hours"),
}
#: Largest magnitude of a distribution parameter (a relative change of 1000 x is
#: already meaningless); sigma of a lognormal factor at most this.
MAX_PARAMETER = 1000.0
MAX_LOG_SIGMA = 5.0
#: Longest spec accepted, characters.
MAX_SPEC_CHARS = 200

_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_\-.]*$")
_CALL = re.compile(r"^([a-z]+)\((.*)\)$")


@dataclass(frozen=True)
class Distribution:
    """A distribution family and its parameters (see FAMILIES for their names)."""

    family: str
    params: tuple[float, ...]

    def __str__(self) -> str:
        return f"{self.family}({','.join(repr(float(p)) for p in self.params)})"

    @property
    def degenerate(self) -> bool:
        """Whether every draw is the same number (zero spread)."""
        f, p = self.family, self.params
        if f == "fixed":
            return True
        if f in ("normal", "lognormal"):
            return p[1] == 0.0
        if f == "uniform":
            return p[0] == p[1]
        if f == "triangular":
            return p[0] == p[2]
        return p[0] in (0.0, 1.0)  # bernoulli


@dataclass(frozen=True)
class Vary:
    """One uncertain input: its kind, target (None for tariff and renewable), operator
    ("=" relative change, "*=" factor) and distribution."""

    kind: str
    target: str | None
    op: str
    dist: Distribution

    @property
    def key(self) -> str:
        """``kind`` or ``kind:target``: the input this spec varies (and its column name)."""
        return self.kind if self.target is None else f"{self.kind}:{self.target}"

    def __str__(self) -> str:
        return f"{self.key}{self.op}{self.dist}"

    @property
    def source_element(self) -> tuple[str, str]:
        """(source, element) of a grade spec."""
        assert self.kind == "grade" and self.target is not None
        source, element = self.target.rsplit(".", 1)
        return source, element


def _numbers(spec: str, where: str, family: str, body: str) -> tuple[float, ...]:
    names = FAMILIES[family]
    parts = [p.strip() for p in body.split(",")] if body.strip() else []
    wanted = (1, 2) if family == "bernoulli" else (len(names),)
    if len(parts) not in wanted:
        raise OptionError(
            f"{where} {spec!r}: {family} takes {' or '.join(map(str, wanted))} number(s) "
            f"({', '.join(names[: max(wanted)])}), got {len(parts)}"
        )
    values = []
    for name, part in zip(names, parts, strict=False):
        try:
            value = float(part)
        except ValueError:
            raise OptionError(
                f"{where} {spec!r}: {family} {name} {part!r} is not a number"
            ) from None
        if not math.isfinite(value) or abs(value) > MAX_PARAMETER:
            raise OptionError(
                f"{where} {spec!r}: {family} {name} {part} must be finite and at most "
                f"{MAX_PARAMETER:g} in size"
            )
        values.append(value)
    return tuple(values)


def _check_family(spec: str, where: str, d: Distribution, op: str) -> None:
    f, p = d.family, d.params
    bad = None
    if f in ("normal", "lognormal") and p[1] < 0:
        bad = f"sigma {p[1]!r} must be >= 0"
    elif f == "lognormal" and p[1] > MAX_LOG_SIGMA:
        bad = f"sigma {p[1]!r} must be at most {MAX_LOG_SIGMA:g}"
    elif f == "lognormal" and op != "*=":
        bad = "a log-normal draw is a factor: write KIND*=lognormal(mu,sigma)"
    elif f == "uniform" and p[0] > p[1]:
        bad = f"low {p[0]!r} is above high {p[1]!r}"
    elif f == "triangular" and not p[0] <= p[1] <= p[2]:
        bad = f"needs low <= mode <= high, got {p[0]!r}, {p[1]!r}, {p[2]!r}"
    elif f == "bernoulli" and not 0.0 <= p[0] <= 1.0:
        bad = f"rate {p[0]!r} must be a probability per period in [0, 1]"
    elif f == "bernoulli" and len(p) == 2 and not p[1] > 0:
        bad = f"hours {p[1]!r} must be > 0"
    if bad:
        raise OptionError(f"{where} {spec!r}: {f} {bad}")


def _target(spec: str, where: str, kind: str, target: str | None) -> None:
    needs = KINDS[kind]
    if needs and not target:
        raise OptionError(f"{where} {spec!r}: {kind} needs a target ({kind}:ID)")
    if not needs and target is not None:
        raise OptionError(f"{where} {spec!r}: {kind} takes no target; write {kind}=...")
    if target is not None and not _ID.match(target):
        raise OptionError(
            f"{where} {spec!r}: target {target!r} must be an id of letters, digits, _ - ."
        )
    if kind == "grade" and target is not None:
        source, _, element = target.rpartition(".")
        if not source or not re.match(r"^[A-Z][a-z]?$", element):
            raise OptionError(
                f"{where} {spec!r}: grade target {target!r} must be SOURCE.ELEMENT "
                "(e.g. cu_ore.Cu or pit.Cu)"
            )


def parse_spec(text: str, where: str = "--vary") -> Vary:
    """One spec (module docstring) as a Vary; OptionError naming `where` (the option or
    instance field) and the part of the spec at fault."""
    if not isinstance(text, str):
        raise OptionError(f"{where}: expected a spec string, got {type(text).__name__}")
    spec = text.strip()
    if len(spec) > MAX_SPEC_CHARS:
        raise OptionError(f"{where}: spec is {len(spec)} characters, above {MAX_SPEC_CHARS}")
    if "=" not in spec:
        raise OptionError(f"{where} {spec!r}: expected KIND[:TARGET]=DIST or KIND[:TARGET]*=DIST")
    head, _, body = spec.partition("=")
    op = "*=" if head.endswith("*") else "="
    head = head.removesuffix("*").strip()
    kind, colon, target = head.partition(":")
    kind = kind.strip()
    if kind not in KINDS:
        raise OptionError(f"{where} {spec!r}: unknown kind {kind!r} (known: {', '.join(KINDS)})")
    tgt = target.strip() if colon else None
    _target(spec, where, kind, tgt)
    body = body.strip()
    if kind == "outage":
        if op != "=":
            raise OptionError(f"{where} {spec!r}: outage takes '=', not '*='")
        try:
            dist = Distribution("bernoulli", (float(body),))
        except ValueError:
            dist = _call(spec, where, body)
            if dist.family != "bernoulli":
                raise OptionError(
                    f"{where} {spec!r}: outage takes RATE or bernoulli(RATE[,HOURS]), "
                    f"not {dist.family}"
                ) from None
        if not math.isfinite(dist.params[0]):
            raise OptionError(f"{where} {spec!r}: bernoulli rate must be finite")
    else:
        dist = _call(spec, where, body)
        if dist.family == "bernoulli":
            raise OptionError(f"{where} {spec!r}: bernoulli is for outage:UNIT only")
    _check_family(spec, where, dist, op)
    return Vary(kind, tgt, op, dist)


def _call(spec: str, where: str, body: str) -> Distribution:
    match = _CALL.match(body.replace(" ", ""))
    if not match:
        raise OptionError(
            f"{where} {spec!r}: distribution {body!r} must look like "
            f"family(numbers), family one of {', '.join(f for f in FAMILIES if f != 'bernoulli')}"
        )
    family, inner = match.groups()
    if family not in FAMILIES:
        raise OptionError(
            f"{where} {spec!r}: unknown distribution {family!r} (known: {', '.join(FAMILIES)})"
        )
    return Distribution(family, _numbers(spec, where, family, inner))


def parse_specs(texts: Iterable[str], where: str = "--vary") -> list[Vary]:
    """Every spec of `texts` (in order); OptionError on the first bad one, or when two
    specs vary the same input."""
    out: list[Vary] = []
    seen: dict[str, int] = {}
    for i, text in enumerate(texts):
        label = f"{where}[{i}]" if where != "--vary" else where
        vary = parse_spec(text, label)
        if vary.key in seen:
            raise OptionError(f"{label} {text!r}: {vary.key} is already varied by an earlier spec")
        seen[vary.key] = i
        out.append(vary)
    return out


def merged(from_instance: Sequence[Vary], from_cli: Sequence[Vary]) -> list[Vary]:
    """The instance's specs with the command line's added; a command-line spec replaces
    the instance's spec of the same input."""
    cli = {v.key: v for v in from_cli}
    return [cli.pop(v.key, v) for v in from_instance] + list(cli.values())
