"""Tests of cchc_tasks.store."""
