"""The province-scale benchmark of cchc_tasks (``make bench``); see docs/performance.md."""
