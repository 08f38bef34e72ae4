"""bedrock-costs: the `bedrock-costs` command (commands.py lists its subcommands) and the library behind it.

Shared pieces: ARNs (arns), sessions (aws), policy documents (policies), the profile map (profile_map),
step results (results), the one text table (tables) and the error edge (cli).
"""
