"""The lab's plumbing: runner, cli, config, notebook run info, metrics.json, reports."""
