"""Test tools for hosts and for prmcore itself.

* :mod:`prmcore.testing.strategies`: hypothesis strategies for every domain object.
* :mod:`prmcore.testing.conformance`: the conformance test suite that every store (the
  shipped in-memory and SQLite stores, and a host's own) must pass; subclass
  :class:`~prmcore.testing.conformance.StoreConformance` in a pytest module.

Import the submodule you need; this package imports neither, so that using the strategies does
not require pytest. Needs the ``testing`` extra (``pip install prmcore[testing]``): importing
:mod:`prmcore` itself never imports hypothesis or pytest.

.. versionadded:: 0.1.0
"""

__all__: list[str] = []
