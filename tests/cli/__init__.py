"""Tests of cchc_tasks.cli."""
