"""Learned-vs-constructed experiments.

`python -m experiments.NAME` writes JSON, PNG and Markdown under docs/results/.
"""
