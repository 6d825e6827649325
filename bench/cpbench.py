"""Benchmarks through the control program: saved systems and many guests."""
CP_BENCHES = []
