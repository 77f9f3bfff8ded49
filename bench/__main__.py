"""python -m bench: every benchmark, each printing its figures."""
from . import posting, screens

posting.main()
screens.main()
