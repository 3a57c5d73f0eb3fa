"""Renderers: text, JSON, SARIF, JUnit, HTML, diagrams and timelines.

Each takes the report data of one pass (:mod:`.data`) and returns bytes or text; none reads
or replays an input. A new output format goes here.
"""
