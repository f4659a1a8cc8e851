"""Setting forge up on a machine: `forge init` writes a config, `forge doctor` checks one."""
