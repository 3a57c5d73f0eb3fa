"""Reading: logs and event stores into ``(line, event)`` streams, as the daemon reads them.

:mod:`.events` types every ``DomainEvent`` variant. The exact decoder ports serde_json's
and chrono's reading: :mod:`.scan` (JSON text), :mod:`.numbers`, :mod:`.fields` (a field's
Rust type), :mod:`.serde` (a line's variant and fields) and :mod:`.dates`; :mod:`.lines`
says what a line and a blank line are. :mod:`.blocks` is the fast block decoder,
:mod:`.reader` streams a log through them in :mod:`.frames` (long lines in bounded memory),
read as it was when :mod:`.opened`; :mod:`.segments` splits a big log across processes and
:mod:`.store` finds what a store's recovery would replay (:mod:`.snapshot` reads its
snapshot, :mod:`.json_paths` places a type error in it). :mod:`.echo` caps input quoted in
messages. A new reader quirk goes here.
"""
