"""The inventory engine: posting, its checks and writes, valuation, warranties, CSV serials and search.

It imports no web code: screens, the API and the command line all call into it, and it answers
with the module's errors (sos_serial.errors) for them to present.
"""
