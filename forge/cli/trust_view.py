"""Body of `forge trust`."""

from __future__ import annotations

from forge import paths
from forge.cli import output
from forge.cli.state import CliState
from forge.errors import UsageError


def run(st: CliState, *, revoke: bool, as_json: bool) -> None:
    from forge.config import trust

    root = paths.repo_root(st.directory)
    if root is None:
        raise UsageError(f"{st.directory} is not inside a git repository",
                         "run forge trust in the repository whose routing.toml you trust")
    if revoke:
        removed = trust.revoke(root)
        if as_json:
            output.print_json({"repo": str(root), "revoked": removed})
        else:
            output.print_lines([f"forge no longer trusts the routing.toml of {root}" if removed
                                else f"{root} was not trusted: nothing to revoke"])
        return
    config_file = st.config_file or paths.repo_config_file(st.directory)
    if config_file is None:
        if as_json:
            output.print_json({"repo": str(root), "config_file": None, "trusted": False, "commands": {}})
        else:
            output.print_lines([f"{root} has no routing.toml of its own: nothing to trust"])
        return
    if not config_file.is_file():
        raise UsageError(f"--config {config_file}: no such file", "pass the routing.toml to trust")
    commands = trust.defined_commands(config_file)
    record = trust.trust(root, config_file)
    if as_json:
        output.print_json({"repo": str(root), "config_file": str(config_file), "sha256": record.sha256,
                           "trusted": True, "commands": commands})
        return
    lines: list[str | output.Styled] = [f"trusted {config_file} (sha256 {record.sha256[:12]}) in {root}"]
    if commands:
        lines.append("forge may now run the commands it defines:")
        lines += [f"  {language} {stage}: {command}" for language, stages in commands.items()
                  for stage, command in stages.items()]
    else:
        lines.append("it defines no commands")
    lines.append("a change to the file needs forge trust again; forge trust --revoke takes it back")
    output.print_lines(lines)
