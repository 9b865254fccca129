"""Leaf helpers every layer may import (data, lab, synthetic and every analysis); this package imports nothing else
of the lab.

- ``errors``: ``ParameterError``, ``DataInputError`` and ``example_rows`` (the one way to name rows in a message);
- ``masking``: ``mask_pii``, the one masking rule for emails and phone numbers;
- ``dates``: ``parse_dates``, the one date parser (ISO, slash dates never guessed, Excel serials, epoch ms);
- ``files``: ``fingerprint`` of input files;
- ``params``: reading a notebook's parameters into a ``Config`` (no defaults outside the parameters cell);
- ``result``: the ``Result`` protocol every analysis's ``run(config)`` returns.
"""
