"""The replay core: events one at a time through a model of the daemon's projection.

No I/O: :class:`.engine.Replay` is fed ``(line, event)`` pairs and hands out findings as it
finds them. :mod:`.projection` models each daemon version, :mod:`.states` compiles the spec
for the hot loop; coverage, the explanation history and timelines observe the replay.
"""
