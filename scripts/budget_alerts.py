"""Moved: run `bedrock-costs budget-alerts` (the code is src/bedrock_costs/budget_alerts.py).

This file only keeps `import budget_alerts` working for tests/test_finops_budgets.py, which has
scripts/ on its path. Delete it once that test imports `from bedrock_costs import budget_alerts`.
"""

import sys

from bedrock_costs import budget_alerts

if __name__ == "__main__":
    sys.exit(budget_alerts.main())
sys.modules[__name__] = budget_alerts
