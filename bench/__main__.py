"""python -m bench: every benchmark, each printing its figures."""
from . import posting, screens, stock_count

posting.main()
screens.main()
stock_count.main()
