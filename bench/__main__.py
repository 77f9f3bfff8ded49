"""python -m bench: every benchmark, each printing its figures."""
from .posting import main

main()
