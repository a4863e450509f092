"""Cython kernels (unit balances) with NumPy reference implementations beside them."""
