"""Rule checks by family, called by the replay core; findings and their messages.

The catalogue itself (ids, severities, help) is :mod:`lifecheck.spec.catalogue`. A new
rule goes into the family module that sees what it needs: :mod:`.transitions` (forbidden
(state, event) pairs of the spec), :mod:`.index` (values running records share),
:mod:`.names` (``AgentSessionNotFound``), :mod:`.states` (forbidden states and the end of
the replay) or :mod:`.references` (ids never created).
"""
