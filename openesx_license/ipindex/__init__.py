"""IP fingerprint index: winnowed k-gram hashes, header names and symbols of proprietary code."""
