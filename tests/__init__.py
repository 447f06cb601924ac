"""Tests of cchc_tasks."""
