"""Stateful (model vs implementation) tests."""
