"""Where a scenario meets its network: the frozen runtime model a run executes."""
