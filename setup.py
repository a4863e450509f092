"""Cython build for `twin` (the metadata is in pyproject.toml): compiles the kernels in
ext/ (numpy include dirs, language level 3) and maps models/, solvers/ and ext/ into the
`twin` namespace, so users import `twin.models`, never a bare `models`."""

from glob import glob
from pathlib import Path

import numpy
from Cython.Build import cythonize
from setuptools import Extension, setup

extensions = [
    Extension(
        f"twin.ext.{Path(pyx).stem}",
        [pyx],
        include_dirs=[numpy.get_include(), "ext"],
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
        extra_compile_args=["-O3"],
    )
    for pyx in sorted(glob("ext/*.pyx"))
]

setup(
    packages=[
        "twin",
        "twin.cli",
        "twin.report",
        "twin.scenarios",
        "twin.service",
        "twin.units",
        "twin.mine",
        "twin.plant",
        "twin.models",
        "twin.solvers",
        "twin.ext",
    ],
    package_dir={
        "twin": "twin",
        "twin.models": "models",
        "twin.solvers": "solvers",
        "twin.ext": "ext",
    },
    package_data={"twin.ext": ["*.pyx", "*.pxd"]},
    ext_modules=cythonize(
        extensions, compiler_directives={"language_level": "3"}, include_path=["ext"]
    ),
)
