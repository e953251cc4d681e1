"""A reproducible demo of Flanders for `seed-demo`, benchmarks and tests; never production."""
