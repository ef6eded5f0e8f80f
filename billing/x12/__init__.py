"""X12 005010 for professional claims, pure Python (no Django).

- writer837.write_837p(batch, control) -> str: 837P (005010X222A1) interchange.
- reader837.read_837p(text, strict=True) -> Read837: 837P files back into dataclasses.
- ack999.read_999(text) -> Ack999 / read_999_all: 999 implementation acknowledgments.
- ack277ca.read_277ca(text) -> Ack277 / read_277ca_all: 277CA claim acknowledgments.
- reader.tokenize / read_envelopes: segments and ISA/GS/ST envelopes of any 00501 file.
Every reader raises errors.X12Error(segment_number, segment_id, reason) for a file it refuses.
"""
