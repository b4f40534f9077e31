import sys

from corpora.convert import main

sys.exit(main())
