"""The privacy engine: detectors, the capture policy, redaction and pseudonyms.

Used on the device, again at the collector, and again in the dataset builder.
"""
