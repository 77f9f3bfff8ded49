"""Tests of the app as a whole: the factory, packaging, the command line, signing in, plugins."""
