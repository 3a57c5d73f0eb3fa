"""lifecheck: check Midtown agent event logs against an explicit lifecycle state machine."""
