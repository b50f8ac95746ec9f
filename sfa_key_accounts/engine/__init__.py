"""The method's calculations as plain functions on plain data.

Nothing here imports ``odoo``: the ORM models fetch what they need in bulk, call these
functions and write the results back. That keeps the rules readable in one place and
testable without a database (see the top-level ``tests/``).
"""
