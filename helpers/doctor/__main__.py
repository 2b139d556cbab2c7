"""``python -m helpers.doctor``: see :mod:`helpers.doctor.cli`."""

import sys

from .cli import main

sys.exit(main())
