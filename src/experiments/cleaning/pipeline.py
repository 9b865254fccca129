"""Old import path kept for callers outside notebook 01 until their owners move (tests/planted/
test_{feedback,nba,recommend,service}_planted.py):
``clean_company`` is ``experiments.cleaning.evaluation.clean_company``, ``write_outputs`` is
``experiments.cleaning.result.write_outputs``. No code lives here; delete this module when nothing imports it."""

from experiments.cleaning.evaluation import clean_company
from experiments.cleaning.result import write_outputs

__all__ = ["clean_company", "write_outputs"]
