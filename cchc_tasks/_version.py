"""The version of cchc_tasks, read by the build backend and recorded in evaluations."""

__version__ = "0.1.0"
