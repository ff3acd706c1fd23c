"""``python -m openesx_license``: the same command line as ``openesx-license``."""

from openesx_license.cli.main import main

if __name__ == "__main__":
    main()
