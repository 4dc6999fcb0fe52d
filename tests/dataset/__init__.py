"""Tests of the dataset stage: pure transforms, builds over every backend, lineage."""
