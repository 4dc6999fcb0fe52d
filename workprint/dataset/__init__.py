"""Datasets: episodes, steps, splits by person, exports, datasheets and lineage."""
