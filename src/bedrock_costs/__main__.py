"""`python -m bedrock_costs <command> ...`, the same as the `bedrock-costs` command."""

import sys

from bedrock_costs.commands import main

sys.exit(main())
