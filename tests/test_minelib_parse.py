"""MineLib readers: random instances written with every spelling the format allows read
back exactly; malformed files name their file and line; the shipped files' facts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from twin.errors import InstanceError
from twin.mine.limits import MAX_VALUE
from twin.mine.minelib import load_instance, read_blocks, read_prec, read_schedule, read_upit

# ------------------------------------------------------------------ writing MineLib


@st.composite
def styles(draw):
    """How a file is spelled: separators, line ending, keyword form, number format."""
    return {
        "sep": draw(st.sampled_from([" ", "\t", "  ", " \t ", ":", " : "])),
        "eol": draw(st.sampled_from(["\n", "\r\n"])),
        "spaces": draw(st.booleans()),
        "colon": draw(st.sampled_from([":", ": ", " :", " "])),
        "trail": draw(st.sampled_from(["", " ", "\t", "  "])),
        "eof": draw(st.sampled_from(["", "EOF", "EOF\n", "EOF\n\n  \n"])),
        "fmt": draw(st.sampled_from(["{!r}", "{:.17e}", "{:.17E}"])).format,
        "lead": draw(st.sampled_from(["", " ", "\t"])),
    }


def _kw(key: str, style: dict) -> str:
    return key.replace("_", " ") if style["spaces"] else key


def _write(
    path: Path,
    header: list[tuple[str, str]],
    sections: list[tuple[str, list[list[str]]]],
    style: dict,
    order: list[int],
) -> list[str]:
    """Write an optimization file; returns its lines (without ending) for line lookups."""
    lines = [f"{_kw(k, style)}{style['colon']}{v}{style['trail']}" for k, v in header]
    for i in order:
        key, rows = sections[i]
        lines.append(f"{_kw(key, style)}:{style['trail']}")
        lines += [style["lead"] + style["sep"].join(row) + style["trail"] for row in rows]
    if style["eof"]:
        lines += style["eof"].split("\n")
    path.write_bytes(style["eol"].join(lines).encode())
    return lines


@st.composite
def schedules(draw):
    """A random CPIT or PCPSP instance as the arrays the reader must return."""
    pcpsp = draw(st.booleans())
    n, t = draw(st.integers(1, 6)), draw(st.integers(1, 3))
    d = draw(st.integers(1, 3)) if pcpsp else 1
    r = draw(st.integers(0, 2))
    money = st.floats(-MAX_VALUE, MAX_VALUE, allow_nan=False, allow_subnormal=False)
    values = np.array(draw(st.lists(money, min_size=n * d, max_size=n * d))).reshape(n, d)
    coef = np.zeros((n * d, r))
    for k in draw(st.sets(st.integers(0, n * d * r - 1))) if r else ():
        coef.flat[k] = draw(st.floats(0.5, 1e7))
    kinds = np.array(
        draw(st.lists(st.sampled_from("LGI"), min_size=r * t, max_size=r * t)), dtype="<U1"
    ).reshape(r, t)
    lo = np.where(kinds == "L", -np.inf, 10.0 * np.arange(r * t).reshape(r, t))
    hi = np.where(kinds == "G", np.inf, 1e6 + np.arange(r * t).reshape(r, t))
    rate = draw(st.floats(0.0, 0.5))
    return pcpsp, n, t, d, r, values, coef, kinds, lo, hi, rate


def _schedule_file(path: Path, inst, style, draw_order) -> list[str]:
    pcpsp, n, t, d, r, values, coef, kinds, lo, hi, rate = inst

    def f(value):
        return style["fmt"](float(value))

    header = [
        ("NAME", "Random test"),
        ("TYPE", "PCPSP" if pcpsp else "CPIT"),
        ("NBLOCKS", str(n)),
        ("NPERIODS", str(t)),
        ("NRESOURCE_SIDE_CONSTRAINTS", str(r)),
        ("DISCOUNT_RATE", repr(rate)),
    ]
    if pcpsp:
        header += [("NDESTINATIONS", str(d)), ("NGENERAL_SIDE_CONSTRAINTS", "0")]
    header = [header[i] for i in draw_order(len(header))]
    limits = [
        [str(ri), str(ti), kinds[ri, ti]]
        + ([f(hi[ri, ti])] if kinds[ri, ti] == "L" else [f(lo[ri, ti])])
        + ([f(hi[ri, ti])] if kinds[ri, ti] == "I" else [])
        for ri in range(r)
        for ti in range(t)
    ]
    objective = [[str(b)] + [f(v) for v in values[b]] for b in draw_order(n)]
    rows, cols = np.nonzero(coef)
    coefs = [
        [str(i // d)] + ([str(i % d)] if pcpsp else []) + [str(j), f(coef[i, j])]
        for i, j in zip(rows, cols, strict=True)
    ]
    sections = [
        ("RESOURCE_CONSTRAINT_LIMITS", limits),
        ("OBJECTIVE_FUNCTION", objective),
        ("RESOURCE_CONSTRAINT_COEFFICIENTS", coefs),
    ]
    return _write(path, header, sections, style, draw_order(3))


def _orderer(data):
    return lambda k: data.draw(st.permutations(range(k)))


SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(inst=schedules(), style=styles(), data=st.data())
def test_schedule_round_trip(tmp_path, inst, style, data):
    pcpsp, n, t, d, r, values, coef, kinds, lo, hi, rate = inst
    path = tmp_path / ("x.pcpsp" if pcpsp else "x.cpit")
    _schedule_file(path, inst, style, _orderer(data))
    got = read_schedule(path)
    assert (got.kind, got.n_blocks, got.n_periods, got.n_destinations, got.n_resources) == (
        "PCPSP" if pcpsp else "CPIT",
        n,
        t,
        d,
        r,
    )
    assert got.name == "Random test" and got.discount_rate == rate
    np.testing.assert_array_equal(got.values, values)
    np.testing.assert_array_equal(got.coef.toarray(), coef)
    np.testing.assert_array_equal(got.limit_type, kinds)
    np.testing.assert_array_equal(got.limit_lo, lo)
    np.testing.assert_array_equal(got.limit_hi, hi)


@SETTINGS
@given(
    values=st.lists(st.floats(-MAX_VALUE, MAX_VALUE, allow_nan=False), min_size=1, max_size=20),
    style=styles(),
    data=st.data(),
)
def test_upit_round_trip(tmp_path, values, style, data):
    path = tmp_path / "x.upit"
    order = _orderer(data)
    header = [("NAME", "u"), ("TYPE", "UPIT"), ("NBLOCKS", str(len(values)))]
    rows = [[str(b), style["fmt"](values[b])] for b in order(len(values))]
    _write(path, [header[i] for i in order(3)], [("OBJECTIVE_FUNCTION", rows)], style, [0])
    got = read_upit(path)
    assert got.name == "u"
    np.testing.assert_array_equal(got.values, np.array(values))


@st.composite
def prec_lists(draw):
    """Predecessor lists of an acyclic precedence: a block needs only blocks earlier in
    a random order (ids in any order, repeats allowed)."""
    n = draw(st.integers(1, 12))
    rank = draw(st.permutations(range(n)))
    return [
        draw(st.lists(st.sampled_from([p for p in range(n) if rank[p] < rank[b]]), max_size=5))
        if rank[b]
        else []
        for b in range(n)
    ]


@SETTINGS
@given(preds=prec_lists(), style=styles())
def test_prec_and_blocks_round_trip(tmp_path, preds, style):
    n = len(preds)
    sep, eol = style["sep"], style["eol"]
    lines = [
        style["lead"] + sep.join(map(str, [b, len(p), *p])) + style["trail"]
        for b, p in enumerate(preds)
    ]
    (tmp_path / "x.prec").write_bytes((eol.join(lines) + eol).encode())
    got = read_prec(tmp_path / "x.prec", n)
    assert got.n == n and got.n_arcs == sum(map(len, preds))
    for b, p in enumerate(preds):
        assert got.indices[got.indptr[b] : got.indptr[b + 1]].tolist() == p
    succ, pred = got.arcs()
    assert list(zip(succ, pred, strict=True)) == [(b, q) for b, p in enumerate(preds) for q in p]
    rock = ["FRWS", "0", "OX_OR"]
    blines = [
        sep.join(
            [str(b), str(b % 3), str(b // 3), str(n - b), rock[b % 3], style["fmt"](b * 1.5e19)]
        )
        + style["trail"]
        for b in range(n)
    ]
    (tmp_path / "x.blocks").write_bytes((eol.join(blines)).encode())
    model = read_blocks(tmp_path / "x.blocks")
    assert model.name == "x" and model.ids.tolist() == list(range(n))
    assert model.xyz.tolist() == [[b % 3, b // 3, n - b] for b in range(n)]
    assert model.attributes["attr1"].tolist() == [rock[b % 3] for b in range(n)]
    assert model.attributes["attr2"].tolist() == [b * 1.5e19 for b in range(n)]


# ---------------------------------------------------------------- malformed files


MUTATIONS = {
    "not a number": lambda tok: tok[:-1] + ["1.5x"],
    "field dropped": lambda tok: tok[:-1],
    "field added": lambda tok: tok + ["7"],
    "not finite": lambda tok: tok[:-1] + ["nan"],
}


@SETTINGS
@given(inst=schedules(), style=styles(), data=st.data(), how=st.sampled_from(sorted(MUTATIONS)))
def test_malformed_data_line_names_file_and_line(tmp_path, inst, style, data, how):
    path = tmp_path / "bad.pcpsp"
    style = dict(style, sep=" ", lead="", eol="\n")
    lines = _schedule_file(path, inst, style, _orderer(data))
    data_lines = [i for i, s in enumerate(lines) if s[:1].isdigit()]
    i = data.draw(st.sampled_from(data_lines))
    lines[i] = " ".join(MUTATIONS[how](lines[i].split()))
    path.write_text("\n".join(lines))
    with pytest.raises(InstanceError) as err:
        read_schedule(path)
    assert f"{path}:{i + 1}: " in str(err.value)


@pytest.mark.parametrize(
    "text,line,message",
    [
        ("NAME: a\nTYPE: UPIT\nNBLOCKS: 2\nOBJECTIVE_FUNCTION:\n0 1\n0 2\n", 6, "listed twice"),
        (
            "NAME: a\nTYPE: UPIT\nNBLOCKS: 2\nOBJECTIVE_FUNCTION:\n0 1\n1 1_000\n",
            6,
            "'1_000' is not a number",
        ),
        (
            "NAME: a\nTYPE: UPIT\nNBLOCKS: 2\nOBJECTIVE_FUNCTION:\n0 1\n1 2-3\n",
            6,
            "'2-3' is not a number",
        ),
        ("NAME: a\nTYPE: UPIT\nNBLOCKS: 2\nOBJECTIVE_FUNCTION:\n0 1\n", 4, "block 1 missing"),
        ("NAME: a\nTYPE: UPIT\nNBLOCKS: 2\nOBJECTIVE_FUNCTION:\n0 1\n2 1\n", 6, "outside 0..1"),
        ("NAME: a\nTYPE: UPIT\nNBLOCKS: 1\nOBJECTIVE_FUNCTION:\n0 1\nEOF\n0 1\n", 7, "after EOF"),
        ("NAME: a\nTYPE: UPIT\nNBLOCKS: 1\nOBJECTIVE_FUNCTION:\n0 1\nEOF\nfoo\n", 7, "after EOF"),
        ("NAME: a\nTYPE: UPIT\nNBLOCKZ: 1\n", 3, "unknown keyword 'NBLOCKZ'"),
        ("NAME: a\nTYPE: UPIT\nNBLOCKS: one\nOBJECTIVE_FUNCTION:\n", 3, "must be an integer"),
        ("NAME: a\nTYPE: UPIT\nNBLOCKS: 1\nNBLOCKS: 1\n", 4, "given twice"),
        ("NAME: a\nTYPE: UPIT\nOBJECTIVE_FUNCTION:\n0 1\n", 3, "NBLOCKS missing"),
        (
            "NAME: a\nTYPE: UPIT\nNBLOCKS: 1\nNPERIODS: 2\nOBJECTIVE_FUNCTION:\n0 1\n",
            4,
            "does not belong",
        ),
        ("NAME: a\n0 1\n", 2, "outside any section"),
        ("NAME: a\nTYPE: UPIT\nNBLOCKS: 1\nOBJECTIVE_FUNCTION: 3\n", 4, "takes no value"),
        ("NAME: a\nTYPE: CPIT\nNBLOCKS: 1\n", 2, "where UPIT was expected"),
    ],
)
def test_malformed_upit(tmp_path, text, line, message):
    path = tmp_path / "bad.upit"
    path.write_text(text)
    with pytest.raises(InstanceError, match=f"{path}:{line}: .*{message}"):
        read_upit(path)


CPIT_HEAD = (
    "NAME: a\nTYPE: CPIT\nNBLOCKS: 2\nNPERIODS: 2\nNRESOURCE_SIDE_CONSTRAINTS: 1\n"
    "DISCOUNT_RATE: 0.1\nOBJECTIVE_FUNCTION:\n0 1\n1 -2\nRESOURCE_CONSTRAINT_LIMITS:\n"
)


@pytest.mark.parametrize(
    "tail,line,message",
    [
        ("0 0 L 5\n", 10, "no limit for resource 0 in period 1"),
        ("0 0 L 5\n0 0 L 5\n", 12, "given twice"),
        ("0 0 X 5\n0 1 L 5\n", 11, "is not L, G or I"),
        ("0 0 I 5\n0 1 L 5\n", 11, "takes 2 value"),
        ("0 0 I 5 4\n0 1 L 5\n", 11, "the lower first"),
        ("0 0 L 5\n0 2 L 5\n", 12, "outside 1 resources x 2 periods"),
        ("0 0 L 5\n0 1 L 5\nRESOURCE_CONSTRAINT_COEFFICIENTS:\n0 1 3\n", 14, "resource 1 outside"),
        ("0 0 L 5\n0 1 L 5\nRESOURCE_CONSTRAINT_COEFFICIENTS:\n0 0 3\n0 0 4\n", 15, "listed twice"),
        ("0 0 L 5\n0 1 L 5\nRESOURCE_CONSTRAINT_COEFFICIENTS:\n0.5 0 3\n", 14, "not an integer"),
    ],
)
def test_malformed_cpit(tmp_path, tail, line, message):
    path = tmp_path / "bad.cpit"
    path.write_text(CPIT_HEAD + tail)
    with pytest.raises(InstanceError, match=f"{path}:{line}: .*{message}"):
        read_schedule(path)


@pytest.mark.parametrize(
    "text,line,message",
    [
        ("0 1\n1 0\n", 1, "says 1 predecessors but lists 0"),
        ("0 0\n2 0\n", 2, "block 2 where 1 was expected"),
        ("0 1 5\n1 0\n", 1, "predecessor 5 outside"),
        ("0 1 0\n1 0\n", 1, "its own predecessor"),
        ("0 0\n1 1 0.5\n", 2, "'0.5' is not an integer"),
        ("0 0\n1\n", 2, "needs 'block count"),
    ],
)
def test_malformed_prec(tmp_path, text, line, message):
    path = tmp_path / "bad.prec"
    path.write_text(text)
    with pytest.raises(InstanceError, match=f"{path}:{line}: .*{message}"):
        read_prec(path)


def test_cpit_header_must_be_complete(tmp_path):
    path = tmp_path / "bad.cpit"
    path.write_text(CPIT_HEAD.replace("NPERIODS: 2\n", ""))
    with pytest.raises(InstanceError, match=f"{path}:6: header keyword NPERIODS missing"):
        read_schedule(path)


def test_schedule_size_is_bounded_before_the_sections_are_read(tmp_path):
    path = tmp_path / "big.cpit"
    head = CPIT_HEAD.replace("NBLOCKS: 2", "NBLOCKS: 20000000").replace(
        "NPERIODS: 2", "NPERIODS: 11"
    )
    path.write_text(head + "0 0 L 5\n")
    with pytest.raises(InstanceError, match=f"{path}:4: 20,000,000 blocks x 11 periods x 1 "):
        read_schedule(path)


def test_prec_line_count_must_match_blocks(tmp_path):
    path = tmp_path / "bad.prec"
    path.write_text("0 0\n1 1 0\n")
    with pytest.raises(InstanceError, match=f"{path}:2: 2 precedence lines for 3 blocks"):
        read_prec(path, 3)


@pytest.mark.parametrize(
    "text,line,message",
    [
        ("0 0 0 0 a\n1 0 0 1\n", 2, "has 4 fields, expected 5"),
        ("0 0 0 0\n2 0 0 1\n", 2, "block id 2 where 1"),
        ("0 0 0 0.5\n", 1, "'0.5' is not an integer"),
        ("0 0 0\n", 1, "at least 4"),
    ],
)
def test_malformed_blocks(tmp_path, text, line, message):
    path = tmp_path / "bad.blocks"
    path.write_text(text)
    with pytest.raises(InstanceError, match=f"{path}:{line}: .*{message}"):
        read_blocks(path)


def test_missing_files_are_named(tmp_path):
    with pytest.raises(InstanceError, match="nothere.upit: no such file"):
        load_instance(tmp_path / "nothere", "upit")
    with pytest.raises(InstanceError, match="must be upit, cpit or pcpsp"):
        load_instance("x", "blocks")


# ---------------------------------------------------------------- the shipped files


@pytest.mark.parametrize(
    "name,n,arcs,periods,rate,resources",
    [
        ("newman1", 1060, 3922, 6, 0.08, 2),
        ("zuck_small", 9400, 145640, 20, 0.10, 2),
        ("kd", 14153, 219778, 12, 0.15, 1),
    ],
)
def test_shipped_instance_facts(minelib_dir, name, n, arcs, periods, rate, resources):
    cpit = load_instance(minelib_dir / name, "cpit")
    pcpsp = load_instance(minelib_dir / name, "pcpsp")
    upit = load_instance(minelib_dir / name, "upit")
    assert cpit.prec.n == n and cpit.prec.n_arcs == arcs
    succ, pred = cpit.prec.arcs()
    assert (cpit.blocks.xyz[pred, 2] > cpit.blocks.xyz[succ, 2]).all()
    s, p = pcpsp.problem, cpit.problem
    assert (s.n_periods, s.discount_rate, s.n_resources, s.n_destinations) == (
        periods,
        rate,
        resources,
        2,
    )
    assert (s.limit_type == "L").all() and np.isinf(s.limit_lo).all()
    assert s.discount(0) == 1.0 and s.discount(2) == pytest.approx(1 / (1 + rate) ** 2)
    np.testing.assert_array_equal(p.values[:, 0], upit.problem.values)
    np.testing.assert_array_equal(p.values[:, 0], s.values.max(axis=1))


def test_shipped_file_pitfalls(minelib_dir):
    folder = minelib_dir
    newman = read_blocks(folder / "newman1.blocks")
    assert set(newman.attributes["rock_type"]) == {"FRWS", "FROR", "OXOR", "0"}
    marked = newman.marker_mask("value_process")
    assert marked.sum() == 91
    assert (newman.attributes["rock_type"][marked] == "0").all()
    zuck = read_blocks(folder / "zuck_small.blocks")  # CRLF line endings
    assert zuck.attributes.shape == (9400, 4) and zuck.tonnes().min() > 0
    assert zuck.attributes.dtypes.map(lambda t: t.kind).tolist() == ["f"] * 4
    # header keywords in another order and a blank line after EOF
    zp = read_schedule(folder / "zuck_small.pcpsp")
    assert zp.coef.shape == (9400 * 2, 2) and (zp.coef.data != 0).all()
    kd = read_blocks(folder / "kd.blocks")
    np.testing.assert_array_equal(
        kd.attributes["block_value"], read_upit(folder / "kd.upit").values
    )  # no EOF in .upit
