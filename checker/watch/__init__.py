"""Following live logs: a file's new complete lines, a store's current log, and the replay
of what is written, one finding at a time (``lifecheck watch``)."""
