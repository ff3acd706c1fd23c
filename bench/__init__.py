"""Benchmarks on real hypervisor trees (Xen, QEMU), run by ``make bench``."""
