"""Command line for the synthetic feed generator (stalking_hub/demo/feedgen.py):

python bench/feedgen.py --rows 100000 --out /tmp/feed.csv
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stalking_hub.demo.feedgen import main

if __name__ == "__main__":
    main()
