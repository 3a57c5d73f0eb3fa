"""Reading: logs and event stores into ``(line, event)`` streams, as the daemon reads them.

:mod:`.events` types every ``DomainEvent`` variant; :mod:`.lines` is the exact line-by-line
decoder, :mod:`.blocks` the fast block decoder, :mod:`.reader` streams a log through them,
:mod:`.segments` splits a big log across processes and :mod:`.store` finds what a store's
recovery would replay. A new reader quirk goes here.
"""
