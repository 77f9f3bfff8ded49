"""The load, soak and fault runs' shared parts: the seeded world, the servers, the invariant checks."""
