"""Tests of cchc_tasks.tracker."""
