"""Benchmarks (plain scripts): python bench/<name>.py"""
