"""Tests of cchc_tasks.rulesets."""
