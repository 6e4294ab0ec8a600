"""The 30 % tracker: research collaboration in Norwegian municipalities, per county."""
