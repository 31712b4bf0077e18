"""`python -m unmask.evaluation`: see unmask.evaluation.run."""

import sys

from unmask.evaluation.run import main

sys.exit(main())
