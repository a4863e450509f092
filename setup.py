"""Build for `twin`: maps models/, solvers/ and ext/ into the `twin` namespace and
compiles the Cython kernels in ext/ (numpy include dirs, language level 3)."""
from glob import glob
from pathlib import Path

import numpy
from Cython.Build import cythonize
from setuptools import Extension, setup

extensions = [
    Extension(
        f"twin.ext.{Path(pyx).stem}",
        [pyx],
        include_dirs=[numpy.get_include()],
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
        extra_compile_args=["-O3"],
    )
    for pyx in sorted(glob("ext/*.pyx"))
]

setup(
    name="twin",
    version="0.1.0",
    description="Mine-to-metal digital-twin optimisation engine for nonferrous chains",
    python_requires=">=3.10",
    packages=["twin", "twin.units", "twin.mine", "twin.models", "twin.solvers", "twin.ext"],
    package_dir={
        "twin": "twin",
        "twin.models": "models",
        "twin.solvers": "solvers",
        "twin.ext": "ext",
    },
    package_data={"twin.ext": ["*.pyx", "*.pxd"]},
    ext_modules=cythonize(extensions, compiler_directives={"language_level": "3"}),
    install_requires=[
        "numpy>=1.26,<3",
        "scipy>=1.11,<2",
        "pandas>=2.1,<4",
        "pydantic>=2.5,<3",
        "PyYAML>=6,<7",
        "networkx>=3.2,<4",
        "pyomo>=6.7,<7",
        "highspy>=1.7,<2",
        "typer>=0.12,<1",
        "rich>=13,<16",
    ],
    extras_require={
        "test": ["pytest>=8,<10", "hypothesis>=6.100,<7"],
        "all": ["pyarrow>=15,<30", "matplotlib>=3.8,<4"],
    },
    entry_points={"console_scripts": ["twin=twin.cli:app"]},
)
