# cython: language_level=3
"""Faraday's law, once, for every kernel that computes electrolysis energy: cimport it
(``from electrolysis cimport ...``; setup.py puts ext/ on the Cython include path). The
functions are inline, so a cimporting module needs nothing of it at run time.

E = n F U / (3.6 M CE) kWh per t metal deposited: n electrons per atom, F the Faraday
constant (C/mol), U the cell voltage (V), M the molar mass (g/mol), CE the current
efficiency (fraction); 1 kWh = 3.6e6 J = 3.6e6 C V and 1 t = 1e6 g.
"""
cimport cython


@cython.cdivision(True)
cdef inline double kwh_per_t_per_volt(double electrons,
                                      double molar_mass_g_per_mol) noexcept nogil:
    """DC energy per volt of cell voltage at CE 1, kWh/t metal: n F / (3.6 M).

    F = 96485.33212 C/mol (CODATA 2018), the value of twin.constants.FARADAY_C_PER_MOL;
    tests/test_kernels_electrolysis.py holds the two equal.
    """
    return electrons * 96485.33212 / (3.6 * molar_mass_g_per_mol)


@cython.cdivision(True)  # else a zero-CE check (and its unraisable error) in every call
cdef inline double dc_kwh_per_t(double voltage_v, double current_efficiency,
                                double kwh_per_t_per_v) noexcept nogil:
    """DC energy, kWh/t metal, at `voltage_v` and `current_efficiency`, from the per-volt
    figure of :func:`kwh_per_t_per_volt` (computed once per metal, outside the loop)."""
    return kwh_per_t_per_v * voltage_v / current_efficiency
